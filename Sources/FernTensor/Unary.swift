import Foundation

/// Element-wise unary math and activations. Each is a forward function and
/// its derivative written side by side; `unary` records the rule
/// `dx = dy * f'(x, y)`.
extension Tensor {
    /// Applies `f` to every element (no autodiff); split across cores.
    @inline(__always)
    public func map(_ f: (Float) -> Float) -> Tensor {
        let count = self.count
        let values = [Float](unsafeUninitializedCapacity: count) { out, initialized in
            scalars.withUnsafeBufferPointer { src in
                let o = SendablePointer(base: out.baseAddress!)
                let s = UncheckedBox(src)
                Parallel.forEachChunk(count) { r in
                    for i in r { o.base[i] = f(s.value[i]) }
                }
            }
            initialized = count
        }
        return Tensor(unchecked: shape, values)
    }

    /// Combines three same-shaped tensors element-wise (no autodiff).
    @inline(__always)
    func zipMap(_ b: Tensor, _ c: Tensor, _ f: (Float, Float, Float) -> Float) -> Tensor {
        let count = self.count
        let values = [Float](unsafeUninitializedCapacity: count) { out, initialized in
            scalars.withUnsafeBufferPointer { pa in
                b.scalars.withUnsafeBufferPointer { pb in
                    c.scalars.withUnsafeBufferPointer { pc in
                        let o = SendablePointer(base: out.baseAddress!)
                        let ins = UncheckedBox((pa, pb, pc))
                        Parallel.forEachChunk(count) { r in
                            let (pa, pb, pc) = ins.value
                            for i in r { o.base[i] = f(pa[i], pb[i], pc[i]) }
                        }
                    }
                }
            }
            initialized = count
        }
        return Tensor(unchecked: shape, values)
    }

    @inline(__always)
    func unary(_ op: String, _ f: (Float) -> Float,
               derivative: @escaping (_ x: Float, _ y: Float) -> Float) -> Tensor {
        let x = self
        let y = map(f)
        return y.recorded(op, inputs: [x]) { g, _ in
            [g.zipMap(x, y) { g, x, y in g * derivative(x, y) }]
        }
    }

    public func exp() -> Tensor { unary("exp", { Foundation.exp($0) }) { _, y in y } }
    public func log() -> Tensor { unary("log", { Foundation.log($0) }) { x, _ in 1 / x } }
    public func sqrt() -> Tensor { unary("sqrt", { $0.squareRoot() }) { _, y in 0.5 / y } }
    public func abs() -> Tensor { unary("abs", { Swift.abs($0) }) { x, _ in x > 0 ? 1 : (x < 0 ? -1 : 0) } }
    public func square() -> Tensor { unary("square", { $0 * $0 }) { x, _ in 2 * x } }

    /// Limits values to `[low, high]`; the gradient is zero outside.
    public func clip(_ low: Float, _ high: Float) throws -> Tensor {
        guard low <= high else { throw TensorError(op: "clip", "low \(low) is above high \(high)") }
        return unary("clip", { Swift.min(Swift.max($0, low), high) }) { x, _ in x >= low && x <= high ? 1 : 0 }
    }

    /// max(x, 0) (NaN gives 0, as `x > 0 ? x : 0`), on vectors; the backward pass is
    /// the same select as the fused bias + ReLU's.
    public func relu() -> Tensor {
        let count = self.count
        var out = uninitializedScalars(count)
        if count > 0 {
            scalars.withUnsafeBufferPointer { px in
                out.withUnsafeMutableBufferPointer { py in
                    let io = UncheckedBox((px.baseAddress!, py.baseAddress!))
                    Parallel.forEachChunk(count) { range in
                        let (x, y) = io.value
                        Lanes.forEachVector(in: range) { i, n in
                            let v = Lanes.load(x + i, n)
                            Lanes.store(v.replacing(with: 0, where: .!(v .> 0)), y + i, n)
                        }
                    }
                }
            }
        }
        let y = Tensor(unchecked: shape, out)
        return y.recorded("relu", inputs: [self]) { g, _ in [Tensor.reluGradient(g, output: y)] }
    }

    public func leakyRelu(alpha: Float = 0.01) -> Tensor {
        unary("leakyRelu", { $0 > 0 ? $0 : alpha * $0 }) { x, _ in x > 0 ? 1 : alpha }
    }

    public func sigmoid() -> Tensor {
        unary("sigmoid", { $0 >= 0 ? 1 / (1 + Foundation.exp(-$0)) : Foundation.exp($0) / (1 + Foundation.exp($0)) }) { _, y in y * (1 - y) }
    }

    public func tanh() -> Tensor { unary("tanh", { Foundation.tanh($0) }) { _, y in 1 - y * y } }

    public func elu(alpha: Float = 1) -> Tensor {
        unary("elu", { $0 > 0 ? $0 : alpha * (Foundation.exp($0) - 1) }) { x, y in x > 0 ? 1 : y + alpha }
    }
}
