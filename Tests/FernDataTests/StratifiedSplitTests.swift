import Testing
@testable import FernData

/// A validation split that keeps each class's share, reproducibly.
@Suite struct StratifiedSplitTests {
    private let counts = [100, 7, 50, 200, 1, 33, 9]

    @Test func eachClassKeepsItsShareWithinOne() throws {
        let dataset = try indexedDataset(labels: labels(counts: counts))
        let (train, validation) = try dataset.stratifiedSplit(validationFraction: 0.2, seed: 7)
        for (label, count) in counts.enumerated() {
            let expected = 0.2 * Double(count)
            let got = validation.classCounts()[label]
            #expect(abs(Double(got) - expected) <= 1, "class \(label): \(got) of \(count) in validation")
            #expect(got + train.classCounts()[label] == count)
        }
        // Small classes still get a validation image; a single image stays in training.
        #expect(validation.classCounts()[1] >= 1)
        #expect(validation.classCounts()[6] >= 1)
        #expect(validation.classCounts()[4] == 0 && train.classCounts()[4] == 1)
    }

    @Test func partsAreDisjointCoverEverythingAndKeepSourceOrder() throws {
        let dataset = try indexedDataset(labels: labels(counts: counts))
        let (train, validation) = try dataset.stratifiedSplit(validationFraction: 0.15, seed: 3)
        let trainIndices = sourceIndices(train), validationIndices = sourceIndices(validation)
        #expect(Set(trainIndices).isDisjoint(with: validationIndices))
        #expect((trainIndices + validationIndices).sorted() == Array(0..<dataset.count))
        #expect(trainIndices == trainIndices.sorted() && validationIndices == validationIndices.sorted())
        #expect(train.labels == trainIndices.map { dataset.labels[$0] })
        #expect(validation.ids == validationIndices.map { 100 + $0 })
    }

    @Test func sameSeedSameSplitOtherSeedOtherSplit() throws {
        let dataset = try indexedDataset(labels: labels(counts: counts))
        let first = try dataset.stratifiedSplit(validationFraction: 0.2, seed: 11)
        let again = try dataset.stratifiedSplit(validationFraction: 0.2, seed: 11)
        let other = try dataset.stratifiedSplit(validationFraction: 0.2, seed: 12)
        #expect(sourceIndices(first.validation) == sourceIndices(again.validation))
        #expect(sourceIndices(first.validation) != sourceIndices(other.validation))
        #expect(first.validation.classCounts() == other.validation.classCounts())
    }

    @Test func rejectsUnlabelledDataAndFractionsOutsideZeroToOne() throws {
        var dataset = try indexedDataset(labels: [0, 1, 0, 1])
        for fraction in [0.0, 1.0, -0.1, 1.5, .nan] {
            #expect(throws: DataError.self) { try dataset.stratifiedSplit(validationFraction: fraction, seed: 1) }
        }
        dataset.labels = []
        let error = #expect(throws: DataError.self) { try dataset.stratifiedSplit(validationFraction: 0.2, seed: 1) }
        #expect(error?.message == "stratifiedSplit needs a labelled data set")
    }
}
