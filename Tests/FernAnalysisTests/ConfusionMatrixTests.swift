import FernAnalysis
import FernNN
import FernTensor
import Testing

@Suite struct ConfusionMatrixTests {
    let names = ["a", "b", "c"]

    @Test func countsPrecisionRecallAndF1MatchHandComputedValues() throws {
        // true:      a a a a b b c c c c
        // predicted: a a b c b a c c c b
        let labels = [0, 0, 0, 0, 1, 1, 2, 2, 2, 2]
        let predicted = [0, 0, 1, 2, 1, 0, 2, 2, 2, 1]
        let matrix = try ConfusionMatrix(predicted: predicted, labels: labels, classNames: names)
        #expect(matrix.counts == [[2, 1, 1], [1, 1, 0], [0, 1, 3]])
        #expect(matrix.total == 10 && matrix.correct == 6)
        #expect(matrix.support == [4, 2, 4])
        #expect(matrix.precision.map { ($0 * 1000).rounded() } == [667, 333, 750])
        #expect(matrix.recall == [0.5, 0.5, 0.75])
        // Exact: the same Double operations (doubling is exact, so 2·p·r = 2·(p·r)).
        #expect(matrix.f1[0] == 2 * (2.0 / 3 * 0.5) / (2.0 / 3 + 0.5))
        #expect(matrix.rowNormalized[1] == [0.5, 0.5, 0])
        let top = matrix.mostConfused(top: 2)
        #expect(top.count == 2 && top.allSatisfy { $0.count == 1 })
        #expect(top[0].true == 0 && top[0].predicted == 1)
    }

    @Test func classificationReportListsEveryClassAndTheAverages() throws {
        let matrix = try ConfusionMatrix(predicted: [0, 1, 1, 2], labels: [0, 1, 2, 2], classNames: names)
        let report = matrix.classificationReport
        for word in ["precision", "recall", "f1-score", "support", "accuracy", "macro avg", "weighted avg"] {
            #expect(report.contains(word), "\(word) missing from\n\(report)")
        }
        let cRow = report.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("c ") }
        #expect(cRow?.split(separator: " ").map(String.init) == ["c", "1.000", "0.500", "0.667", "2"])
        #expect(matrix.mostConfusedDescription() == "c → b: 1 (50.0% of c)")
    }

    @Test func modelMatrixCountsEveryImageAndMatchesItsPredictions() throws {
        let model = try Sequential([FlattenLayer(), DenseLayer(units: 3), ActivationLayer(.softmax)],
                                   inputShape: [4, 4, 1], seed: 3)
        var generator = SeededGenerator(seed: 1)
        let images = try Tensor.randomNormal([50, 4, 4, 1], using: &generator)
        let labels = (0..<50).map { $0 % 3 }
        let matrix = try ConfusionMatrix(model: model, images: images, labels: labels, classNames: names)
        #expect(matrix.total == 50)
        let predicted = try model.predict(images).argmax(axis: -1).scalars.map { Int($0) }
        for t in 0..<3 {
            for p in 0..<3 {
                #expect(matrix.counts[t][p] == zip(labels, predicted).filter { $0 == t && $1 == p }.count)
            }
        }
    }

    @Test func mismatchedOrOutOfRangeInputsAreErrors() {
        #expect(throws: AnalysisError.self) { try ConfusionMatrix(predicted: [0], labels: [0, 1], classNames: names) }
        #expect(throws: AnalysisError.self) { try ConfusionMatrix(predicted: [3], labels: [0], classNames: names) }
    }
}

@Suite struct ConfusionMatrixFromCountsTests {
    @Test func countsGiveTheSameMatrixAsThePredictionsTheyCame() throws {
        let names = ["a", "b", "c"]
        let tallied = try ConfusionMatrix(predicted: [0, 1, 2, 1, 0], labels: [0, 1, 2, 2, 2], classNames: names)
        #expect(try ConfusionMatrix(counts: tallied.counts, classNames: names) == tallied)
        #expect(throws: AnalysisError.self) { try ConfusionMatrix(counts: [[1, 2]], classNames: names) }
        #expect(throws: AnalysisError.self) { try ConfusionMatrix(counts: [[-1]], classNames: ["a"]) }
    }
}
