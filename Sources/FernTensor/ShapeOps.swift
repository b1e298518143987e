/// Reshaping, permuting, slicing, joining and padding. Each forward is a
/// strided gather and each backward the matching scatter (or vice versa).
extension Tensor {
    /// Same values in a new shape; one dimension may be -1 (inferred).
    public func reshaped(_ newShape: [Int]) throws -> Tensor {
        try Tensor.checkShape(newShape.map { Swift.max($0, 0) }, op: "reshape")
        var target = newShape
        let inferred = newShape.indices.filter { newShape[$0] == -1 }
        guard inferred.count <= 1, newShape.allSatisfy({ $0 >= -1 }) else {
            throw TensorError.shapes("reshape", shape, newShape, detail: "at most one -1 and no other negative sizes are allowed")
        }
        if let i = inferred.first {
            let known = newShape.filter { $0 != -1 }.reduce(1, *)
            guard known > 0, count % known == 0 else {
                throw TensorError.shapes("reshape", shape, newShape, detail: "\(count) elements cannot be split that way")
            }
            target[i] = count / known
        }
        guard shapeCount(target) == count else {
            throw TensorError.shapes("reshape", shape, newShape, detail: "\(count) elements do not fit the new shape")
        }
        let x = self
        return reshapedRaw(target).recorded("reshape", inputs: [x]) { g, _ in [g.reshapedRaw(x.shape)] }
    }

    /// Keeps the first axis (the batch) and flattens the rest.
    public func flattened() throws -> Tensor {
        guard rank >= 1 else { throw TensorError.shapes("flatten", shape, detail: "needs at least one axis") }
        return try reshaped([shape[0], -1])
    }

    /// Reorders axes: result axis i is input axis `order[i]`.
    public func permuted(_ order: [Int]) throws -> Tensor {
        let order = try order.map { try normalizeAxis($0, shape: shape, op: "permute") }
        guard order.count == rank, Set(order).count == rank else {
            throw TensorError.shapes("permute", shape, detail: "order \(order) is not a permutation of \(rank) axes")
        }
        let own = stridesOf(shape)
        let view = StridedView(shape: order.map { shape[$0] }, strides: order.map { own[$0] }, offset: 0)
        var inverse = [Int](repeating: 0, count: rank)
        for (i, axis) in order.enumerated() { inverse[axis] = i }
        return gathered(view).recorded("permute", inputs: [self]) { g, _ in [try g.permuted(inverse)] }
    }

    /// Swaps two axes (by default the last two).
    public func transposed(_ a: Int = -2, _ b: Int = -1) throws -> Tensor {
        guard rank >= 2 else { throw TensorError.shapes("transpose", shape, detail: "needs at least two axes") }
        let a = try normalizeAxis(a, shape: shape, op: "transpose"), b = try normalizeAxis(b, shape: shape, op: "transpose")
        var order = Array(0..<rank)
        order.swapAt(a, b)
        return try permuted(order)
    }

    /// Elements `start..<end` stepping by `step` along `axis`
    /// (Python-style: negative bounds count from the end, bounds are clamped).
    public func sliced(axis: Int, start: Int? = nil, end: Int? = nil, step: Int = 1) throws -> Tensor {
        let axis = try normalizeAxis(axis, shape: shape, op: "slice")
        guard step > 0 else { throw TensorError(op: "slice", "step must be positive (got \(step))") }
        let n = shape[axis]
        func clamp(_ i: Int?, _ fallback: Int) -> Int {
            guard let i else { return fallback }
            return Swift.min(Swift.max(i < 0 ? i + n : i, 0), n)
        }
        let lo = clamp(start, 0), hi = clamp(end, n)
        let length = hi > lo ? (hi - lo - 1) / step + 1 : 0
        var newShape = shape
        newShape[axis] = length
        var strides = stridesOf(shape)
        let offset = lo * strides[axis]
        strides[axis] *= step
        let view = StridedView(shape: newShape, strides: strides, offset: offset)
        let x = self
        return gathered(view).recorded("slice", inputs: [x]) { g, _ in [g.scattered(into: x.shape, view: view)] }
    }

    /// The elements in reverse order along `axis` (axis 2 of NHWC images: their mirror images).
    public func reversed(axis: Int) throws -> Tensor {
        let axis = try normalizeAxis(axis, shape: shape, op: "reverse")
        var strides = stridesOf(shape)
        let offset = Swift.max(shape[axis] - 1, 0) * strides[axis]
        strides[axis] = -strides[axis]
        let view = StridedView(shape: shape, strides: strides, offset: count == 0 ? 0 : offset)
        return gathered(view).recorded("reverse", inputs: [self]) { g, _ in [try g.reversed(axis: axis)] }
    }

