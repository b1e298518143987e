import Foundation

/// Softmax, log-softmax and the fused softmax cross-entropy loss.
/// All work along the last axis of a `[rows, classes]` view; another axis is
/// moved last and back.
extension Tensor {
    public func softmax(axis: Int = -1) throws -> Tensor {
        try alongLastAxis(axis, op: "softmax") { x in
            let y = x.rowwise(log: false)
            return y.recorded("softmax", inputs: [x]) { g, _ in
                // dx = y * (g - Σ g·y)
                let dot = try (broadcastMap(g, y, op: "softmax", *)).sumRaw(axes: [x.rank - 1], keepDims: true)
                return [try broadcastMap(broadcastMap(g, dot, op: "softmax", -), y, op: "softmax", *)]
            }
        }
    }

    public func logSoftmax(axis: Int = -1) throws -> Tensor {
        try alongLastAxis(axis, op: "logSoftmax") { x in
            let y = x.rowwise(log: true)
            return y.recorded("logSoftmax", inputs: [x]) { g, _ in
                // dx = g - softmax(x) * Σ g
                let total = try g.sumRaw(axes: [x.rank - 1], keepDims: true)
                return [try broadcastMap(g, broadcastMap(y.map { Foundation.exp($0) }, total, op: "logSoftmax", *), op: "logSoftmax", -)]
            }
        }
    }

    private func alongLastAxis(_ axis: Int, op: String, _ body: (Tensor) throws -> Tensor) throws -> Tensor {
        guard rank >= 1 else { throw TensorError.shapes(op, shape, detail: "needs at least one axis") }
        let axis = try normalizeAxis(axis, shape: shape, op: op)
        if axis == rank - 1 { return try body(self) }
        var order = Array(0..<rank)
        order.swapAt(axis, rank - 1)
        return try body(permuted(order)).permuted(order)
    }

    /// Row-wise stable softmax or log-softmax over the last axis (no autodiff).
    private func rowwise(log: Bool) -> Tensor {
        let n = shape.last ?? 1
        guard n > 0 else { return self }
        let rows = count / n
        var out = [Float](repeating: 0, count: count)
        scalars.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                let io = UncheckedBox((src.baseAddress!, dst.baseAddress!))
                Parallel.forEachChunk(rows, cost: n * 8) { range in
                    let (s, d) = io.value
                    for r in range {
                        let x = s + r * n, y = d + r * n
                        var top = -Float.infinity
                        for j in 0..<n { top = Swift.max(top, x[j]) }
                        var total: Float = 0
                        for j in 0..<n { let e = Foundation.exp(x[j] - top); y[j] = e; total += e }
                        if log {
                            let logTotal = Foundation.log(total) + top
                            for j in 0..<n { y[j] = x[j] - logTotal }
                        } else {
                            for j in 0..<n { y[j] /= total }
                        }
                    }
                }
            }
        }
        return Tensor(unchecked: shape, out)
    }

    /// Mean cross-entropy of `[batch, classes]` logits against integer labels.
    /// With `classWeights`, each example counts `weight[label]` times and the
    /// sum is divided by the total weight (PyTorch's convention).
    public static func softmaxCrossEntropy(logits: Tensor, labels: [Int], classWeights: [Float]? = nil) throws -> Tensor {
        guard logits.rank == 2, logits.shape[0] == labels.count, logits.shape[0] > 0 else {
            throw TensorError.shapes("softmaxCrossEntropy", logits.shape, [labels.count],
                                     detail: "needs [batch, classes] logits and one label per row")
        }
        let classes = logits.shape[1]
        if let bad = labels.first(where: { $0 < 0 || $0 >= classes }) {
            throw TensorError.shapes("softmaxCrossEntropy", logits.shape, detail: "label \(bad) is outside 0..<\(classes)")
        }
        if let classWeights, classWeights.count != classes || classWeights.contains(where: { $0 < 0 || !$0.isFinite }) {
            throw TensorError.shapes("softmaxCrossEntropy", logits.shape, [classWeights.count],
                                     detail: "needs \(classes) finite non-negative class weights")
        }
        let weights = labels.map { classWeights?[$0] ?? 1 }
        let totalWeight = weights.reduce(0, +)
        guard totalWeight > 0 else { throw TensorError(op: "softmaxCrossEntropy", "the class weights of this batch sum to zero") }
        let logProbs = logits.rowwise(log: true)
        var loss: Double = 0
        for (row, label) in labels.enumerated() {
            loss -= Double(weights[row]) * Double(logProbs.scalars[row * classes + label])
        }
        let result = Tensor(Float(loss / Double(totalWeight)))
        return result.recorded("softmaxCrossEntropy", inputs: [logits]) { g, _ in
            // d/dlogits = w_row * (softmax - onehot) / Σw
            let scale = g.scalars[0] / totalWeight
            var grad = logProbs.map { Foundation.exp($0) }
            for (row, label) in labels.enumerated() {
                grad.scalars[row * classes + label] -= 1
                for j in 0..<classes { grad.scalars[row * classes + j] *= weights[row] * scale }
            }
            return [grad]
        }
    }

    /// Mean cross-entropy of `[batch, classes]` logits against target distributions: row r's
    /// loss is `-Σ_j targets[r, j] · log softmax(logits)[r, j]`, weighted by `rowWeights[r]`
    /// (1 when nil) and divided by their sum. Targets are what label smoothing, mixup and
    /// CutMix make of the labels; one-hot targets give the labels' cross-entropy.
    public static func softmaxCrossEntropy(logits: Tensor, targets: Tensor, rowWeights: [Float]? = nil) throws -> Tensor {
        guard logits.rank == 2, targets.shape == logits.shape, logits.shape[0] > 0 else {
            throw TensorError.shapes("softmaxCrossEntropy", logits.shape, targets.shape,
                                     detail: "needs [batch, classes] logits and targets of the same shape")
        }
        let (rows, classes) = (logits.shape[0], logits.shape[1])
        if let rowWeights, rowWeights.count != rows || rowWeights.contains(where: { $0 < 0 || !$0.isFinite }) {
            throw TensorError.shapes("softmaxCrossEntropy", logits.shape, [rowWeights.count],
                                     detail: "needs \(rows) finite non-negative row weights")
        }
        let weights = rowWeights ?? [Float](repeating: 1, count: rows)
        let totalWeight = weights.reduce(0, +)
        guard totalWeight > 0 else { throw TensorError(op: "softmaxCrossEntropy", "the row weights of this batch sum to zero") }
        let logProbs = logits.rowwise(log: true)
        let q = targets.scalars
        var loss: Double = 0
        for row in 0..<rows {
            var rowLoss: Double = 0
            for j in 0..<classes where q[row * classes + j] != 0 {
                rowLoss -= Double(q[row * classes + j]) * Double(logProbs.scalars[row * classes + j])
            }
            loss += Double(weights[row]) * rowLoss
        }
        let result = Tensor(Float(loss / Double(totalWeight)))
        return result.recorded("softmaxCrossEntropy", inputs: [logits]) { g, _ in
            // d/dlogits = w_row * (softmax · Σ_j q_j - q) / Σw
            let scale = g.scalars[0] / totalWeight
            var grad = logProbs.map { Foundation.exp($0) }
            for row in 0..<rows {
                var mass: Float = 0
                for j in 0..<classes { mass += q[row * classes + j] }
                for j in 0..<classes {
                    let k = row * classes + j
                    grad.scalars[k] = (grad.scalars[k] * mass - q[k]) * weights[row] * scale
                }
            }
            return [grad]
        }
    }
}
