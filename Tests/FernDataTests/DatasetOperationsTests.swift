import FernTensor
import FernTestSupport
import Testing
@testable import FernData

/// Class counts and weights, subsets and shuffling.
@Suite struct DatasetOperationsTests {
    @Test func classCountsCountEachLabel() throws {
        let dataset = try indexedDataset(labels: [0, 0, 1, 3, 3, 3, 6])
        #expect(dataset.classCounts() == [2, 1, 0, 3, 0, 0, 1])
    }

    @Test func unlabelledDataHasZeroCounts() throws {
        var dataset = try indexedDataset(labels: [0, 1])
        dataset.labels = []
        #expect(dataset.classCounts() == [0, 0, 0, 0, 0, 0, 0])
        #expect(dataset.classWeights() == [0, 0, 0, 0, 0, 0, 0])
    }

    /// 7 images in 4 present classes: weight = 7 / (4 * count); absent classes get 0.
    @Test func balancedWeightsMatchAHandComputation() throws {
        let dataset = try indexedDataset(labels: [0, 0, 1, 3, 3, 3, 6])
        let expected: [Float] = [7.0 / 8, 7.0 / 4, 0, 7.0 / 12, 0, 0, 7.0 / 4]
        let weights = dataset.classWeights()
        #expect(weights.count == 7)
        // Exact: both are the Double quotient rounded once to Float.
        #expect(weights == expected, "\(weights) vs \(expected)")
        // "Balanced": the weights summed over all images equal the image count (each ½ ulp off, then 7 Float additions).
        let total = dataset.labels.reduce(Float(0)) { $0 + weights[$1] }
        #expect(Double(abs(total - 7)) <= Tolerance.sum(terms: 7, absoluteSum: 7, extraOperations: 1))
    }

    @Test func ferLikeImbalanceGivesDisgustTheLargestWeight() throws {
        let counts = [3995, 436, 4097, 7215, 4830, 3171, 4965]
        let weights = try indexedDataset(labels: labels(counts: counts)).classWeights()
        let expected = counts.map { Float(28709.0 / (7.0 * Double($0))) }
        #expect(weights == expected)  // the same Double quotient, rounded once to Float
        #expect(weights.firstIndex(of: weights.max()!) == 1)
    }

    @Test func subsetCarriesImagesLabelsIdsAndMasks() throws {
        let dataset = try indexedDataset(labels: [4, 5, 6, 0, 1])
        let picked = try dataset.subset([3, 0, 3])
        #expect(picked.count == 3)
        #expect(picked.images.shape == [3, 2, 2, 1])
        #expect(sourceIndices(picked) == [3, 0, 3])
        #expect(picked.labels == [0, 4, 0])
        #expect(picked.ids == [103, 100, 103])
        #expect(picked.featureMasks?.scalars == [-3, -3, -3, -3, 0, 0, 0, 0, -3, -3, -3, -3])
        #expect(picked.classNames == dataset.classNames)
    }

    @Test func subsetOfUnlabelledDataStaysUnlabelled() throws {
        var dataset = try indexedDataset(labels: [0, 1, 2])
        dataset.labels = []
        let picked = try dataset.subset([2])
        #expect(picked.labels.isEmpty)
        #expect(picked.ids == [102])
    }

    @Test func subsetRejectsOutOfRangeIndicesAndInconsistentData() throws {
        let dataset = try indexedDataset(labels: [0, 1, 2])
        let error = #expect(throws: DataError.self) { try dataset.subset([0, 3]) }
        #expect(error?.message == "subset: index 3 is out of range for a data set of 3 images")
        #expect(throws: DataError.self) { try dataset.subset([-1]) }

        var broken = dataset
        broken.labels = [0, 1]
        let mismatch = #expect(throws: DataError.self) { try broken.subset([0]) }
        #expect(mismatch?.message == "subset: the data set has 3 images but 2 labels")
    }

    @Test func shuffledIsAReproduciblePermutationThatMovesLabelsWithImages() throws {
        let dataset = try indexedDataset(labels: (0..<50).map { $0 % 7 })
        let a = try dataset.shuffled(seed: 1), again = try dataset.shuffled(seed: 1), b = try dataset.shuffled(seed: 2)
        let order = sourceIndices(a)
        #expect(order.sorted() == Array(0..<50))
        #expect(order != Array(0..<50))
        #expect(order == sourceIndices(again))
        #expect(order != sourceIndices(b))
        #expect(a.labels == order.map { $0 % 7 })
        #expect(a.ids == order.map { 100 + $0 })
    }
}
