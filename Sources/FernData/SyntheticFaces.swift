import FernTensor

/// How much the synthetic faces vary in ways that do not depend on the expression.
public struct SyntheticFaceOptions: Sendable, Equatable {
    /// Largest offset of the face centre from the image centre, in pixels, along each axis.
    public var maxShift: Float
    /// Largest tilt of the face either way, in degrees.
    public var maxRotationDegrees: Float
    /// Face size relative to a 30x38-pixel oval.
    public var scaleRange: ClosedRange<Float>
    /// Typical standard deviation of the pixel noise, in 0-255 units (each face scales it by 0.5-1.5).
    public var noiseLevel: Float
    /// Whether to draw hair and a nose, which do not depend on the expression.
    public var distractors: Bool

    /// The ranges `Dataset.syntheticFaces` accepts (the language's `synthetic_faces` checks its
    /// arguments against the same ones, to name them as the caller wrote them).
    public static let shiftLimits: ClosedRange<Float> = 0...12
    public static let rotationLimits: ClosedRange<Float> = 0...180
    public static let noiseLimits: ClosedRange<Float> = 0...255

    public init(maxShift: Float = 6, maxRotationDegrees: Float = 12, scaleRange: ClosedRange<Float> = 0.8...1.1,
                noiseLevel: Float = 6, distractors: Bool = true) {
        self.maxShift = maxShift
        self.maxRotationDegrees = maxRotationDegrees
        self.scaleRange = scaleRange
        self.noiseLevel = noiseLevel
        self.distractors = distractors
    }
}

extension Dataset {
    /// Images per class in FER2013's training set; synthetic labels are drawn in these proportions.
    static let ferTrainCounts = [3995, 436, 4097, 7215, 4830, 3171, 4965]

    /// `count` synthetic 48x48 expression faces with FER2013's labels and
    /// class imbalance, and masks marking their brows, eyes and mouth.
    ///
    /// Each face is an oval on a shaded background with random position,
    /// size, tilt, brightness, contrast and noise, and optional hair and
    /// nose; the brows, eyes and mouth take the expression's shape (happy:
    /// mouth curved up; sad: mouth down, inner brows raised; surprise: brows
    /// high, eyes wide, mouth open; ...), jittered per face. Face `i` depends
    /// only on `seed` and `i`, so the same seed always gives the same data.
    public static func syntheticFaces(count: Int, seed: UInt64,
                                      options: SyntheticFaceOptions = SyntheticFaceOptions()) throws -> Dataset {
        try validate(count: count, options: options)
        let side = SyntheticFace.side
        let pixelCount = side * side
        var pixels = [Float](repeating: 0, count: count * pixelCount)
        var masks = [Float](repeating: 0, count: count * pixelCount)
        var labels = [Int](repeating: 0, count: count)
        let cumulative = cumulativeShares(ferTrainCounts)

        pixels.withUnsafeMutableBufferPointer { pixels in
            masks.withUnsafeMutableBufferPointer { masks in
                labels.withUnsafeMutableBufferPointer { labels in
                    Parallel.forEachChunk(count, cost: pixelCount * 64) { range in
                        for index in range {
                            var rng = SeededGenerator(seed: seed, stream: index)
                            let draw = rng.nextUnitFloat()
                            let label = cumulative.firstIndex { draw < $0 } ?? cumulative.count - 1
                            let face = SyntheticFace(label: label, options: options, using: &rng)
                            face.render(pixels: pixels.baseAddress! + index * pixelCount,
                                        mask: masks.baseAddress! + index * pixelCount, noise: &rng)
                            labels[index] = label
                        }
                    }
                }
            }
        }
        let shape = [count, side, side, 1]
        return Dataset(images: try Tensor(shape: shape, scalars: pixels), labels: labels,
                       featureMasks: try Tensor(shape: shape, scalars: masks))
    }

    private static func validate(count: Int, options: SyntheticFaceOptions) throws {
        func fail(_ message: String) -> DataError { DataError("syntheticFaces: \(message)") }
        guard count >= 0 else { throw fail("count must not be negative, got \(count)") }
        guard count <= Int(Int32.max) / (SyntheticFace.side * SyntheticFace.side) else {
            throw fail("\(count) faces are too many")
        }
        typealias Limits = SyntheticFaceOptions
        guard Limits.shiftLimits.contains(options.maxShift) else {
            throw fail("maxShift must be in \(Limits.shiftLimits) pixels, got \(options.maxShift)")
        }
        guard Limits.rotationLimits.contains(options.maxRotationDegrees) else {
            throw fail("maxRotationDegrees must be in \(Limits.rotationLimits), got \(options.maxRotationDegrees)")
        }
        guard options.scaleRange.lowerBound >= 0.5 && options.scaleRange.upperBound <= 1.5 else {
            throw fail("scaleRange must lie within 0.5...1.5, got \(options.scaleRange)")
        }
        guard Limits.noiseLimits.contains(options.noiseLevel) else {
            throw fail("noiseLevel must be in \(Limits.noiseLimits), got \(options.noiseLevel)")
        }
    }

    /// Running totals of `counts` as shares of their sum, ending at 1.
    private static func cumulativeShares(_ counts: [Int]) -> [Float] {
        let total = Float(counts.reduce(0, +))
        var running = 0
        return counts.map { count in
            running += count
            return Float(running) / total
        }
    }
}
