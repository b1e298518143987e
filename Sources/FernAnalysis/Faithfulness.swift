import FernNN
import FernTensor
import Foundation

/// What the pixels a deletion or insertion curve changes are replaced with (or start from).
public enum FaithfulnessBaseline: String, CaseIterable, Sendable {
    /// The image blurred (a Gaussian of standard deviation 4 pixels): RISE's insertion start,
    /// which keeps the image's overall brightness and removes its detail.
    case blur
    /// Black.
    case zero
    /// The image's mean value.
    case mean
}

/// How well a saliency map ranks the pixels the model relies on (Petsiuk et al. 2018, RISE):
/// the class probability as the most salient pixels are removed (deletion; a faithful map
/// makes it fall fast, so a small area under the curve is better) or added to the baseline
/// (insertion; larger is better), each next to the same curves for a random pixel order.
public struct FaithfulnessScores: Sendable {
    /// Mean areas under the curves, over the images, with the fraction of pixels changed from 0 to 1.
    public var deletion: Float
    public var insertion: Float
    public var randomDeletion: Float
    public var randomInsertion: Float
    public var baseline: FaithfulnessBaseline
    public var points: Int
}

extension Saliency {
    /// The scores of `maps` [N, H, W] for `images` [N, H, W, C], explaining `classes` (the
    /// classes the maps were made for), with each curve sampled at `points` + 1 fractions.
    public static func faithfulness(model: Sequential, images: Tensor, maps: Tensor, classes: [Int],
                                    points: Int = 20, baseline: FaithfulnessBaseline = .blur, seed: UInt64 = 0,
                                    batchSize: Int = 256) throws -> FaithfulnessScores {
        try checkInputs(images, classes)
        let (n, height, width, channels) = (images.shape[0], images.shape[1], images.shape[2], images.shape[3])
        guard maps.shape == [n, height, width] else {
            throw AnalysisError("faithfulness: maps \(describeShape(maps.shape)) do not match images \(describeShape(images.shape))")
        }
        guard (1...1000).contains(points), n > 0 else { throw AnalysisError("faithfulness: points must be 1 to 1000 and there must be images") }
        let pixels = height * width
        let starts = try baselineImages(images, baseline)
        var generator = SeededGenerator(seed: seed)
        var sums = [Float](repeating: 0, count: 4)
        for i in 0..<n {
            let map = Array(maps.scalars[i * pixels..<(i + 1) * pixels])
            let salient = (0..<pixels).sorted { map[$0] > map[$1] || map[$0] == map[$1] && $0 < $1 }
            let random = (0..<pixels).shuffled(using: &generator)
            let image = Array(images.scalars[i * pixels * channels..<(i + 1) * pixels * channels])
            let start = Array(starts.scalars[i * pixels * channels..<(i + 1) * pixels * channels])
            for (o, order) in [salient, random].enumerated() {
                // Deletion: from the image towards the baseline; insertion: the other way.
                let deletion = try curve(model, from: image, to: start, order: order, points: points, shape: images.shape, classIndex: classes[i], batchSize: batchSize)
                let insertion = try curve(model, from: start, to: image, order: order, points: points, shape: images.shape, classIndex: classes[i], batchSize: batchSize)
                sums[o * 2] += area(deletion)
                sums[o * 2 + 1] += area(insertion)
            }
        }
        let mean = sums.map { $0 / Float(n) }
        return FaithfulnessScores(deletion: mean[0], insertion: mean[1], randomDeletion: mean[2], randomInsertion: mean[3],
                                  baseline: baseline, points: points)
    }

    /// The class probability at `points` + 1 evenly spaced fractions of the pixels in `order`
    /// taken from `to` into `from`.
    private static func curve(_ model: Sequential, from: [Float], to: [Float], order: [Int], points: Int, shape: [Int],
                              classIndex: Int, batchSize: Int) throws -> [Float] {
        let channels = shape[3], size = from.count, pixels = order.count
        var frames = [Float]()
        frames.reserveCapacity((points + 1) * size)
        var current = from
        var changed = 0
        for step in 0...points {
            let target = Int((Float(step) / Float(points) * Float(pixels)).rounded())
            while changed < target {
                let p = order[changed]
                for c in 0..<channels { current[p * channels + c] = to[p * channels + c] }
                changed += 1
            }
            frames += current
        }
        let batch = try Tensor(shape: [points + 1] + Array(shape.dropFirst()), scalars: frames)
        let probabilities = try model.predictLogits(batch, batchSize: batchSize).softmax()
        let classes = probabilities.shape[1]
        guard (0..<classes).contains(classIndex) else { throw AnalysisError("class \(classIndex) is outside the model's \(classes) classes") }
        return (0...points).map { probabilities.scalars[$0 * classes + classIndex] }
    }

    /// The trapezoid area under values sampled evenly on [0, 1].
    private static func area(_ values: [Float]) -> Float {
        guard values.count > 1 else { return values.first ?? 0 }
        let inner = values.dropFirst().dropLast().reduce(0, +)
        return (inner + (values.first! + values.last!) / 2) / Float(values.count - 1)
    }

    /// The baseline image for each image [N, H, W, C].
    static func baselineImages(_ images: Tensor, _ baseline: FaithfulnessBaseline) throws -> Tensor {
        switch baseline {
        case .zero: return try Tensor.zeros(images.shape)
        case .mean: return try images.mean(axes: [1, 2, 3], keepDims: true) + Tensor.zeros(images.shape)
        case .blur: return try gaussianBlur(images, sigma: 4)
        }
    }

    /// A separable Gaussian blur of each image and channel, edges repeated.
    static func gaussianBlur(_ images: Tensor, sigma: Float) throws -> Tensor {
        let (n, height, width, channels) = (images.shape[0], images.shape[1], images.shape[2], images.shape[3])
        let radius = Int((3 * sigma).rounded(.up))
        var kernel = (-radius...radius).map { Foundation.exp(-Float($0 * $0) / (2 * sigma * sigma)) }
        let total = kernel.reduce(0, +)
        kernel = kernel.map { $0 / total }
        var values = images.scalars
        func pass(horizontal: Bool) {
            var out = values
            for i in 0..<n {
                for y in 0..<height {
                    for x in 0..<width {
                        for c in 0..<channels {
                            var sum: Float = 0
                            for (k, weight) in kernel.enumerated() {
                                let offset = k - radius
                                let (yy, xx) = horizontal ? (y, min(max(x + offset, 0), width - 1)) : (min(max(y + offset, 0), height - 1), x)
                                sum += weight * values[((i * height + yy) * width + xx) * channels + c]
                            }
                            out[((i * height + y) * width + x) * channels + c] = sum
                        }
                    }
                }
            }
            values = out
        }
        pass(horizontal: true)
        pass(horizontal: false)
        return try Tensor(shape: images.shape, scalars: values)
    }
}
