import Foundation
import Testing
@testable import FernTensor

/// A naive triple-loop product in Double, with NumPy-style batching where one
/// side may be a plain matrix shared by every batch entry.
enum MatmulReference {
    static func product(_ a: Tensor, _ b: Tensor) -> (shape: [Int], values: [Double]) {
        let (m, k) = (a.shape[a.rank - 2], a.shape[a.rank - 1])
        let n = b.shape[b.rank - 1]
        precondition(b.shape[b.rank - 2] == k, "test bug: inner dimensions")
        let batchShape = a.rank > 2 ? Array(a.shape.dropLast(2)) : Array(b.shape.dropLast(2))
        let batch = batchShape.reduce(1, *)
        var out = [Double](repeating: 0, count: batch * m * n)
        for p in 0..<batch {
            let aBase = a.rank > 2 ? p * m * k : 0
            let bBase = b.rank > 2 ? p * k * n : 0
            for i in 0..<m {
                for j in 0..<n {
                    var acc = 0.0
                    for r in 0..<k {
                        acc += Double(a.scalars[aBase + i * k + r]) * Double(b.scalars[bBase + r * n + j])
                    }
                    out[p * m * n + i * n + j] = acc
                }
            }
        }
        return (batchShape + [m, n], out)
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
        let worst = zip(result.scalars, expected.values).map { Swift.abs(Double($0) - $1) }.max() ?? 0
        #expect(worst < 1e-5)
    }

    @Test func largerOddSizedProductMatchesNaiveTripleLoop() throws {
        // Large enough for OpenBLAS's blocked/threaded kernels.
        let a = try randomTensor([67, 129], seed: 3)
        let b = try randomTensor([129, 71], seed: 4)
        let result = try Tensor.matmul(a, b)
        let expected = MatmulReference.product(a, b)
        #expect(result.shape == [67, 71])
        let worst = zip(result.scalars, expected.values).map { Swift.abs(Double($0) - $1) }.max() ?? 0
        #expect(worst < 1e-4)
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
                var acc = 0.0
                for r in 0..<5 { acc += Double(a.scalars[r * 4 + i]) * Double(b.scalars[j * 5 + r]) }
                #expect(Swift.abs(Double(c.scalars[i * 6 + j]) - acc) < 1e-5)
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
        var pre = [[Double]](repeating: [Double](repeating: 0, count: h), count: n)
        for i in 0..<n { for j in 0..<h {
            pre[i][j] = Double(b1.scalars[j]) + (0..<d).reduce(0.0) { $0 + at(x, i, $1) * at(w1, $1, j) }
        } }
        let act = pre.map { $0.map { Swift.max($0, 0) } }
        var dLogits = [[Double]](repeating: [Double](repeating: 0, count: c), count: n)
        for i in 0..<n {
            let z = (0..<c).map { j in Double(b2.scalars[j]) + (0..<h).reduce(0.0) { $0 + act[i][$1] * at(w2, $1, j) } }
            let top = z.max()!
            let e = z.map { Foundation.exp($0 - top) }
            let total = e.reduce(0, +)
            for j in 0..<c { dLogits[i][j] = (e[j] / total - (j == labels[i] ? 1 : 0)) / Double(n) }
        }
        var dPre = [[Double]](repeating: [Double](repeating: 0, count: h), count: n)
        for i in 0..<n { for j in 0..<h where pre[i][j] > 0 {
            dPre[i][j] = (0..<c).reduce(0.0) { $0 + dLogits[i][$1] * at(w2, j, $1) }
        } }
        func close(_ t: Tensor, _ expected: [Double]) -> Bool {
            zip(t.scalars, expected).allSatisfy { Swift.abs(Double($0) - $1) < 1e-5 }
        }
        let dx = (0..<n).flatMap { i in (0..<d).map { k in (0..<h).reduce(0.0) { $0 + dPre[i][$1] * at(w1, k, $1) } } }
        let dw1 = (0..<d).flatMap { k in (0..<h).map { j in (0..<n).reduce(0.0) { $0 + at(x, $1, k) * dPre[$1][j] } } }
        let db1 = (0..<h).map { j in (0..<n).reduce(0.0) { $0 + dPre[$1][j] } }
        let dw2 = (0..<h).flatMap { k in (0..<c).map { j in (0..<n).reduce(0.0) { $0 + act[$1][k] * dLogits[$1][j] } } }
        let db2 = (0..<c).map { j in (0..<n).reduce(0.0) { $0 + dLogits[$1][j] } }
        #expect(grads[0].shape == [n, d] && close(grads[0], dx))
        #expect(grads[1].shape == [d, h] && close(grads[1], dw1))
        #expect(grads[2].shape == [h] && close(grads[2], db1))
        #expect(grads[3].shape == [h, c] && close(grads[3], dw2))
        #expect(grads[4].shape == [c] && close(grads[4], db2))
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
