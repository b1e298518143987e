import FernNN
import FernTensor

/// Gradient-based attributions beyond the plain gradient: gradient x input, integrated
/// gradients and guided backpropagation. Each explains the class score before softmax of
/// `classes` (default: each image's predicted class) and gives maps [N, H, W] in [0, 1]: the
/// attribution's absolute value, the largest over channels, each map scaled to its maximum.
extension Saliency {
    /// The gradient times the pixel values (Shrikumar et al. 2016): how much each pixel, as it
    /// is, adds to the score to first order.
    public static func gradientTimesInput(model: Sequential, images: Tensor, classes: [Int]? = nil,
                                          batchSize: Int = 32) throws -> Tensor {
        try checkInputs(images, classes)
        return try batched(images.shape[0], batchSize: batchSize) { rows in
            let batch = try images.sliced(axis: 0, start: rows.lowerBound, end: rows.upperBound)
            let (gradient, _) = try InputGradient.ofClassScores(model, batch, classes: classes.map { Array($0[rows]) })
            return try normalizedMaps((gradient * batch).abs())
        }
    }

    /// Integrated gradients (Sundararajan et al. 2017): the pixels' difference from a baseline
    /// image times the gradient averaged along the straight path from the baseline to the
    /// image, by the trapezoid rule on `steps` intervals.
    public static func integratedGradients(model: Sequential, images: Tensor, classes: [Int]? = nil,
                                           baseline: Float = 0, steps: Int = 32, batchSize: Int = 32) throws -> Tensor {
        try checkInputs(images, classes)
        return try batched(images.shape[0], batchSize: batchSize) { rows in
            let batch = try images.sliced(axis: 0, start: rows.lowerBound, end: rows.upperBound)
            let attributions = try integratedGradientAttributions(model: model, images: batch,
                                                                  classes: classes.map { Array($0[rows]) },
                                                                  baseline: baseline, steps: steps)
            return try normalizedMaps(attributions.abs())
        }
    }

    /// The signed attributions [N, H, W, C] of integrated gradients. By completeness they sum,
    /// per image, to the class score at the image minus the score at the baseline, up to the
    /// trapezoid rule's error, which shrinks with `steps`.
    public static func integratedGradientAttributions(model: Sequential, images: Tensor, classes: [Int]?,
                                                      baseline: Float, steps: Int) throws -> Tensor {
        try checkInputs(images, classes)
        guard (1...4096).contains(steps) else { throw AnalysisError("integrated gradients: steps must be 1 to 4096, got \(steps)") }
        let chosen = try classes ?? model.predictClasses(images)
        let start = try Tensor.full(images.shape, baseline)
        let difference = try images - start
        var total = try Tensor.zeros(images.shape)
        for k in 0...steps {
            let point = try start + difference * (Float(k) / Float(steps))
            let weight: Float = k == 0 || k == steps ? 0.5 : 1
            total = try total + InputGradient.ofClassScores(model, point, classes: chosen).0 * weight
        }
        return try (total * difference * (1 / Float(steps))).detached()
    }

    /// Guided backpropagation (Springenberg et al. 2015): the input gradient with every ReLU
    /// passing back only positive gradients, which keeps the edges that raise the score.
    public static func guidedBackpropagation(model: Sequential, images: Tensor, classes: [Int]? = nil,
                                             batchSize: Int = 32) throws -> Tensor {
        try checkInputs(images, classes)
        return try batched(images.shape[0], batchSize: batchSize) { rows in
            let batch = try images.sliced(axis: 0, start: rows.lowerBound, end: rows.upperBound)
            let chosen = try classes.map { Array($0[rows]) } ?? model.predictClasses(batch)
            let (gradient, _) = try GradientMode.guidedBackpropagation {
                try InputGradient.ofClassScores(model, batch, classes: chosen)
            }
            return try normalizedMaps(gradient.relu())
        }
    }

    /// Occlusion (Zeiler & Fergus 2014): how much the class probability falls when a
    /// `patch` x `patch` square, moved by `stride`, is set to `baseline`; each pixel gets the
    /// mean fall of the squares covering it (rises count as none).
    public static func occlusion(model: Sequential, images: Tensor, classes: [Int]? = nil, patch: Int = 8,
                                 stride: Int = 4, baseline: Float = 0, batchSize: Int = 256) throws -> Tensor {
        try checkInputs(images, classes)
        let (n, height, width, channels) = (images.shape[0], images.shape[1], images.shape[2], images.shape[3])
        guard patch > 0, stride > 0, patch <= min(height, width) else {
            throw AnalysisError("occlusion: patch must be 1 to \(min(height, width)) and stride positive, got patch \(patch), stride \(stride)")
        }
        let chosen = try classes ?? model.predictClasses(images)
        let ys = Array(Swift.stride(from: 0, through: height - patch, by: stride))
        let xs = Array(Swift.stride(from: 0, through: width - patch, by: stride))
        let positions = ys.flatMap { y in xs.map { (y, $0) } }
        let original = try model.predictLogits(images).softmax()
        let pixels = height * width * channels
        var maps = [Float](repeating: 0, count: n * height * width)
        var cover = [Float](repeating: 0, count: height * width)
        for (y, x) in positions { for dy in 0..<patch { for dx in 0..<patch { cover[(y + dy) * width + x + dx] += 1 } } }
        let source = images.scalars
        for i in 0..<n {
            // Every occluded copy of image i, one per square position, in one batch.
            var copies = [Float](repeating: 0, count: positions.count * pixels)
            for (p, (y, x)) in positions.enumerated() {
                copies.replaceSubrange(p * pixels..<(p + 1) * pixels, with: source[i * pixels..<(i + 1) * pixels])
                for dy in 0..<patch {
                    for dx in 0..<patch {
                        for c in 0..<channels { copies[p * pixels + ((y + dy) * width + x + dx) * channels + c] = baseline }
                    }
                }
            }
            let occluded = try Tensor(shape: [positions.count, height, width, channels], scalars: copies)
            let probabilities = try model.predictLogits(occluded, batchSize: batchSize).softmax()
            let classCount = probabilities.shape[1]
            let before = original.scalars[i * classCount + chosen[i]]
            for (p, (y, x)) in positions.enumerated() {
                let fall = max(before - probabilities.scalars[p * classCount + chosen[i]], 0)
                for dy in 0..<patch { for dx in 0..<patch { maps[(i * height + y + dy) * width + x + dx] += fall } }
            }
        }
        for i in 0..<n {
            for p in 0..<height * width where cover[p] > 0 { maps[i * height * width + p] /= cover[p] }
        }
        return try normalizedMaps(Tensor(shape: [n, height, width, 1], scalars: maps))
    }
}
