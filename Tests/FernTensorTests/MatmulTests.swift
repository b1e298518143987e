import FernTestSupport
import Foundation
import Testing
@testable import FernTensor

/// A naive triple-loop product in Double, with NumPy-style batching where one
/// side may be a plain matrix shared by every batch entry; with each element's
/// rounding bound for a Float product (k products summed in any order: Tolerance.sum of Σ|a·b|).
enum MatmulReference {
    static func product(_ a: Tensor, _ b: Tensor) -> (shape: [Int], values: [Double], bounds: [Double]) {
        let (m, k) = (a.shape[a.rank - 2], a.shape[a.rank - 1])
        let n = b.shape[b.rank - 1]
        precondition(b.shape[b.rank - 2] == k, "test bug: inner dimensions")
        let batchShape = a.rank > 2 ? Array(a.shape.dropLast(2)) : Array(b.shape.dropLast(2))
        let batch = batchShape.reduce(1, *)
        var out = [Double](repeating: 0, count: batch * m * n), bounds = out
        for p in 0..<batch {
            let aBase = a.rank > 2 ? p * m * k : 0
            let bBase = b.rank > 2 ? p * k * n : 0
            for i in 0..<m {
                for j in 0..<n {
                    var acc = 0.0, absolute = 0.0
                    for r in 0..<k {
                        let term = Double(a.scalars[aBase + i * k + r]) * Double(b.scalars[bBase + r * n + j])
                        acc += term
                        absolute += Swift.abs(term)
                    }
                    out[p * m * n + i * n + j] = acc
                    bounds[p * m * n + i * n + j] = Tolerance.sum(terms: k, absoluteSum: absolute)
                }
            }
        }
        return (batchShape + [m, n], out, bounds)
    }

    /// Whether every element is within its bound of the reference.
    static func matches(_ t: Tensor, _ expected: (shape: [Int], values: [Double], bounds: [Double])) -> Bool {
        t.shape == expected.shape && zip(t.scalars, zip(expected.values, expected.bounds)).allSatisfy { Swift.abs(Double($0) - $1.0) <= $1.1 }
    }
}

/// Operand shapes for a matrix product.
struct MatmulShapeCase: Sendable, CustomTestStringConvertible {
    let name: String
    let a: [Int]
    let b: [Int]
    var testDescription: String { "\(name) \(describeShape(a)) @ \(describeShape(b))" }

    static let all: [MatmulShapeCase] = [
        .init(name: "2-D", a: [7, 13], b: [13, 5]),
        .init(name: "batched 3-D @ 3-D", a: [3, 7, 13], b: [3, 13, 5]),
        .init(name: "3-D @ shared 2-D", a: [3, 7, 13], b: [13, 5]),
        .init(name: "shared 2-D @ 3-D", a: [7, 13], b: [3, 13, 5]),
        .init(name: "4-D @ 4-D", a: [2, 3, 4, 5], b: [2, 3, 5, 6]),
        .init(name: "4-D @ shared 2-D", a: [2, 3, 4, 5], b: [5, 6]),
        .init(name: "shared 2-D @ 4-D", a: [4, 5], b: [2, 3, 5, 6]),
        .init(name: "row vector @ column vector", a: [1, 9], b: [9, 1]),
        .init(name: "column @ row (outer product)", a: [6, 1], b: [1, 4]),
        .init(name: "batch of one", a: [1, 3, 4], b: [1, 4, 2]),
    ]
}

@Suite struct MatmulTests {
    @Test func twoByTwoProductByHand() throws {
        let a = try Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
        let b = try Tensor(shape: [2, 2], scalars: [5, 6, 7, 8])
        let c = try Tensor.matmul(a, b)
        #expect(c.shape == [2, 2])
        #expect(c.scalars == [19, 22, 43, 50])
    }

    @Test func nonSquareProductByHand() throws {
        // [2, 3] @ [3, 1]
        let a = try Tensor(shape: [2, 3], scalars: [1, 0, -1, 2, 3, 4])
        let b = try Tensor(shape: [3, 1], scalars: [1, 2, 3])
        let c = try Tensor.matmul(a, b)
        #expect(c.shape == [2, 1])
        #expect(c.scalars == [-2, 20])
    }

    @Test(arguments: MatmulShapeCase.all)
    func productMatchesNaiveTripleLoop(_ c: MatmulShapeCase) throws {
        let a = try randomTensor(c.a, seed: 1)
        let b = try randomTensor(c.b, seed: 2)
        let result = try Tensor.matmul(a, b)
        let expected = MatmulReference.product(a, b)
        #expect(result.shape == expected.shape)
        #expect(result.count == expected.values.count)
        #expect(MatmulReference.matches(result, expected))
    }

