import FernTensor

/// A pixel normalization, `(x - mean) / std`, fitted on a training set and
/// then applied unchanged to validation and test sets.
public struct Normalization: Equatable, Sendable {
    public enum Kind: String, Equatable, Sendable, CaseIterable {
        /// One mean and std over every pixel of every image.
        case global
        /// A mean and std for each pixel position, over the images.
        case perPixel
    }

    /// Whether there is one mean and std, or one per pixel position.
    public let kind: Kind
    /// One value (`global`) or one per pixel position (`perPixel`, row-major).
    public let mean: [Float]
    public let std: [Float]

    /// Fitted standard deviations are floored here, so a pixel that never
    /// varies in the training set does not divide by zero.
    public static let minimumStd: Float = 1e-6

    /// `(x - mean) / std` with one mean and std for all pixels.
    public static func global(mean: Float, std: Float) throws -> Normalization {
        try Normalization(kind: .global, mean: [mean], std: [std])
    }

    /// `(x - mean[p]) / std[p]` for each pixel position `p` (e.g. 48*48 values).
    public static func perPixel(mean: [Float], std: [Float]) throws -> Normalization {
        try Normalization(kind: .perPixel, mean: mean, std: std)
    }

    /// Plain scaling, `x * factor`: `scaled(by: 1 / 255)` maps pixels to 0-1.
    public static func scaled(by factor: Float) throws -> Normalization {
        guard factor > 0 && factor.isFinite else {
            throw DataError("normalization: the scale factor must be positive and finite (got \(factor))")
        }
        return try global(mean: 0, std: 1 / factor)
    }

    private init(kind: Kind, mean: [Float], std: [Float]) throws {
        guard !mean.isEmpty, mean.count == std.count else {
            throw DataError("normalization: needs as many stds as means, at least one (got \(mean.count) and \(std.count))")
        }
        guard mean.allSatisfy(\.isFinite), std.allSatisfy({ $0.isFinite && $0 > 0 }) else {
            throw DataError("normalization: means must be finite and stds finite and positive")
        }
        self.kind = kind
        self.mean = mean
        self.std = std
    }

    /// The population mean and standard deviation of `dataset`'s pixels,
    /// overall or per position (std floored at `minimumStd`).
    public static func fit(_ dataset: Dataset, _ kind: Kind) throws -> Normalization {
        let images = dataset.images
        guard dataset.count > 0 else { throw DataError("normalization: cannot fit on an empty data set") }
        let (means, variances) = pixelMoments(images.scalars, imageCount: dataset.count)
        let floor = Double(minimumStd)
        switch kind {
        case .perPixel:
            return try perPixel(mean: means.map { Float($0) },
                                std: variances.map { Float(max($0.squareRoot(), floor)) })
        case .global:
            // Every position has the same image count, so the overall moments
            // follow from the per-position ones (law of total variance).
            let mean = means.reduce(0, +) / Double(means.count)
            let variance = zip(means, variances).reduce(0) { $0 + $1.1 + ($1.0 - mean) * ($1.0 - mean) } / Double(means.count)
            return try global(mean: Float(mean), std: Float(max(variance.squareRoot(), floor)))
        }
    }

    /// `dataset` with its images normalized; labels, ids and masks unchanged.
    public func apply(to dataset: Dataset) throws -> Dataset {
        let positions = shapeCount(Array(dataset.images.shape.dropFirst()))
        if kind == .perPixel && mean.count != positions {
            throw DataError("normalization: fitted per pixel on images of \(mean.count) values, "
                            + "but these images have \(positions) (shape \(describeShape(dataset.images.shape)))")
        }
        let means = kind == .global ? [Float](repeating: mean[0], count: positions) : mean
        let stds = kind == .global ? [Float](repeating: std[0], count: positions) : std
        var out = dataset.images.scalars
        out.withUnsafeMutableBufferPointer { out in
            let out = out
            Parallel.forEachChunk(dataset.count, cost: positions) { images in
                for image in images {
                    let row = out.baseAddress! + image * positions
                    for p in 0..<positions { row[p] = (row[p] - means[p]) / stds[p] }
                }
            }
        }
        var result = dataset
        result.images = try Tensor(shape: dataset.images.shape, scalars: out)
        return result
    }
}

/// Per-position mean and population variance over images of `positions`
/// values each, accumulated in Double (two passes, for accuracy), with the
/// positions shared out over the cores.
private func pixelMoments(_ pixels: [Float], imageCount: Int) -> (mean: [Double], variance: [Double]) {
    let positions = pixels.count / imageCount
    var mean = [Double](repeating: 0, count: positions)
    var variance = [Double](repeating: 0, count: positions)
    pixels.withUnsafeBufferPointer { pixels in
        mean.withUnsafeMutableBufferPointer { mean in
            variance.withUnsafeMutableBufferPointer { variance in
                let mean = mean, variance = variance
                Parallel.forEachChunk(positions, cost: imageCount) { range in
                    for image in 0..<imageCount {
                        let row = pixels.baseAddress! + image * positions
                        for p in range { mean[p] += Double(row[p]) }
                    }
                    for p in range { mean[p] /= Double(imageCount) }
                    for image in 0..<imageCount {
                        let row = pixels.baseAddress! + image * positions
                        for p in range {
                            let deviation = Double(row[p]) - mean[p]
                            variance[p] += deviation * deviation
                        }
                    }
                    for p in range { variance[p] /= Double(imageCount) }
                }
            }
        }
    }
    return (mean, variance)
}
