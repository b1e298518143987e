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
        let dz = dy.zipMap(y, y) { g, y, _ in y > 0 ? g : 0 }
        let channels = y.shape.last!
        return (dz, wantBias ? try dz.reshaped([y.count / channels, channels]).sum(axes: [0]) : nil)
    }
}
