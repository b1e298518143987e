/// `relu(x + bias)` with the bias along the last axis, in one pass: the
/// epilogue of a convolution or dense layer. The composite (a broadcast add,
/// then relu) walks the whole activation twice forward and twice backward,
/// and the activations of the first convolutions are the largest tensors of
/// a training step.
extension Tensor {
    public static func biasRelu(_ x: Tensor, bias: Tensor) throws -> Tensor {
        guard bias.rank == 1, let channels = x.shape.last, bias.shape[0] == channels, channels > 0 else {
            throw TensorError.shapes("biasRelu", x.shape, bias.shape, detail: "the bias must have one value per last-axis element")
        }
        let count = x.count
        let values = [Float](unsafeUninitializedCapacity: count) { out, initialized in
            x.scalars.withUnsafeBufferPointer { px in
                bias.scalars.withUnsafeBufferPointer { pb in
                    let o = SendablePointer(base: out.baseAddress!)
                    let ins = UncheckedBox((px, pb))
                    Parallel.forEachChunk(count / channels) { rows in
                        let (px, pb) = ins.value
                        for row in rows {
                            let base = row * channels
                            for c in 0..<channels { o.base[base + c] = Swift.max(px[base + c] + pb[c], 0) }
                        }
                    }
                }
            }
            initialized = count
        }
        let y = Tensor(unchecked: x.shape, values)
        return y.recorded("biasRelu", inputs: [x, bias]) { dy, needs in
            let (dx, dbias) = try reluBiasGradients(dy, output: y, wantBias: needs[1])
            return [needs[0] ? dx : nil, dbias]
        }
    }

    /// Backward of `relu(z + bias)` from its output y: where y is positive the
    /// gradient passes to z unchanged; the bias gets the sum of those gradients
    /// over every position.
    static func reluBiasGradients(_ dy: Tensor, output y: Tensor, wantBias: Bool) throws -> (Tensor, Tensor?) {
        let dz = reluGradient(dy, output: y)
        return (dz, wantBias ? try biasGradient(dz) : nil)
    }

    /// The gradient of a bias added along the last axis: `dz` summed over every other axis.
    static func biasGradient(_ dz: Tensor) throws -> Tensor {
        let channels = dz.shape.last!
        return try dz.reshaped([dz.count / channels, channels]).sum(axes: [0])
    }

    /// dy where the ReLU's output y is positive, else 0: a plain select loop on all
    /// cores (through `zipMap`'s per-element closure it took 4.6% of a training step).
    static func reluGradient(_ dy: Tensor, output y: Tensor) -> Tensor {
        let count = y.count
        if count == 0 { return y }
        if GradientMode.isGuided {
            return Tensor(unchecked: y.shape, zip(dy.scalars, y.scalars).map { g, v in v > 0 && g > 0 ? g : 0 })
        }
        var dz = uninitializedScalars(count)
        dy.scalars.withUnsafeBufferPointer { pdy in
            y.scalars.withUnsafeBufferPointer { py in
                dz.withUnsafeMutableBufferPointer { pz in
                    let io = UncheckedBox((pdy.baseAddress!, py.baseAddress!, pz.baseAddress!))
                    Parallel.forEachChunk(count, cost: 2) { range in
                        let (dy, y, dz) = io.value
                        // Explicit vectors: written as a scalar select the loop compiled to a
                        // branch per element, mispredicted half the time (slower than before).
                        // A plain loop rather than `Lanes.forEachVector`: with that, SEED_CNN
                        // training measured slower in alternated runs.
                        typealias Vector = Lanes.Vector
                        var i = range.lowerBound
                        while i + Vector.scalarCount <= range.upperBound {
                            let g = UnsafeRawPointer(dy + i).loadUnaligned(as: Vector.self)
                            let v = UnsafeRawPointer(y + i).loadUnaligned(as: Vector.self)
                            UnsafeMutableRawPointer(dz + i).storeBytes(of: g.replacing(with: 0, where: v .<= 0), as: Vector.self)
                            i += Vector.scalarCount
                        }
                        while i < range.upperBound {
                            dz[i] = y[i] > 0 ? dy[i] : 0
                            i += 1
                        }
                    }
                }
            }
        }
        return Tensor(unchecked: y.shape, dz)
    }
}
