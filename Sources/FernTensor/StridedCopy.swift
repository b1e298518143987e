/// Strided reads and writes: one loop serves transpose/permute, slicing,
/// padding and materialized broadcasting. A "view" of a buffer is a shape,
/// per-axis strides (0 repeats an element) and a starting offset.
struct StridedView {
    let shape: [Int]
    let strides: [Int]
    let offset: Int

    /// Whether the view is one contiguous run of the source (a slice of whole
    /// rows, such as a batch cut from a data set): then one copy serves.
    var isContiguous: Bool {
        var expected = 1
        for axis in shape.indices.reversed() where shape[axis] != 1 {
            if strides[axis] != expected { return false }
            expected *= shape[axis]
        }
        return true
    }

    /// Calls `body(row, start, innerStride)` for every row of the last axis.
    func forEachRow(_ body: (Int, Int, Int) -> Void) {
        guard let inner = shape.last, inner > 0, shapeCount(shape) > 0 else { return }
        let rows = shapeCount(shape) / inner
        let rank = shape.count
        let (shape, strides, offset) = (self.shape, self.strides, self.offset)
        let innerStride = strides[rank - 1]
        withoutActuallyEscaping(body) { body in
            let box = UncheckedBox(body)
            Parallel.forEachChunk(rows, cost: inner) { range in
                for row in range {
                    var rest = row, start = offset
                    for axis in stride(from: rank - 2, through: 0, by: -1) {
                        start += (rest % shape[axis]) * strides[axis]
                        rest /= shape[axis]
                    }
                    box.value(row, start, innerStride)
                }
            }
        }
    }
}

extension Tensor {
    /// The elements of `view` over this tensor's buffer, as a new contiguous tensor.
    func gathered(_ view: StridedView) -> Tensor {
        let count = shapeCount(view.shape)
        if view.shape.isEmpty { return Tensor(unchecked: [], [scalars[view.offset]]) }
        if view.isContiguous {
            return Tensor(unchecked: view.shape, count == 0 ? [] : Array(scalars[view.offset..<view.offset + count]))
        }
        let inner = view.shape.last ?? 1
        let values = [Float](unsafeUninitializedCapacity: count) { out, initialized in
            scalars.withUnsafeBufferPointer { src in
                let io = UncheckedBox((src.baseAddress!, out.baseAddress!))
                view.forEachRow { row, start, step in
                    let (s, o) = io.value
                    let dst = o + row * inner
                    if step == 1 {
                        for j in 0..<inner { dst[j] = s[start + j] }
                    } else {
                        for j in 0..<inner { dst[j] = s[start + j * step] }
                    }
                }
            }
            initialized = count
        }
        return Tensor(unchecked: view.shape, values)
    }

    /// Writes this contiguous tensor into the positions `view` describes in
    /// a tensor of `shape` filled with `fill`. Views must not overlap.
    func scattered(into shape: [Int], view: StridedView, fill: Float = 0) -> Tensor {
        var out = [Float](repeating: fill, count: shapeCount(shape))
        if view.shape.isEmpty { out[view.offset] = scalars[0]; return Tensor(unchecked: shape, out) }
        let inner = view.shape.last ?? 1
        scalars.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                let io = UncheckedBox((src.baseAddress!, dst.baseAddress!))
                view.forEachRow { row, start, step in
                    let (s, d) = io.value
                    let from = s + row * inner
                    for j in 0..<inner { d[start + j * step] = from[j] }
                }
            }
        }
        return Tensor(unchecked: shape, out)
    }

    /// Materializes this tensor broadcast to `target` (no autodiff; shapes must be compatible).
    func broadcastRaw(to target: [Int]) throws -> Tensor {
        if shape == target { return self }
        try Tensor.checkShape(target, op: "broadcast")
        let merged = try broadcastShape(shape, target, op: "broadcast")
        guard merged == target else {
            throw TensorError.shapes("broadcast", shape, target, detail: "cannot broadcast to the target shape")
        }
        let own = stridesOf(shape)
        let offset = target.count - rank
        let strides = (0..<target.count).map { i in i < offset || shape[i - offset] == 1 ? 0 : own[i - offset] }
        return gathered(StridedView(shape: target, strides: strides, offset: 0))
    }

    /// This tensor broadcast to `target`; the gradient sums back.
    public func broadcast(to target: [Int]) throws -> Tensor {
        let x = self
        return try broadcastRaw(to: target).recorded("broadcast", inputs: [x]) { g, _ in [try g.unbroadcast(to: x.shape)] }
    }
}
