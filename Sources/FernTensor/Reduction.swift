/// Reductions over one or more axes, with or without kept dimensions.
/// A multi-axis reduction is a chain of single-axis ones, each of which
/// views the tensor as `[outer, n, inner]` and reduces the middle.
extension Tensor {
    public func sum(axes: [Int]? = nil, keepDims: Bool = false) throws -> Tensor {
        let axes = try resolveAxes(axes, op: "sum")
        let x = self
        return try sumRaw(axes: axes, keepDims: keepDims).recorded("sum", inputs: [x]) { g, _ in
            [try g.reshapedRaw(reducedShape(x.shape, axes: axes, keepDims: true)).broadcastRaw(to: x.shape)]
        }
    }

    public func mean(axes: [Int]? = nil, keepDims: Bool = false) throws -> Tensor {
        let axes = try resolveAxes(axes, op: "mean")
        let n = axes.reduce(1) { $0 * shape[$1] }
        return try sum(axes: axes, keepDims: keepDims) * (1 / Float(Swift.max(n, 1)))
    }

    public func max(axes: [Int]? = nil, keepDims: Bool = false) throws -> Tensor {
        try extremum(axes: axes, keepDims: keepDims, op: "max", isBetter: >)
    }

    public func min(axes: [Int]? = nil, keepDims: Bool = false) throws -> Tensor {
        try extremum(axes: axes, keepDims: keepDims, op: "min", isBetter: <)
    }

    /// Index of the largest value along `axis` (first on ties), as Float indices.
    public func argmax(axis: Int = -1, keepDims: Bool = false) throws -> Tensor {
        let axis = try normalizeAxis(axis, shape: shape, op: "argmax")
        guard shape[axis] > 0 else { throw TensorError.shapes("argmax", shape, detail: "cannot take argmax of an empty axis") }
        let (_, indices) = extremumAlong(axis, isBetter: >)
        return indices.reshapedRaw(reducedShape(shape, axes: [axis], keepDims: keepDims))
    }

    private func extremum(axes: [Int]?, keepDims: Bool, op: String,
                          isBetter: @escaping (Float, Float) -> Bool) throws -> Tensor {
        let axes = try resolveAxes(axes, op: op)
        for axis in axes where shape[axis] == 0 {
            throw TensorError.shapes(op, shape, detail: "cannot reduce an empty axis \(axis)")
        }
        var result = self
        for axis in axes.sorted(by: >) {
            let x = result
            let (values, indices) = x.extremumAlong(axis, isBetter: isBetter)
            result = values.recorded(op, inputs: [x]) { g, _ in [g.scatterAlong(axis, indices: indices, into: x.shape)] }
        }
        return keepDims ? result : try result.reshaped(reducedShape(shape, axes: axes, keepDims: false))
    }

    func resolveAxes(_ axes: [Int]?, op: String) throws -> [Int] {
        guard let axes else { return Array(0..<rank) }
        let resolved = try axes.map { try normalizeAxis($0, shape: shape, op: op) }
        guard Set(resolved).count == resolved.count else {
            throw TensorError(op: op, "axis listed twice in \(axes)")
        }
        return resolved.sorted()
    }

    /// Sum over resolved axes (no autodiff).
    func sumRaw(axes: [Int], keepDims: Bool) throws -> Tensor {
        var result = self
        if axes.count == rank && rank > 0 {
            result = Tensor(unchecked: [Int](repeating: 1, count: rank), [totalSum()])
        } else {
            for axis in axes.sorted(by: >) { result = result.sumAlong(axis) }
        }
        return result.reshapedRaw(reducedShape(shape, axes: axes, keepDims: keepDims))
    }

