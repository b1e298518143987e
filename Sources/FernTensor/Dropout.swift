extension Tensor {
    /// Inverted dropout: in training, zeroes each element with probability
    /// `rate` and scales the survivors by 1/(1-rate); in inference, identity.
    ///
    /// The generator gives one key per call; element i is dropped when a
    /// 32-bit hash of (key, i) falls below `rate`. So the mask does not depend
    /// on how the work is split across cores, and it is drawn, 16 elements at
    /// a time, in the same pass that applies it (a 64-bit hash per element
    /// took 6% of a SEED_CNN training step; drawing the mask on one thread
    /// 3.4% before that).
    public func dropout(rate: Float, training: Bool, using generator: inout SeededGenerator) throws -> Tensor {
        guard rate >= 0 && rate < 1 else { throw TensorError(op: "dropout", "rate must be in [0, 1), got \(rate)") }
        guard training && rate > 0 else { return self }
        let keep = 1 / (1 - rate), key = generator.next()
        // Dropped when the top 24 bits of the hash, as a fraction, are below rate.
        let threshold = UInt32((rate * Float(1 << 24)).rounded(.up))
        let (low, high) = (UInt32(truncatingIfNeeded: key), UInt32(truncatingIfNeeded: key >> 32))
        var mask = uninitializedScalars(count)
        var out = uninitializedScalars(count)
        scalars.withUnsafeBufferPointer { px in
            mask.withUnsafeMutableBufferPointer { pm in
                out.withUnsafeMutableBufferPointer { po in
                    let io = UncheckedBox((px.baseAddress!, pm.baseAddress!, po.baseAddress!))
                    Parallel.forEachChunk(count, cost: 4) { range in
                        let (x, m, o) = io.value
                        let lanes = SIMD16<UInt32>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
                        let limit = SIMD16<Int32>(repeating: Int32(threshold))
                        Lanes.forEachVector(in: range) { i, n in
                            let hash = mixBits32((lanes &+ UInt32(truncatingIfNeeded: i)) &* 0x9E37_79B9 ^ low, salt: high)
                            // As signed vectors (the top 24 bits fit): an unsigned compare with a
                            // scalar built its mask lane by lane.
                            let dropped = SIMD16<Int32>(truncatingIfNeeded: hash &>> 8) .< limit
                            let scale = Lanes.Vector(repeating: keep).replacing(with: 0, where: dropped)
                            Lanes.store(scale, m + i, n)
                            Lanes.store(Lanes.load(x + i, n) * scale, o + i, n)
                        }
                    }
                }
            }
        }
        return Tensor(unchecked: shape, out).recorded("dropout", inputs: [self]) { [mask] g, _ in
            [try broadcastMap(g, Tensor(unchecked: g.shape, mask), op: "dropout", MultiplyElements.self)]
        }
    }
}

/// Thomas Wang's 32-bit integer hash (shifts, adds and xors only: the
/// baseline x86-64 build has no 32-bit vector multiply), with a salt folded
/// in halfway, on 16 counters at once.
@inline(__always)
func mixBits32(_ value: SIMD16<UInt32>, salt: UInt32) -> SIMD16<UInt32> {
    var z = ~value &+ (value &<< 15)
    z ^= z &>> 12
    z = z &+ (z &<< 2)
    z ^= z &>> 4 ^ salt
    z = z &+ (z &<< 3) &+ (z &<< 11)
    return z ^ (z &>> 16)
}
