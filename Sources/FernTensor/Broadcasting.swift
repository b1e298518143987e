/// NumPy broadcasting: shapes are aligned on the right; each pair of
/// dimensions must be equal or one of them 1.
func broadcastShape(_ a: [Int], _ b: [Int], op: String) throws -> [Int] {
    let rank = max(a.count, b.count)
    var result = [Int](repeating: 1, count: rank)
    for i in 0..<rank {
        let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
        let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
        guard da == db || da == 1 || db == 1 else {
            throw TensorError.shapes(op, a, b, detail: "cannot broadcast dimension \(da) against \(db)")
        }
        result[i] = da == 1 ? db : da
    }
    return result
}

/// Strides that read a tensor of `shape` as if it had `target` shape:
/// 0 along broadcast dimensions.
private func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
    let own = stridesOf(shape)
    let offset = target.count - shape.count
    return (0..<target.count).map { i in
        i < offset || shape[i - offset] == 1 ? 0 : own[i - offset]
    }
}

/// Applies `f` pairwise over the broadcast of `a` and `b` (no autodiff).
@inline(__always)
func broadcastMap(_ a: Tensor, _ b: Tensor, op: String,
                  _ f: (Float, Float) -> Float) throws -> Tensor {
    let shape = a.shape == b.shape ? a.shape : try broadcastShape(a.shape, b.shape, op: op)
    let count = shapeCount(shape)
    let values = [Float](unsafeUninitializedCapacity: count) { out, initialized in
        a.scalars.withUnsafeBufferPointer { pa in
            b.scalars.withUnsafeBufferPointer { pb in
                let o = SendablePointer(base: out.baseAddress!)
                let pa = UncheckedBox(pa), pb = UncheckedBox(pb)
                if a.shape == b.shape {
                    Parallel.forEachChunk(count) { r in
                        for i in r { o.base[i] = f(pa.value[i], pb.value[i]) }
                    }
                } else if b.count == 1 {
                    let s = pb.value[0]
                    Parallel.forEachChunk(count) { r in
                        for i in r { o.base[i] = f(pa.value[i], s) }
                    }
                } else if a.count == 1 {
                    let s = pa.value[0]
                    Parallel.forEachChunk(count) { r in
                        for i in r { o.base[i] = f(s, pb.value[i]) }
                    }
                } else {
                    stridedMap(shape: shape, sa: broadcastStrides(a.shape, to: shape),
                               sb: broadcastStrides(b.shape, to: shape),
                               pa: pa.value.baseAddress!, pb: pb.value.baseAddress!, out: o.base, f)
                }
            }
        }
        initialized = count
    }
    return Tensor(unchecked: shape, values)
}

/// General broadcast loop: rows of the last dimension, each row's start
/// found from its multi-index; rows are split across cores.
@inline(__always)
private func stridedMap(shape: [Int], sa: [Int], sb: [Int],
                        pa: UnsafePointer<Float>, pb: UnsafePointer<Float>,
                        out: UnsafeMutablePointer<Float>, _ f: (Float, Float) -> Float) {
    guard let inner = shape.last, inner > 0 else { return }
    let rows = shapeCount(shape) / inner
    let rank = shape.count
    let ia = sa[rank - 1], ib = sb[rank - 1]
    let ctx = UncheckedBox((pa, pb, out))
    Parallel.forEachChunk(rows, cost: inner) { range in
        let (pa, pb, out) = ctx.value
        for row in range {
            var rest = row, offA = 0, offB = 0
            for axis in stride(from: rank - 2, through: 0, by: -1) {
                let i = rest % shape[axis]
                rest /= shape[axis]
                offA += i * sa[axis]
                offB += i * sb[axis]
            }
            let o = out + row * inner
            for j in 0..<inner { o[j] = f(pa[offA + j * ia], pb[offB + j * ib]) }
        }
    }
}

extension Tensor {
    /// Sums a broadcast gradient back down to `shape` (the inverse of broadcasting).
    func unbroadcast(to target: [Int]) throws -> Tensor {
        if shape == target { return self }
        let offset = rank - target.count
        var axes: [Int] = Array(0..<offset)
        for (i, dim) in target.enumerated() where dim == 1 && shape[i + offset] != 1 {
            axes.append(i + offset)
        }
        return try sumRaw(axes: axes, keepDims: true).reshapedRaw(target)
    }

    /// Same scalars with a new shape of equal count (no autodiff).
    func reshapedRaw(_ newShape: [Int]) -> Tensor {
        Tensor(unchecked: newShape, scalars)
    }

    /// Adds a same-shaped tensor in place (gradient accumulation).
    mutating func addInPlace(_ other: Tensor) {
        precondition(other.shape == shape, "gradient accumulation of mismatched shapes")
        let count = self.count
        scalars.withUnsafeMutableBufferPointer { dst in
            other.scalars.withUnsafeBufferPointer { src in
                let d = SendablePointer(base: dst.baseAddress!)
                let s = UncheckedBox(src.baseAddress!)
                Parallel.forEachChunk(count) { r in
                    for i in r { d.base[i] += s.value[i] }
                }
            }
        }
    }
}
