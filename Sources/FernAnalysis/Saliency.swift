import FernNN
import FernTensor

/// Saliency maps: where in the image a small change moves the class score
/// most. Maps are [N, H, W], each scaled to [0, 1] on its own.
public enum Saliency {
    /// The vanilla gradient of each image's class score before softmax
    /// (keras-vis' advice: after softmax a score can rise by lowering the
    /// others), in absolute value, the largest over channels. `classes` nil
    /// explains each image's predicted class.
    public static func vanilla(model: Sequential, images: Tensor, classes: [Int]? = nil,
                               batchSize: Int = 32) throws -> Tensor {
        try checkInputs(images, classes)
        return try batched(images.shape[0], batchSize: batchSize) { rows in
            let batch = try images.sliced(axis: 0, start: rows.lowerBound, end: rows.upperBound)
            let (gradient, _) = try InputGradient.ofClassScores(model, batch, classes: classes.map { Array($0[rows]) })
            return try normalizedMaps(gradient.abs())
        }
    }

    /// SmoothGrad (Smilkov et al. 2017): the mean absolute gradient over
    /// `samples` copies of each image with Gaussian noise of standard
    /// deviation `noise` times the image's value range. The class explained
    /// is the one predicted for the clean image unless `classes` is given.
    public static func smoothGrad(model: Sequential, images: Tensor, classes: [Int]? = nil, samples: Int = 20,
                                  noise: Float = 0.15, seed: UInt64 = 0, batchSize: Int = 32) throws -> Tensor {
        try checkInputs(images, classes)
        guard samples > 0, noise >= 0 else { throw AnalysisError("smoothgrad: samples must be positive and noise non-negative") }
        var generator = SeededGenerator(seed: seed)
        return try batched(images.shape[0], batchSize: batchSize) { rows in
            let batch = try images.sliced(axis: 0, start: rows.lowerBound, end: rows.upperBound)
            let chosen = try classes.map { Array($0[rows]) } ?? model.predictClasses(batch)
            let spread = try (batch.max(axes: Array(1..<batch.rank), keepDims: true)
                              - batch.min(axes: Array(1..<batch.rank), keepDims: true)) * noise
            var total = try Tensor.zeros(batch.shape)
            for _ in 0..<samples {
                let noisy = try batch + Tensor.randomNormal(batch.shape, using: &generator) * spread
                total = try total + InputGradient.ofClassScores(model, noisy, classes: chosen).0.abs()
            }
            return try normalizedMaps(total)
        }
    }

    static func checkInputs(_ images: Tensor, _ classes: [Int]?) throws {
        guard images.rank == 4 else {
            throw AnalysisError("saliency needs a batch of images [N, H, W, C], got \(describeShape(images.shape))")
        }
        if let classes, classes.count != images.shape[0] {
            throw AnalysisError("saliency: \(classes.count) classes for \(images.shape[0]) images")
        }
    }

    /// [N, H, W, C] non-negative values → [N, H, W], the largest over
    /// channels, each map divided by its maximum (an all-zero map stays zero).
    static func normalizedMaps(_ values: Tensor) throws -> Tensor {
        let maps = try values.max(axes: [3])
        let peaks = try maps.max(axes: [1, 2], keepDims: true)
        let safe = try Tensor(shape: peaks.shape, scalars: peaks.scalars.map { $0 > 0 ? $0 : 1 })
        return try (maps / safe).detached()
    }
}
