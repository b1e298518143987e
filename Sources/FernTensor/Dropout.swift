extension Tensor {
    /// Inverted dropout: in training, zeroes each element with probability
    /// `rate` and scales the survivors by 1/(1-rate); in inference, identity.
    ///
    /// The generator gives one key per call; element i is dropped when a
    /// hash of (key, i) falls below `rate`. So the mask does not depend on how
    /// the work is split across cores, and it is drawn in the same pass that
    /// applies it (drawing it element by element on one thread took 3.4% of
    /// a SEED_CNN training step).
    public func dropout(rate: Float, training: Bool, using generator: inout SeededGenerator) throws -> Tensor {
        guard rate >= 0 && rate < 1 else { throw TensorError(op: "dropout", "rate must be in [0, 1), got \(rate)") }
        guard training && rate > 0 else { return self }
        let keep = 1 / (1 - rate), key = generator.next()
        // Dropped when the top 24 bits of the hash, as a fraction, are below rate.
        let threshold = UInt64((rate * Float(1 << 24)).rounded(.up))
        var mask = uninitializedScalars(count)
        var out = uninitializedScalars(count)
        scalars.withUnsafeBufferPointer { px in
            mask.withUnsafeMutableBufferPointer { pm in
                out.withUnsafeMutableBufferPointer { po in
                    let io = UncheckedBox((px.baseAddress!, pm.baseAddress!, po.baseAddress!))
                    Parallel.forEachChunk(count, cost: 8) { range in
                        let (x, m, o) = io.value
                        for i in range {
                            let scale = mixBits(key &+ UInt64(i) &* 0x9E37_79B9_7F4A_7C15) >> 40 < threshold ? 0 : keep
                            m[i] = scale
                            o[i] = x[i] * scale
                        }
                    }
                }
            }
        }
        return Tensor(unchecked: shape, out).recorded("dropout", inputs: [self]) { [mask] g, _ in
            [try broadcastMap(g, Tensor(unchecked: g.shape, mask), op: "dropout", *)]
        }
    }
}

/// SplitMix64's finalizer: a well-mixed 64-bit hash of a counter.
@inline(__always)
func mixBits(_ value: UInt64) -> UInt64 {
    var z = value
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}