    @Test func largerOddSizedProductMatchesNaiveTripleLoop() throws {
        // Large enough for OpenBLAS's blocked/threaded kernels.
        let a = try randomTensor([67, 129], seed: 3)
        let b = try randomTensor([129, 71], seed: 4)
        let result = try Tensor.matmul(a, b)
        let expected = MatmulReference.product(a, b)
        #expect(result.shape == [67, 71])
        #expect(MatmulReference.matches(result, expected))
    }

    @Test func emptyInnerDimensionGivesZeros() throws {
        let a = try Tensor.zeros([2, 0])
        let b = try Tensor.zeros([0, 3])
        let c = try Tensor.matmul(a, b)
        #expect(c.shape == [2, 3])
        #expect(c.scalars == [Float](repeating: 0, count: 6))
    }

    @Test func productGradientByHand() throws {
        // d/dA Σ (A @ B) = 1 @ Bᵀ: every row of dA holds B's row sums;
        // d/dB Σ (A @ B) = Aᵀ @ 1: every column of dB holds A's column sums.
        let a = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]).requiringGrad()
        let b = try Tensor(shape: [3, 2], scalars: [1, -1, 2, 0, 0.5, 3]).requiringGrad()
        let g = try gradients(of: Tensor.matmul(a, b).sum(), wrt: [a, b])
        #expect(g[0].shape == [2, 3])
        #expect(g[0].scalars == [0, 2, 3.5, 0, 2, 3.5])
        #expect(g[1].shape == [3, 2])
        #expect(g[1].scalars == [5, 5, 7, 7, 9, 9])
    }

    @Test func sharedMatrixGradientSumsOverTheBatchByHand() throws {
        // A [2, 1, 2] batch times shared B [2, 1]: dB = Σ_batch Aᵀ.
        let a = try Tensor(shape: [2, 1, 2], scalars: [1, 2, 10, 20]).requiringGrad()
        let b = try Tensor(shape: [2, 1], scalars: [3, 4]).requiringGrad()
        let g = try gradients(of: Tensor.matmul(a, b).sum(), wrt: [a, b])
        #expect(g[1].shape == [2, 1])
        #expect(g[1].scalars == [11, 22])
        #expect(g[0].shape == [2, 1, 2])
        #expect(g[0].scalars == [3, 4, 3, 4])
        // Shared A [1, 2] times a B batch [2, 2, 1]: dA = Σ_batch Bᵀ.
        let a2 = try Tensor(shape: [1, 2], scalars: [1, 2]).requiringGrad()
        let b2 = try Tensor(shape: [2, 2, 1], scalars: [1, 2, 10, 20]).requiringGrad()
        let h = try gradients(of: Tensor.matmul(a2, b2).sum(), wrt: [a2, b2])
        #expect(h[0].shape == [1, 2])
        #expect(h[0].scalars == [11, 22])
        #expect(h[1].shape == [2, 2, 1])
        #expect(h[1].scalars == [1, 2, 1, 2])
    }

    @Test(arguments: MatmulShapeCase.all)
    func productGradientMatchesFiniteDifferences(_ c: MatmulShapeCase) throws {
        let a = try randomTensor(c.a, seed: 5)
        let b = try randomTensor(c.b, seed: 6)
        try expectGradientsMatchFiniteDifferences({ try Tensor.matmul($0[0], $0[1]) }, at: [a, b])
    }

    @Test func gradientWithRespectToOneOperandOnly() throws {
        let a = try randomTensor([3, 4, 5], seed: 7)
        let b = try randomTensor([5, 2], seed: 8)
        try expectGradientsMatchFiniteDifferences({ try Tensor.matmul(a, $0[0]) }, at: [b])
        try expectGradientsMatchFiniteDifferences({ try Tensor.matmul($0[0], b) }, at: [a])
    }

    @Test func productOfTransposedOperandsMatchesNaiveLoop() throws {
        // Transposed views are materialized; check the product and its gradient.
        let a = try randomTensor([5, 4], seed: 9)
        let b = try randomTensor([6, 5], seed: 10)
        let c = try Tensor.matmul(a.transposed(), b.transposed())
        #expect(c.shape == [4, 6])
        for i in 0..<4 {
            for j in 0..<6 {
                let terms = (0..<5).map { r in Double(a.scalars[r * 4 + i]) * Double(b.scalars[j * 5 + r]) }
                #expect(Swift.abs(Double(c.scalars[i * 6 + j]) - terms.reduce(0, +))
                        <= Tolerance.sum(terms: 5, absoluteSum: terms.map(Swift.abs).reduce(0, +)))
            }
        }
        try expectGradientsMatchFiniteDifferences({ try Tensor.matmul($0[0].transposed(), $0[1].transposed()) }, at: [a, b])
    }

    @Test func twoLayerPerceptronLossGradientMatchesFiniteDifferences() throws {
        // relu(x @ W1 + b1) @ W2 + b2 -> softmax cross-entropy.
        let x = try randomTensor([4, 6], seed: 11)
        let w1 = try randomTensor([6, 5], seed: 12)
        let b1 = try randomTensor([5], seed: 13, low: -0.1, high: 0.1)
        let w2 = try randomTensor([5, 3], seed: 14)
        let b2 = try randomTensor([3], seed: 15)
        let labels = [0, 2, 1, 2]
        // Keep hidden pre-activations away from relu's kink so probes never cross it.
        let hidden = try Tensor.matmul(x, w1) + b1
        #expect(hidden.scalars.allSatisfy { Swift.abs($0) > 0.03 }, "choose another seed: a hidden unit sits at the kink")
        func loss(_ p: [Tensor]) throws -> Tensor {
            let h = try (Tensor.matmul(p[0], p[1]) + p[2]).relu()
            let logits = try Tensor.matmul(h, p[3]) + p[4]
            return try Tensor.softmaxCrossEntropy(logits: logits, labels: labels)
        }
        try expectGradientsMatchFiniteDifferences(loss, at: [x, w1, b1, w2, b2], epsilon: 1e-3)
    }

    @Test func twoLayerPerceptronGradientMatchesHandWrittenBackprop() throws {
        // Backprop written out with naive loops, independent of the autodiff graph.
        let (n, d, h, c) = (4, 6, 5, 3)
        let x = try randomTensor([n, d], seed: 21)
        let w1 = try randomTensor([d, h], seed: 22)
        let b1 = try randomTensor([h], seed: 23)
        let w2 = try randomTensor([h, c], seed: 24)
        let b2 = try randomTensor([c], seed: 25)
        let labels = [2, 0, 1, 1]
        let tracked = [x, w1, b1, w2, b2].map { $0.requiringGrad() }
        let hidden = try (Tensor.matmul(tracked[0], tracked[1]) + tracked[2]).relu()
        let logits = try Tensor.matmul(hidden, tracked[3]) + tracked[4]
        let grads = try gradients(of: Tensor.softmaxCrossEntropy(logits: logits, labels: labels), wrt: tracked)

        func at(_ t: Tensor, _ i: Int, _ j: Int) -> Double { Double(t.scalars[i * t.shape[1] + j]) }
        // Alongside each value, how far its Float computation can be from it (`error`, first order): a sum of
        // `count` products a·b (and a bias) rounds within Tolerance.sum of Σ|a·b|, and carries its operands' errors.
        func error(_ count: Int, bias: Double = 0, _ term: (Int) -> (a: Double, aError: Double, b: Double, bError: Double)) -> Double {
            let terms = (0..<count).map(term)
            return Tolerance.sum(terms: count + 1, absoluteSum: terms.reduce(Swift.abs(bias)) { $0 + Swift.abs($1.a * $1.b) })
                + terms.reduce(0) { $0 + Swift.abs($1.a) * $1.bError + $1.aError * Swift.abs($1.b) }
        }
        var pre = [[Double]](repeating: [Double](repeating: 0, count: h), count: n), preError = pre
        for i in 0..<n { for j in 0..<h {
            pre[i][j] = Double(b1.scalars[j]) + (0..<d).reduce(0.0) { $0 + at(x, i, $1) * at(w1, $1, j) }
            preError[i][j] = error(d, bias: Double(b1.scalars[j])) { (at(x, i, $0), 0, at(w1, $0, j), 0) }
        } }
        let act = pre.map { $0.map { Swift.max($0, 0) } }
        var dLogits = [[Double]](repeating: [Double](repeating: 0, count: c), count: n), dLogitsError = dLogits
        for i in 0..<n {
            let z = (0..<c).map { j in Double(b2.scalars[j]) + (0..<h).reduce(0.0) { $0 + act[i][$1] * at(w2, $1, j) } }
            let zError = (0..<c).map { j in error(h, bias: Double(b2.scalars[j])) { (act[i][$0], preError[i][$0], at(w2, $0, j), 0) } }
            let top = z.max()!
            let e = z.map { Foundation.exp($0 - top) }
            let total = e.reduce(0, +)
            for j in 0..<c {
                let p = e[j] / total, target: Double = j == labels[i] ? 1 : 0
                dLogits[i][j] = (p - target) / Double(n)
                // p = exp(log-softmax): its own rounding (logBound, then exp), and the logits' errors (∂p/∂z ≤ p each way);
                // then − target and × w/Σw (3 roundings).
                let pError = p * (SoftmaxReference.logBound(z.map { Float($0) }, output: Foundation.log(p))
                                  + Tolerance.ulps(Tolerance.expUlps, of: 1) + 2 * zError.max()!)
                dLogitsError[i][j] = pError / Double(n) + Tolerance.chain(operations: 3, magnitude: Swift.abs(dLogits[i][j]))
            }
        }
        var dPre = [[Double]](repeating: [Double](repeating: 0, count: h), count: n), dPreError = dPre
        for i in 0..<n { for j in 0..<h where pre[i][j] > 0 {
            dPre[i][j] = (0..<c).reduce(0.0) { $0 + dLogits[i][$1] * at(w2, j, $1) }
            dPreError[i][j] = error(c) { (dLogits[i][$0], dLogitsError[i][$0], at(w2, j, $0), 0) }
        } }
        func close(_ t: Tensor, _ expected: [Double], _ bounds: [Double]) -> Bool {
            zip(t.scalars, zip(expected, bounds)).allSatisfy { Swift.abs(Double($0) - $1.0) <= $1.1 }
        }
        let dx = (0..<n).flatMap { i in (0..<d).map { k in (0..<h).reduce(0.0) { $0 + dPre[i][$1] * at(w1, k, $1) } } }
        let dxError = (0..<n).flatMap { i in (0..<d).map { k in error(h) { (dPre[i][$0], dPreError[i][$0], at(w1, k, $0), 0) } } }
        let dw1 = (0..<d).flatMap { k in (0..<h).map { j in (0..<n).reduce(0.0) { $0 + at(x, $1, k) * dPre[$1][j] } } }
        let dw1Error = (0..<d).flatMap { k in (0..<h).map { j in error(n) { (at(x, $0, k), 0, dPre[$0][j], dPreError[$0][j]) } } }
        let db1 = (0..<h).map { j in (0..<n).reduce(0.0) { $0 + dPre[$1][j] } }
        let db1Error = (0..<h).map { j in error(n) { (dPre[$0][j], dPreError[$0][j], 1, 0) } }
        let dw2 = (0..<h).flatMap { k in (0..<c).map { j in (0..<n).reduce(0.0) { $0 + act[$1][k] * dLogits[$1][j] } } }
        let dw2Error = (0..<h).flatMap { k in (0..<c).map { j in error(n) { (act[$0][k], preError[$0][k], dLogits[$0][j], dLogitsError[$0][j]) } } }
        let db2 = (0..<c).map { j in (0..<n).reduce(0.0) { $0 + dLogits[$1][j] } }
        let db2Error = (0..<c).map { j in error(n) { (dLogits[$0][j], dLogitsError[$0][j], 1, 0) } }
        #expect(grads[0].shape == [n, d] && close(grads[0], dx, dxError))
        #expect(grads[1].shape == [d, h] && close(grads[1], dw1, dw1Error))
        #expect(grads[2].shape == [h] && close(grads[2], db1, db1Error))
        #expect(grads[3].shape == [h, c] && close(grads[3], dw2, dw2Error))
        #expect(grads[4].shape == [c] && close(grads[4], db2, db2Error))
    }

    @Test func mismatchedOperandsThrowInsteadOfCrashing() throws {
        let a = try randomTensor([2, 3], seed: 1)
        #expect(throws: TensorError.self) { try Tensor.matmul(a, randomTensor([4, 5], seed: 2)) }
        #expect(throws: TensorError.self) { try Tensor.matmul(a, randomTensor([3], seed: 2)) }
        #expect(throws: TensorError.self) { try Tensor.matmul(randomTensor([3], seed: 2), a) }
        #expect(throws: TensorError.self) {
            try Tensor.matmul(randomTensor([2, 2, 3], seed: 3), randomTensor([3, 3, 4], seed: 4))
        }
        #expect(throws: TensorError.self) {
            try Tensor.matmul(randomTensor([2, 2, 3], seed: 3), randomTensor([1, 2, 3, 4], seed: 4))
        }
    }
}
