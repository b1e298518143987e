import FernTestSupport
import Foundation
import Testing
@testable import FernTensor

/// Softmax written from its definition, in Double, one row at a time.
enum SoftmaxReference {
    static func softmaxRow(_ row: [Float]) -> [Double] {
        let top = Double(row.max()!)
        let e = row.map { Foundation.exp(Double($0) - top) }
        let total = e.reduce(0, +)
        return e.map { $0 / total }
    }

    /// Mean cross-entropy: Σ_rows w[label]·(−log p[label]) / Σ_rows w[label].
    static func crossEntropy(_ logits: Tensor, labels: [Int], weights: [Float]?) -> Double {
        let classes = logits.shape[1]
        var loss = 0.0, total = 0.0
        for (r, label) in labels.enumerated() {
            let row = Array(logits.scalars[r * classes..<(r + 1) * classes])
            let w = Double(weights?[label] ?? 1)
            loss += w * -Foundation.log(softmaxRow(row)[label])
            total += w
        }
        return loss / total
    }

    /// The relative error bound of each output of Fern's Float softmax of this row.
    static func relativeBound(_ row: [Float]) -> Double {
        Tolerance.softmax(classes: row.count, logitSpread: Double(row.max()! - row.min()!))
    }

    /// How far Fern's Float log-softmax output xⱼ − (log Σ exp(xₖ − max) + max) of this row may be from
    /// the exact `output`: the sum's relative error (within `relativeBound`) becomes an absolute one
    /// through log, log adds its ulps, adding the max and subtracting from xⱼ a rounding each.
    static func logBound(_ row: [Float], output: Double) -> Double {
        let top = Double(row.max()!)
        let logSum = Foundation.log(row.map { Foundation.exp(Double($0) - top) }.reduce(0, +))
        return relativeBound(row) + Tolerance.ulps(Tolerance.logUlps, of: logSum)
            + Tolerance.chain(operations: 1, magnitude: logSum + top) + Tolerance.chain(operations: 1, magnitude: output)
    }

    /// How far Fern's loss may be from `crossEntropy`: the weighted mean (in Double) of its rows'
    /// log-softmax errors, then one rounding to Float.
    static func crossEntropyBound(_ logits: Tensor, labels: [Int], weights: [Float]?) -> Double {
        let classes = logits.shape[1]
        var bound = 0.0, total = 0.0
        for (r, label) in labels.enumerated() {
            let row = Array(logits.scalars[r * classes..<(r + 1) * classes])
            let w = Double(weights?[label] ?? 1)
            bound += w * logBound(row, output: Foundation.log(softmaxRow(row)[label]))
            total += w
        }
        return bound / total + Tolerance.chain(operations: 1, magnitude: crossEntropy(logits, labels: labels, weights: weights))
    }

    /// One-hot rows for `labels`, each scaled by its class weight.
    static func weightedOneHot(_ labels: [Int], classes: Int, weights: [Float]?) throws -> Tensor {
        var values = [Float](repeating: 0, count: labels.count * classes)
        for (r, label) in labels.enumerated() { values[r * classes + label] = weights?[label] ?? 1 }
        return try Tensor(shape: [labels.count, classes], scalars: values)
    }
}

@Suite struct SoftmaxTests {
    // MARK: softmax forward

