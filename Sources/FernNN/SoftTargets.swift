import FernTensor
import Foundation

/// What a training batch is scored against when the labels are softened: label smoothing
/// (each one-hot target moves `smoothing` of its mass evenly onto all classes), mixup (each
/// image blended with another of the batch, λ ~ Beta(α, α), and their targets in the same
/// proportion) and CutMix (a rectangle of another image pasted in, the targets mixed by its
/// area). With both mixup and CutMix on, each batch uses one of them, chosen at random.
/// Knowledge distillation takes `distillation` of each (smoothed) target from a teacher's class
/// probabilities of the image, before mixing.
struct SoftTargets {
    var smoothing: Float
    var mixupAlpha: Float
    var cutMixAlpha: Float
    var distillation: Float = 0

    /// Whether the labels are scored as they are (the loss's fast path).
    var isOff: Bool { smoothing == 0 && mixupAlpha == 0 && cutMixAlpha == 0 && distillation == 0 }

    /// The batch to train on and its `[batch, classes]` targets, drawing from `generator`;
    /// `teacher` holds the teacher's `[batch, classes]` probabilities of these images when distilling.
    func apply(_ images: Tensor, labels: [Int], classes: Int, teacher: Tensor? = nil,
               using generator: inout SeededGenerator) throws -> (images: Tensor, targets: Tensor) {
        let rows = labels.count
        var targets = [Float](repeating: smoothing / Float(classes), count: rows * classes)
        for (row, label) in labels.enumerated() { targets[row * classes + label] += 1 - smoothing }
        if distillation > 0 {
            guard let teacher, teacher.shape == [rows, classes] else {
                throw ModelError("distillation needs the teacher's probabilities of the batch, [\(rows), \(classes)]")
            }
            for (k, probability) in teacher.scalars.enumerated() {
                targets[k] = (1 - distillation) * targets[k] + distillation * probability
            }
        }
        let useCutMix = cutMixAlpha > 0 && (mixupAlpha == 0 || generator.nextUnitFloat() < 0.5)
        let alpha = useCutMix ? cutMixAlpha : mixupAlpha
        guard alpha > 0, rows > 1 else { return (images, try Tensor(shape: [rows, classes], scalars: targets)) }

        var lambda = Float(Self.beta(Double(alpha), using: &generator))
        let partner = Array(0..<rows).shuffled(using: &generator)
        var mixed = images.scalars
        let size = images.count / rows
        if useCutMix {
            guard images.rank == 4 else { throw ModelError("CutMix needs NHWC images, got \(describeShape(images.shape))") }
            let (height, width, channels) = (images.shape[1], images.shape[2], images.shape[3])
            // A box of area share 1 - λ centred anywhere, clipped to the image; λ follows the clipped area.
            let side = Float((1 - lambda).squareRoot())
            let (boxHeight, boxWidth) = (Int(Float(height) * side), Int(Float(width) * side))
            let (centreY, centreX) = (Int.random(in: 0..<height, using: &generator), Int.random(in: 0..<width, using: &generator))
            let (top, bottom) = (max(centreY - boxHeight / 2, 0), min(centreY + boxHeight / 2, height))
            let (left, right) = (max(centreX - boxWidth / 2, 0), min(centreX + boxWidth / 2, width))
            lambda = 1 - Float((bottom - top) * (right - left)) / Float(height * width)
            for row in 0..<rows {
                let (to, from) = (row * size, partner[row] * size)
                for y in top..<bottom {
                    let offset = (y * width + left) * channels
                    let span = (right - left) * channels
                    for k in 0..<span { mixed[to + offset + k] = images.scalars[from + offset + k] }
                }
            }
        } else {
            for row in 0..<rows {
                let (to, from) = (row * size, partner[row] * size)
                for k in 0..<size { mixed[to + k] = lambda * images.scalars[to + k] + (1 - lambda) * images.scalars[from + k] }
            }
        }
        let own = targets
        for row in 0..<rows {
            for j in 0..<classes {
                targets[row * classes + j] = lambda * own[row * classes + j] + (1 - lambda) * own[partner[row] * classes + j]
            }
        }
        return (try Tensor(shape: images.shape, scalars: mixed), try Tensor(shape: [rows, classes], scalars: targets))
    }

    /// A draw from Beta(α, α), as X / (X + Y) of two Gamma(α) draws.
    static func beta(_ alpha: Double, using generator: inout SeededGenerator) -> Double {
        let x = gamma(alpha, using: &generator), y = gamma(alpha, using: &generator)
        return x + y > 0 ? x / (x + y) : 0.5
    }

    /// A draw from Gamma(shape, 1): Marsaglia and Tsang's method, with the usual
    /// U^(1/shape) boost below shape 1.
    static func gamma(_ shape: Double, using generator: inout SeededGenerator) -> Double {
        if shape < 1 {
            let u = max(Double(generator.nextUnitFloat()), 1e-12)
            return gamma(shape + 1, using: &generator) * Foundation.pow(u, 1 / shape)
        }
        let d = shape - 1.0 / 3, c = 1 / (9 * d).squareRoot()
        while true {
            let z = Double(generator.nextNormal())
            let v = Foundation.pow(1 + c * z, 3)
            guard v > 0 else { continue }
            let u = max(Double(generator.nextUnitFloat()), 1e-12)
            if Foundation.log(u) < 0.5 * z * z + d - d * v + d * Foundation.log(v) { return d * v }
        }
    }
}
