import FernTensor

/// Random draws shared by the face generator and augmentation.
extension SeededGenerator {
    /// An independent generator for item `index` of a job seeded with `seed`,
    /// so parallel work gives the same result however it is scheduled.
    /// Both numbers are hashed (SplitMix64's finalizer): plain `seed + index`
    /// would give neighbouring items overlapping SplitMix streams.
    init(seed: UInt64, stream index: Int) {
        self.init(seed: mix64(seed ^ mix64(UInt64(truncatingIfNeeded: index) &+ 0x632B_E59B_D9B4_E019)))
    }

    /// Uniform in `[low, high)`.
    mutating func uniform(_ low: Float, _ high: Float) -> Float {
        low + (high - low) * nextUnitFloat()
    }

    /// Normal with the given mean and standard deviation.
    mutating func normal(_ mean: Float, _ standardDeviation: Float) -> Float {
        mean + standardDeviation * nextNormal()
    }

    /// Whether an event of probability `p` happened.
    mutating func chance(_ p: Float) -> Bool {
        nextUnitFloat() < p
    }

    /// A cheap, roughly normal sample (mean 0, variance 1) for pixel noise:
    /// the sum of four 16-bit uniforms from one draw, rescaled. Box–Muller
    /// per pixel would dominate the generator's run time.
    mutating func pixelNoise() -> Float {
        let bits = next()
        let sum = (bits & 0xFFFF) + ((bits >> 16) & 0xFFFF) + ((bits >> 32) & 0xFFFF) + (bits >> 48)
        return (Float(sum) * (1 / 65536) - 2) * 1.7320508
    }
}

/// SplitMix64's output function: a fast bijective hash of 64 bits.
private func mix64(_ value: UInt64) -> UInt64 {
    var z = value
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}