    @Test func softmaxRowsSumToOneAndMatchTheDefinition() throws {
        let x = try randomTensor([5, 7], seed: 1, low: -3, high: 3)
        let y = try x.softmax()
        #expect(y.shape == [5, 7])
        for r in 0..<5 {
            let row = Array(y.scalars[r * 7..<(r + 1) * 7])
            let bound = SoftmaxReference.relativeBound(Array(x.scalars[r * 7..<(r + 1) * 7]))
            // Seven outputs each within `bound` of theirs, added in Float.
            #expect(Swift.abs(Double(row.reduce(0, +)) - 1) <= bound + Tolerance.sum(terms: 7, absoluteSum: 1 + bound))
            let expected = SoftmaxReference.softmaxRow(Array(x.scalars[r * 7..<(r + 1) * 7]))
            for (got, want) in zip(row, expected) { #expect(Swift.abs(Double(got) - want) <= bound * want) }
        }
    }

    @Test func softmaxOfTwoEqualLogitsIsOneHalfByHand() throws {
        let y = try Tensor(shape: [1, 2], scalars: [3, 3]).softmax()
        #expect(y.scalars == [0.5, 0.5])
        // softmax([0, ln 3]) = [1/4, 3/4]
        let z = try Tensor(shape: [2], scalars: [0, Float(Foundation.log(3.0))]).softmax()
        // Float(ln 3) is one more rounding of the spread ln 3.
        let bound = Tolerance.softmax(classes: 2, logitSpread: 2 * Foundation.log(3.0))
        #expect(Swift.abs(Double(z.scalars[0]) - 0.25) <= bound * 0.25 && Swift.abs(Double(z.scalars[1]) - 0.75) <= bound * 0.75)
    }

    @Test func softmaxIsStableForLargeLogits() throws {
        let big = try Tensor(shape: [2, 3], scalars: [1000, 1001, 1002, -1000, -1001, -1002])
        let small = try Tensor(shape: [2, 3], scalars: [0, 1, 2, 0, -1, -2])
        let y = try big.softmax()
        #expect(y.scalars.allSatisfy { $0.isFinite })
        // Softmax is shift-invariant: the huge logits give the same as the small ones (each output ≤ 1, within
        // `bound` of it relatively; xⱼ − max is exact for both).
        let bound = SoftmaxReference.relativeBound([0, 1, 2])
        #expect(Double(maxDifference(y, try small.softmax())) <= 2 * bound)
        let expected = SoftmaxReference.softmaxRow([0, 1, 2])
        for j in 0..<3 { #expect(Swift.abs(Double(y.scalars[j]) - expected[j]) <= bound * expected[j]) }
        let logY = try big.logSoftmax()
        #expect(logY.scalars.allSatisfy { $0.isFinite })
        // Dominated by rounding log Σ + 1002 to Float: half an ulp of 1002.
        let logSmall = try small.logSoftmax()
        let logBounds = (0..<6).map { i in
            let row: [Float] = i < 3 ? [0, 1, 2] : [0, -1, -2], bigRow = Array(big.scalars[(i / 3) * 3..<(i / 3 + 1) * 3])
            return SoftmaxReference.logBound(bigRow, output: Double(logY.scalars[i]))
                + SoftmaxReference.logBound(row, output: Double(logSmall.scalars[i]))
        }
        ConvolutionTests.expectClose(logY, logSmall, within: logBounds, "log-softmax of shifted logits")
    }

    @Test func softmaxAlongAxisZeroNormalizesColumns() throws {
        let x = try randomTensor([4, 3], seed: 2, low: -2, high: 2)
        let y = try x.softmax(axis: 0)
        #expect(y.shape == [4, 3])
        for c in 0..<3 {
            let column = (0..<4).map { x.scalars[$0 * 3 + c] }
            let expected = SoftmaxReference.softmaxRow(column), bound = SoftmaxReference.relativeBound(column)
            for r in 0..<4 { #expect(Swift.abs(Double(y.scalars[r * 3 + c]) - expected[r]) <= bound * expected[r]) }
        }
    }

    @Test func softmaxAlongMiddleAxisOfRank3MatchesDefinition() throws {
        let x = try randomTensor([2, 4, 3], seed: 3, low: -2, high: 2)
        let y = try x.softmax(axis: 1)
        let logY = try x.logSoftmax(axis: -2)
        for a in 0..<2 { for c in 0..<3 {
            let fibre = (0..<4).map { x.scalars[a * 12 + $0 * 3 + c] }
            let expected = SoftmaxReference.softmaxRow(fibre), bound = SoftmaxReference.relativeBound(fibre)
            for b in 0..<4 {
                let logExpected = Foundation.log(expected[b])
                #expect(Swift.abs(Double(y.scalars[a * 12 + b * 3 + c]) - expected[b]) <= bound * expected[b])
                #expect(Swift.abs(Double(logY.scalars[a * 12 + b * 3 + c]) - logExpected)
                        <= SoftmaxReference.logBound(fibre, output: logExpected))
            }
        } }
    }

    @Test func logSoftmaxEqualsLogOfSoftmax() throws {
        let x = try randomTensor([6, 5], seed: 4, low: -4, high: 4)
        for axis in [-1, 0, 1] {
            let direct = try x.logSoftmax(axis: axis)
            let composed = try x.softmax(axis: axis).log()
            #expect(direct.shape == x.shape)
            // direct is within logBound; composed takes log of a value within relativeBound (an absolute error
            // after log) and adds log's ulps.
            let bounds = (0..<30).map { i in
                let fibre = axis == 0 ? (0..<6).map { x.scalars[$0 * 5 + i % 5] } : Array(x.scalars[(i / 5) * 5..<(i / 5 + 1) * 5])
                let output = Double(direct.scalars[i])
                return SoftmaxReference.logBound(fibre, output: output) + SoftmaxReference.relativeBound(fibre)
                    + Tolerance.ulps(Tolerance.logUlps, of: output)
            }
            ConvolutionTests.expectClose(direct, composed, within: bounds, "axis \(axis)")
        }
    }

    @Test func logSoftmaxStaysFiniteWhereSoftmaxUnderflows() throws {
        // exp(-200) underflows Float, so log(softmax) would be -inf; logSoftmax is exact.
        let x = try Tensor(shape: [1, 2], scalars: [0, -200])
        let y = try x.logSoftmax()
        #expect(y.scalars.allSatisfy { $0.isFinite })
        // Exact: e⁻²⁰⁰ is 0 in Float, so log Σ = log 1 = 0 (and the true values, −200 − 1e-87 and −1e-87, round there).
        #expect(y.scalars[1] == -200)
        #expect(y.scalars[0] == 0)
    }

    @Test func softmaxRejectsBadAxisAndScalars() throws {
        let x = try randomTensor([2, 3], seed: 5)
        #expect(throws: TensorError.self) { try x.softmax(axis: 2) }
        #expect(throws: TensorError.self) { try x.softmax(axis: -3) }
        #expect(throws: TensorError.self) { try x.logSoftmax(axis: 2) }
        #expect(throws: TensorError.self) { try Tensor(1).softmax() }
    }

    // MARK: softmax gradients

    @Test func softmaxGradientMatchesFiniteDifferences() throws {
        let x = try randomTensor([3, 5], seed: 6, low: -2, high: 2)
        try expectGradientsMatchFiniteDifferences({ try $0[0].softmax() }, at: [x])
        try expectGradientsMatchFiniteDifferences({ try $0[0].softmax(axis: 0) }, at: [x])
        try expectGradientsMatchFiniteDifferences({ try $0[0].softmax(axis: 1) }, at: [try randomTensor([2, 3, 4], seed: 7)])
    }

    @Test func logSoftmaxGradientMatchesFiniteDifferences() throws {
        let x = try randomTensor([3, 5], seed: 8, low: -2, high: 2)
        try expectGradientsMatchFiniteDifferences({ try $0[0].logSoftmax() }, at: [x])
        try expectGradientsMatchFiniteDifferences({ try $0[0].logSoftmax(axis: 0) }, at: [x])
        try expectGradientsMatchFiniteDifferences({ try $0[0].logSoftmax(axis: 1) }, at: [try randomTensor([2, 3, 4], seed: 9)])
    }

    @Test func softmaxOfSumGradientIsZero() throws {
        // Σ softmax(x) = 1 for every row, so its gradient vanishes.
        let x = try randomTensor([3, 4], seed: 10).requiringGrad()
        let g = try gradients(of: x.softmax().sum(), wrt: [x])[0]
        // g = y·(1 − Σy) with the computed y: each ≤ 1 and within `bound` relatively, summed in Float over 4 classes.
        let bound = (0..<3).map { r in SoftmaxReference.relativeBound(Array(x.scalars[r * 4..<(r + 1) * 4])) }.max()!
        #expect(g.scalars.allSatisfy { Double(Swift.abs($0)) <= bound + Tolerance.sum(terms: 4, absoluteSum: 1 + bound, extraOperations: 1) })
    }

    // MARK: cross-entropy

    @Test func crossEntropyOfUniformLogitsIsLogOfClassCount() throws {
        let logits = try Tensor.zeros([3, 4])
        let loss = try Tensor.softmaxCrossEntropy(logits: logits, labels: [0, 3, 1])
        #expect(loss.shape == [])
        // Zero logits: exp and the sum are exact, so the loss is log 4 by logf, the expected value ½ ulp from it.
        #expect(Swift.abs(Double(try loss.item() - Float(Foundation.log(4.0)))) <= Tolerance.ulps(Tolerance.logUlps + 0.5, of: Foundation.log(4.0)))
    }

    @Test func crossEntropyMatchesHandComputation() throws {
        let logits = try randomTensor([5, 4], seed: 11, low: -3, high: 3)
        let labels = [3, 0, 2, 2, 1]
        let loss = try Tensor.softmaxCrossEntropy(logits: logits, labels: labels)
        let expected = SoftmaxReference.crossEntropy(logits, labels: labels, weights: nil)
        #expect(Swift.abs(Double(try loss.item()) - expected) <= SoftmaxReference.crossEntropyBound(logits, labels: labels, weights: nil))
    }

    @Test func weightedCrossEntropyIsNormalizedByTheBatchWeights() throws {
        let logits = try randomTensor([5, 4], seed: 12, low: -3, high: 3)
        let labels = [3, 0, 2, 2, 1]
        let weights: [Float] = [0.5, 2, 1, 4]
        let loss = try Tensor.softmaxCrossEntropy(logits: logits, labels: labels, classWeights: weights)
        // Batch weights are w[3], w[0], w[2], w[2], w[1] = 4, 0.5, 1, 1, 2: total 8.5.
        let expected = SoftmaxReference.crossEntropy(logits, labels: labels, weights: weights)
        #expect(Swift.abs(Double(try loss.item()) - expected) <= SoftmaxReference.crossEntropyBound(logits, labels: labels, weights: weights))
        // Scaling every weight by the same factor does not change the loss: ×10 is exact for these weights, and the
        // Double sums differ by Double roundings only, which can move the final rounding to Float by one ulp.
        let scaled = try Tensor.softmaxCrossEntropy(logits: logits, labels: labels, classWeights: weights.map { $0 * 10 })
        #expect(Swift.abs(Double(try scaled.item() - loss.item())) <= Tolerance.ulps(1, of: Double(try loss.item())))
        // A zero weight removes those rows from both the sum and the normalizer. Exact: the kept rows' log-probabilities
        // are computed row by row alike, and the dropped rows add zeros to the same sums.
        let dropped = try Tensor.softmaxCrossEntropy(logits: logits, labels: labels, classWeights: [1, 1, 0, 1])
        let kept = try Tensor.softmaxCrossEntropy(logits: logits.gatherRows([0, 1, 4]), labels: [3, 0, 1])
        #expect(try dropped.item() == kept.item())
    }

    @Test func crossEntropyIsStableForLargeLogits() throws {
        let logits = try Tensor(shape: [2, 3], scalars: [1000, 0, -1000, 500, 501, 502])
        let loss = try Tensor.softmaxCrossEntropy(logits: logits, labels: [2, 2])
        // Row 0: −log p = 2000 + log(1 + e^-1000 + e^-2000) ≈ 2000.
        // Row 1: −log softmax([0, 1, 2])[2].
        let row1 = -Foundation.log(SoftmaxReference.softmaxRow([0, 1, 2])[2])
        #expect(try loss.item().isFinite)
        #expect(Swift.abs(Double(try loss.item()) - (2000 + row1) / 2)
                <= SoftmaxReference.crossEntropyBound(logits, labels: [2, 2], weights: nil))
        let x = logits.requiringGrad()
        let g = try gradients(of: Tensor.softmaxCrossEntropy(logits: x, labels: [2, 2]), wrt: [x])[0]
        #expect(g.scalars.allSatisfy { $0.isFinite })
    }

    @Test func crossEntropyGradientMatchesFiniteDifferences() throws {
        let logits = try randomTensor([4, 5], seed: 13, low: -2, high: 2)
        let labels = [4, 0, 0, 2]
        try expectGradientsMatchFiniteDifferences({ try Tensor.softmaxCrossEntropy(logits: $0[0], labels: labels) }, at: [logits])
        try expectGradientsMatchFiniteDifferences({
            try Tensor.softmaxCrossEntropy(logits: $0[0], labels: labels, classWeights: [0.5, 1, 2, 3, 0.25])
        }, at: [logits])
    }

    @Test(arguments: [false, true])
    func fusedCrossEntropyGradientMatchesLogSoftmaxComposite(weighted: Bool) throws {
        let logits = try randomTensor([6, 4], seed: 14, low: -3, high: 3).requiringGrad()
        let labels = [1, 3, 0, 1, 2, 3]
        let weights: [Float]? = weighted ? [2, 0.5, 1, 3] : nil
        let fused = try Tensor.softmaxCrossEntropy(logits: logits, labels: labels, classWeights: weights)
        // Composite: −Σ (w·onehot) ⊙ logSoftmax(logits) / Σ w, through the general ops.
        let target = try SoftmaxReference.weightedOneHot(labels, classes: 4, weights: weights)
        let composite = try -(target * logits.logSoftmax()).sum() / target.sum()
        // Both take the same log-probabilities; the composite weighs and sums the 24 of them in Float and divides
        // (the fused loss sums in Double and rounds once). As every log-probability is ≤ 0, Σ|w·logp| / Σw is the loss.
        let loss = Double(try fused.item())
        #expect(Swift.abs(Double(try fused.item() - composite.item())) <= Tolerance.sum(terms: 24, absoluteSum: loss, extraOperations: 3))
        let gFused = try gradients(of: fused, wrt: [logits])[0]
        let gComposite = try gradients(of: composite, wrt: [logits])[0]
        #expect(gFused.shape == [6, 4])
        // Both are (w/Σw)·(exp(logp) − onehot) from the same logp, with at most 4 roundings each (exp alike).
        let rowWeights = labels.map { Double(weights?[$0] ?? 1) }
        let largest = rowWeights.max()! / rowWeights.reduce(0, +)
        #expect(Double(maxDifference(gFused, gComposite)) <= 2 * Tolerance.chain(operations: 4, magnitude: 2 * largest))
    }

    @Test func crossEntropyGradientIsSoftmaxMinusOneHotOverBatch() throws {
        let logits = try randomTensor([3, 4], seed: 15).requiringGrad()
        let labels = [2, 0, 3]
        let g = try gradients(of: Tensor.softmaxCrossEntropy(logits: logits, labels: labels), wrt: [logits])[0]
        for (r, label) in labels.enumerated() {
            let row = Array(logits.scalars[r * 4..<(r + 1) * 4])
            let p = SoftmaxReference.softmaxRow(row)
            for j in 0..<4 {
                let expected = (p[j] - (j == label ? 1 : 0)) / 3
                // p is exp of a log-probability within logBound (a relative error after exp, plus exp's ulps); then
                // − 1, and × 1/3 (rounded) make 3 roundings.
                let pError = p[j] * (SoftmaxReference.logBound(row, output: Foundation.log(p[j])) + Tolerance.ulps(Tolerance.expUlps, of: 1))
                let bound = pError / 3 + Tolerance.chain(operations: 3, magnitude: Swift.abs(expected))
                #expect(Swift.abs(Double(g.scalars[r * 4 + j]) - expected) <= bound)
            }
        }
    }

    @Test func crossEntropyRejectsBadLabelsAndWeights() throws {
        let logits = try randomTensor([2, 3], seed: 16)
        #expect(throws: TensorError.self) { try Tensor.softmaxCrossEntropy(logits: logits, labels: [0, 3]) }
        #expect(throws: TensorError.self) { try Tensor.softmaxCrossEntropy(logits: logits, labels: [-1, 0]) }
        #expect(throws: TensorError.self) { try Tensor.softmaxCrossEntropy(logits: logits, labels: [0]) }
        #expect(throws: TensorError.self) { try Tensor.softmaxCrossEntropy(logits: logits.reshaped([6]), labels: [0]) }
        #expect(throws: TensorError.self) { try Tensor.softmaxCrossEntropy(logits: Tensor.zeros([0, 3]), labels: []) }
        #expect(throws: TensorError.self) {
            try Tensor.softmaxCrossEntropy(logits: logits, labels: [0, 1], classWeights: [1, 1])
        }
        #expect(throws: TensorError.self) {
            try Tensor.softmaxCrossEntropy(logits: logits, labels: [0, 1], classWeights: [1, -1, 1])
        }
        #expect(throws: TensorError.self) {
            try Tensor.softmaxCrossEntropy(logits: logits, labels: [0, 1], classWeights: [1, .nan, 1])
        }
        #expect(throws: TensorError.self) {
            try Tensor.softmaxCrossEntropy(logits: logits, labels: [0, 1], classWeights: [0, 0, 1])
        }
    }
}