    /// The sub-tensor at `index` along the first axis (that axis is dropped);
    /// negative indices count from the end.
    public func indexed(_ index: Int) throws -> Tensor {
        guard rank >= 1 else { throw TensorError.shapes("index", shape, detail: "cannot index a scalar") }
        let i = index < 0 ? index + shape[0] : index
        guard i >= 0 && i < shape[0] else {
            throw TensorError.shapes("index", shape, detail: "index \(index) is out of range for size \(shape[0])")
        }
        return try sliced(axis: 0, start: i, end: i + 1).reshaped(Array(shape.dropFirst()))
    }

    /// Rows (entries along the first axis) picked by `indices`, repeats allowed;
    /// the gradient adds back into the picked rows.
    public func gatherRows(_ indices: [Int]) throws -> Tensor {
        guard rank >= 1 else { throw TensorError.shapes("gatherRows", shape, detail: "cannot pick rows of a scalar") }
        for i in indices where i < 0 || i >= shape[0] {
            throw TensorError.shapes("gatherRows", shape, detail: "row \(i) is out of range")
        }
        let rowSize = count / Swift.max(shape[0], 1)
        var out = [Float](repeating: 0, count: indices.count * rowSize)
        scalars.withUnsafeBufferPointer { src in
            for (k, i) in indices.enumerated() {
                for j in 0..<rowSize { out[k * rowSize + j] = src[i * rowSize + j] }
            }
        }
        let x = self
        return Tensor(unchecked: [indices.count] + shape.dropFirst(), out).recorded("gatherRows", inputs: [x]) { g, _ in
            var back = [Float](repeating: 0, count: x.count)
            for (k, i) in indices.enumerated() {
                for j in 0..<rowSize { back[i * rowSize + j] += g.scalars[k * rowSize + j] }
            }
            return [Tensor(unchecked: x.shape, back)]
        }
    }

    /// Joins tensors along an existing axis; other dimensions must match.
    public static func concat(_ tensors: [Tensor], axis: Int = 0) throws -> Tensor {
        guard let first = tensors.first else { throw TensorError(op: "concat", "needs at least one tensor") }
        let axis = try normalizeAxis(axis, shape: first.shape, op: "concat")
        for t in tensors where t.rank != first.rank || (0..<first.rank).contains(where: { $0 != axis && t.shape[$0] != first.shape[$0] }) {
            throw TensorError.shapes("concat", first.shape, t.shape, detail: "all dimensions but axis \(axis) must match")
        }
        var shape = first.shape
        shape[axis] = tensors.reduce(0) { $0 + $1.shape[axis] }
        let outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *)
        var out = [Float](repeating: 0, count: shapeCount(shape))
        var offset = 0
        for t in tensors {
            let block = t.shape[axis] * inner
            for o in 0..<outer {
                for j in 0..<block { out[o * shape[axis] * inner + offset + j] = t.scalars[o * block + j] }
            }
            offset += block
        }
        let starts = tensors.reduce(into: [0]) { $0.append($0.last! + $1.shape[axis]) }
        return Tensor(unchecked: shape, out).recorded("concat", inputs: tensors) { g, needs in
            try tensors.indices.map { i in
                needs[i] ? try g.sliced(axis: axis, start: starts[i], end: starts[i + 1]) : nil
            }
        }
    }

    /// Joins same-shaped tensors along a new axis.
    public static func stack(_ tensors: [Tensor], axis: Int = 0) throws -> Tensor {
        guard let first = tensors.first else { throw TensorError(op: "stack", "needs at least one tensor") }
        for t in tensors where t.shape != first.shape {
            throw TensorError.shapes("stack", first.shape, t.shape, detail: "all tensors must have the same shape")
        }
        let axis = try normalizeAxis(axis, shape: first.shape, rank: first.rank + 1, op: "stack")
        var expanded = first.shape
        expanded.insert(1, at: axis)
        return try concat(tensors.map { try $0.reshaped(expanded) }, axis: axis)
    }

    /// Pads with `value`: `padding[i]` is (before, after) for axis i.
    public func padded(_ padding: [(Int, Int)], value: Float = 0) throws -> Tensor {
        guard padding.count == rank, padding.allSatisfy({ $0.0 >= 0 && $0.1 >= 0 }) else {
            throw TensorError.shapes("pad", shape, detail: "needs one non-negative (before, after) pair per axis, got \(padding.count)")
        }
        let outShape = zip(shape, padding).map { $0 &+ $1.0 &+ $1.1 }
        guard padding.allSatisfy({ $0.0 <= maxElementCount && $0.1 <= maxElementCount }) else {
            throw TensorError.shapes("pad", shape, detail: "padding is too large")
        }
        try Tensor.checkShape(outShape, op: "pad")
        let outStrides = stridesOf(outShape)
        let interior = StridedView(shape: shape, strides: outStrides,
                                   offset: zip(padding, outStrides).reduce(0) { $0 + $1.0.0 * $1.1 })
        return scattered(into: outShape, view: interior, fill: value)
            .recorded("pad", inputs: [self]) { g, _ in [g.gathered(interior)] }
    }
}