    /// Sum of every element, accumulated in Double per core.
    private func totalSum() -> Float {
        var partials = [Double](repeating: 0, count: Parallel.coreCount)
        let count = self.count
        scalars.withUnsafeBufferPointer { src in
            partials.withUnsafeMutableBufferPointer { parts in
                let box = UncheckedBox((src, parts.baseAddress!))
                let chunks = Parallel.coreCount
                Parallel.forEachChunk(chunks, cost: count / chunks) { chunkRange in
                    for chunk in chunkRange {
                        var acc: Double = 0
                        let start = count * chunk / chunks, end = count * (chunk + 1) / chunks
                        var i = start
                        while i < end {
                            var block: Float = 0
                            let blockEnd = Swift.min(i + 256, end)
                            for j in i..<blockEnd { block += box.value.0[j] }
                            acc += Double(block)
                            i = blockEnd
                        }
                        box.value.1[chunk] = acc
                    }
                }
            }
        }
        return Float(partials.reduce(0, +))
    }

    private func split(_ axis: Int) -> (outer: Int, n: Int, inner: Int) {
        (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
    }

    private func sumAlong(_ axis: Int) -> Tensor {
        let (outer, n, inner) = split(axis)
        var out = [Float](repeating: 0, count: outer * inner)
        scalars.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                let box = UncheckedBox((src.baseAddress!, dst.baseAddress!))
                // Split whichever of outer/inner offers parallel work.
                if outer >= Parallel.coreCount {
                    Parallel.forEachChunk(outer, cost: n * inner) { r in
                        let (s, d) = box.value
                        for o in r { for k in 0..<n { let row = s + (o * n + k) * inner, dr = d + o * inner
                            for i in 0..<inner { dr[i] += row[i] } } }
                    }
                } else {
                    Parallel.forEachChunk(inner, cost: outer * n) { r in
                        let (s, d) = box.value
                        for o in 0..<outer { for k in 0..<n { let row = s + (o * n + k) * inner, dr = d + o * inner
                            for i in r { dr[i] += row[i] } } }
                    }
                }
            }
        }
        var newShape = shape
        newShape[axis] = 1
        return Tensor(unchecked: newShape, out)
    }

    /// Best values along `axis` (kept as size 1) and their indices.
    private func extremumAlong(_ axis: Int, isBetter: (Float, Float) -> Bool) -> (Tensor, Tensor) {
        let (outer, n, inner) = split(axis)
        var best = [Float](repeating: 0, count: outer * inner)
        var where_ = [Float](repeating: 0, count: outer * inner)
        scalars.withUnsafeBufferPointer { src in
            best.withUnsafeMutableBufferPointer { pb in
                where_.withUnsafeMutableBufferPointer { pw in
                    let io = UncheckedBox((src.baseAddress!, pb.baseAddress!, pw.baseAddress!))
                    withoutActuallyEscaping(isBetter) { isBetter in
                        let better = UncheckedBox(isBetter)
                        Parallel.forEachChunk(outer * inner, cost: n) { range in
                            let (s, best, where_) = io.value
                            for job in range {
                                let o = job / inner, i = job % inner
                                var value = s[o * n * inner + i], index = 0
                                for k in 1..<Swift.max(n, 1) {
                                    let candidate = s[(o * n + k) * inner + i]
                                    if better.value(candidate, value) || (candidate.isNaN && !value.isNaN) { value = candidate; index = k }
                                }
                                best[job] = value
                                where_[job] = Float(index)
                            }
                        }
                    }
                }
            }
        }
        var newShape = shape
        newShape[axis] = 1
        return (Tensor(unchecked: newShape, best), Tensor(unchecked: newShape, where_))
    }

    /// Places each value of this size-1-along-`axis` tensor at its index in a zero tensor of `shape`.
    private func scatterAlong(_ axis: Int, indices: Tensor, into target: [Int]) -> Tensor {
        let outer = target[..<axis].reduce(1, *), n = target[axis], inner = target[(axis + 1)...].reduce(1, *)
        var out = [Float](repeating: 0, count: outer * n * inner)
        for o in 0..<outer {
            for i in 0..<inner {
                let k = Int(indices.scalars[o * inner + i])
                out[(o * n + k) * inner + i] = scalars[o * inner + i]
            }
        }
        return Tensor(unchecked: target, out)
    }
}

/// The shape left after reducing `axes`.
func reducedShape(_ shape: [Int], axes: [Int], keepDims: Bool) -> [Int] {
    keepDims ? shape.enumerated().map { axes.contains($0.offset) ? 1 : $0.element }
             : shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element)
}
