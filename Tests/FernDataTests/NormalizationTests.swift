import FernTensor
import FernTestSupport
import Testing
@testable import FernData

/// Normalization statistics come from the training set and are then applied
/// as they are to any set.
@Suite struct NormalizationTests {
    /// 300 images of 48x48 whose pixel positions have different means and spreads.
    private func trainingSet() throws -> Dataset {
        var generator = SeededGenerator(seed: 5)
        let pixels = (0..<300 * 2304).map { i -> Float in
            let position = i % 2304
            return Float(position % 200) + Float(1 + position % 13) * 4 * generator.nextUnitFloat()
        }
        return Dataset(images: try Tensor(shape: [300, 48, 48, 1], scalars: pixels), labels: (0..<300).map { $0 % 7 })
    }

    private func meanAndStd(_ values: [Float]) -> (Double, Double) {
        let mean = values.reduce(0.0) { $0 + Double($1) } / Double(values.count)
        let variance = values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(values.count)
        return (mean, variance.squareRoot())
    }

    /// Exactly mean 0 and std 1 but for rounding: the statistics (in Double) are rounded to Float, which moves
    /// the mean by ≤ u·|μ|/σ and scales the std by 1 ± u, and each (x − μ)/σ rounds twice, relatively, so
    /// by ≤ γ(2)·max|z|: the mean of the results within u·|μ|/σ + γ(2)·max|z| of 0, their std within γ(3) of 1.
    private func expectStandardized(_ raw: [Float], _ normalized: [Float], sourceLocation: SourceLocation = #_sourceLocation) {
        let (rawMean, rawStd) = meanAndStd(raw), (mean, std) = meanAndStd(normalized)
        let largest = Double(normalized.map(abs).max()!)
        #expect(abs(mean) <= Tolerance.chain(operations: 1, magnitude: rawMean / rawStd) + Tolerance.chain(operations: 2, magnitude: largest),
                sourceLocation: sourceLocation)
        #expect(abs(std - 1) <= Tolerance.gamma(3), sourceLocation: sourceLocation)
    }

    @Test func globalNormalizationGivesMeanZeroAndStdOne() throws {
        let train = try trainingSet()
        let normalization = try Normalization.fit(train, .global)
        #expect(normalization.kind == .global && normalization.mean.count == 1)
        expectStandardized(train.images.scalars, try normalization.apply(to: train).images.scalars)
    }

    @Test func perPixelNormalizationGivesEachPositionMeanZeroAndStdOne() throws {
        let train = try trainingSet()
        let normalization = try Normalization.fit(train, .perPixel)
        #expect(normalization.mean.count == 2304 && normalization.std.count == 2304)
        let normalized = try normalization.apply(to: train).images.scalars
        for position in [0, 1, 47, 48, 1000, 2303] {
            let column = { (values: [Float]) in stride(from: position, to: values.count, by: 2304).map { values[$0] } }
            expectStandardized(column(train.images.scalars), column(normalized))
        }
    }

    /// Two 1x2 images [0, 10] and [2, 30]: per position means 1 and 20, stds 1
    /// and 10; overall mean 10.5 and population variance 563 / 4.
    @Test func fittedStatisticsMatchAHandComputation() throws {
        let dataset = Dataset(images: try Tensor(shape: [2, 1, 2, 1], scalars: [0, 10, 2, 30]), labels: [0, 1])
        let perPixel = try Normalization.fit(dataset, .perPixel)
        #expect(perPixel.mean == [1, 20] && perPixel.std == [1, 10])
        let global = try Normalization.fit(dataset, .global)
        #expect(global.mean == [10.5])
        #expect(global.std[0] == Float((563.0 / 4).squareRoot()))  // exact: the same Double √140.75, rounded to Float
        #expect(try perPixel.apply(to: dataset).images.scalars == [-1, -1, 1, 1])
    }

    @Test func otherSetsUseTheTrainingStatistics() throws {
        let train = Dataset(images: try Tensor(shape: [2, 1, 2, 1], scalars: [0, 10, 2, 30]), labels: [0, 1])
        let test = Dataset(images: try Tensor(shape: [1, 1, 2, 1], scalars: [5, 0]), labels: [], ids: [42])
        let normalized = try Normalization.fit(train, .perPixel).apply(to: test)
        let expected: [Float] = [(5 - 1) / 1, (0 - 20) / 10]
        #expect(normalized.images.scalars == expected)
        #expect(normalized.ids == [42] && normalized.labels.isEmpty)
    }

    @Test func constantPixelsAreNotDividedByZero() throws {
        let dataset = Dataset(images: try Tensor(shape: [3, 1, 2, 1], scalars: [7, 1, 7, 2, 7, 3]), labels: [0, 0, 0])
        let normalization = try Normalization.fit(dataset, .perPixel)
        #expect(normalization.std[0] == Normalization.minimumStd)
        let normalized = try normalization.apply(to: dataset).images.scalars
        #expect(normalized.allSatisfy { $0.isFinite })
        #expect(normalized[0] == 0 && normalized[2] == 0)
    }

    @Test func scalingBy1Over255MapsPixelsTo0Through1() throws {
        let dataset = Dataset(images: try Tensor(shape: [1, 1, 3, 1], scalars: [0, 51, 255]), labels: [2])
        let scaled = try Normalization.scaled(by: 1 / 255).apply(to: dataset)
        let expected: [Float] = [0, 0.2, 1]
        // x / (1 / (1/255)): three roundings, and the expected 0.2's own half ulp.
        for (value, want) in zip(scaled.images.scalars, expected) { #expect(Double(abs(value - want)) <= Tolerance.chain(operations: 4, magnitude: Double(want))) }
        #expect(scaled.labels == [2])
    }

    @Test func perPixelStatisticsMustMatchTheImageSize() throws {
        let small = Dataset(images: try Tensor(shape: [1, 1, 2, 1], scalars: [1, 2]), labels: [0])
        let normalization = try Normalization.perPixel(mean: [0, 0, 0], std: [1, 1, 1])
        let error = #expect(throws: DataError.self) { try normalization.apply(to: small) }
        #expect(error?.message.contains("3 values") == true)
        #expect(throws: DataError.self) { try Normalization.global(mean: 0, std: 0) }
        #expect(throws: DataError.self) { try Normalization.scaled(by: 0) }
        #expect(throws: DataError.self) { try Normalization.perPixel(mean: [0], std: [1, 1]) }
        #expect(throws: DataError.self) { try Normalization.fit(try small.subset([]), .global) }
    }
}
