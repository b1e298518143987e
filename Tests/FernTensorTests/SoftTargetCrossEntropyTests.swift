import Foundation
import FernTestSupport
import Testing
@testable import FernTensor

/// Cross-entropy against target distributions (label smoothing, mixup, CutMix).
@Suite struct SoftTargetCrossEntropyTests {
    private func distribution(_ rows: Int, _ classes: Int, seed: UInt64) throws -> Tensor {
        try randomTensor([rows, classes], seed: seed, low: 0.01, high: 1).softmax()
    }

    @Test func oneHotTargetsGiveTheLabelsLoss() throws {
        let logits = try randomTensor([4, 5], seed: 11, low: -3, high: 3)
        let labels = [2, 0, 4, 1]
        var oneHot = [Float](repeating: 0, count: 20)
        for (row, label) in labels.enumerated() { oneHot[row * 5 + label] = 1 }
        let targets = try Tensor(shape: [4, 5], scalars: oneHot)
        let weights: [Float] = [1, 2, 0.5, 3, 1]
        let soft = try Tensor.softmaxCrossEntropy(logits: logits, targets: targets, rowWeights: labels.map { weights[$0] }).item()
        let hard = try Tensor.softmaxCrossEntropy(logits: logits, labels: labels, classWeights: weights).item()
        // Both sum the same 4 weighted log-probabilities (|log p| < 7) in Double; only the final rounding differs.
        #expect(Swift.abs(Double(soft - hard)) <= Tolerance.ulps(2, of: Double(hard)))
    }

    @Test func lossIsTheDefinition() throws {
        let logits = try randomTensor([3, 4], seed: 12, low: -2, high: 2)
        let targets = try distribution(3, 4, seed: 13)
        let loss = try Tensor.softmaxCrossEntropy(logits: logits, targets: targets).item()
        let logProbs = try logits.logSoftmax().scalars
        let expected = (0..<12).reduce(0.0) { $0 - Double(targets.scalars[$1]) * Double(logProbs[$1]) } / 3
        // 12 products of magnitude ≤ 5 summed, plus log-softmax's own rounding per term.
        #expect(Swift.abs(Double(loss) - expected) <= Tolerance.sum(terms: 12, absoluteSum: 12 * 5) + 12 * 5 * Tolerance.gamma(8))
    }

    @Test func gradientMatchesFiniteDifferences() throws {
        let targets = try distribution(3, 4, seed: 14)
        let x = try randomTensor([3, 4], seed: 15, low: -2, high: 2)
        try expectGradientsMatchFiniteDifferences({ try Tensor.softmaxCrossEntropy(logits: $0[0], targets: targets) }, at: [x])
        try expectGradientsMatchFiniteDifferences({
            try Tensor.softmaxCrossEntropy(logits: $0[0], targets: targets, rowWeights: [0.5, 2, 1])
        }, at: [x])
    }

    @Test func badShapesAndWeightsAreClearErrors() throws {
        let logits = try Tensor.zeros([2, 3])
        #expect(throws: TensorError.self) { try Tensor.softmaxCrossEntropy(logits: logits, targets: Tensor.zeros([2, 4])) }
        #expect(throws: TensorError.self) {
            try Tensor.softmaxCrossEntropy(logits: logits, targets: Tensor.zeros([2, 3]), rowWeights: [1])
        }
        #expect(throws: TensorError.self) {
            try Tensor.softmaxCrossEntropy(logits: logits, targets: Tensor.zeros([2, 3]), rowWeights: [0, 0])
        }
    }
}
