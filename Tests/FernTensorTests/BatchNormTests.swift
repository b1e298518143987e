import FernTestSupport
import Foundation
import Testing
@testable import FernTensor

/// Batch normalization checked against a hand computation: per channel (the
/// last axis), mean and biased variance over every other axis, then
/// γ·(x − mean)/√(var + ε) + β; running statistics move as
/// running = momentum·running + (1 − momentum)·batch; inference uses them.
@Suite struct BatchNormTests {

    /// Per-channel mean and biased variance, in Double.
    static func moments(_ x: Tensor) -> (mean: [Double], variance: [Double]) {
        let channels = x.shape.last!, rows = x.count / channels
        var mean = [Double](repeating: 0, count: channels), variance = mean
        for r in 0..<rows { for c in 0..<channels { mean[c] += Double(x.scalars[r * channels + c]) / Double(rows) } }
        for r in 0..<rows {
            for c in 0..<channels {
                let d = Double(x.scalars[r * channels + c]) - mean[c]
                variance[c] += d * d / Double(rows)
            }
        }
        return (mean, variance)
    }

    static func normalized(_ x: Tensor, mean: [Double], variance: [Double], gamma: Tensor, beta: Tensor,
                           epsilon: Double) -> Tensor {
        let channels = x.shape.last!
        let values = x.scalars.enumerated().map { i, v -> Float in
            let c = i % channels
            return Float(Double(gamma.scalars[c]) * (Double(v) - mean[c]) / (variance[c] + epsilon).squareRoot()
                         + Double(beta.scalars[c]))
        }
        return try! Tensor(shape: x.shape, scalars: values)
    }

    /// How far Float batch moments over `rows` values per channel may be from the exact ones, in any
    /// summation order: the mean is a sum of the rows, divided (or scaled by a rounded 1/rows); the
    /// variance a sum of (x − μ)² (two roundings a term), or E[x²] − μ² in one pass: mean(x²) bounds
    /// its terms either way, plus 2|μ|·δμ + δμ² for the mean's error.
    static func momentErrors(_ x: Tensor, mean: [Double]) -> (mean: [Double], variance: [Double]) {
        let channels = x.shape.last!, rows = x.count / channels
        var absolute = [Double](repeating: 0, count: channels), squares = absolute
        for (i, v) in x.scalars.enumerated() {
            absolute[i % channels] += Double(Swift.abs(v)) / Double(rows)
            squares[i % channels] += Double(v) * Double(v) / Double(rows)
        }
        let meanError = absolute.map { Tolerance.sum(terms: rows, absoluteSum: $0, extraOperations: 2) }
        return (meanError, (0..<channels).map { c in
            Tolerance.sum(terms: rows, absoluteSum: squares[c], extraOperations: 4) + meanError[c] * (2 * Swift.abs(mean[c]) + meanError[c])
        })
    }

    /// How far a Float batch norm may be from `normalized`, given statistics off by `errors`: their
    /// effect through ∂y/∂μ and ∂y/∂σ², then a chain of at most 6 roundings (subtract, add ε, square
    /// root, divide, scale, shift, in any grouping such as x·a + (β − μ·a)) of terms no larger than
    /// |γ|·(|x| + |μ|)/√(σ² + ε) + |β|, and the reference's own rounding.
    static func normalizedBounds(_ x: Tensor, mean: [Double], variance: [Double], gamma: Tensor, beta: Tensor,
                                 epsilon: Double, errors: (mean: [Double], variance: [Double])) -> [Double] {
        let channels = x.shape.last!
        return x.scalars.enumerated().map { i, v in
            let c = i % channels, g = Double(Swift.abs(gamma.scalars[c])), deviation = (variance[c] + epsilon).squareRoot()
            return g * errors.mean[c] / deviation
                + g * Swift.abs(Double(v) - mean[c]) / deviation * errors.variance[c] / (2 * deviation * deviation)
                + Tolerance.chain(operations: 7, magnitude: g * (Swift.abs(Double(v)) + Swift.abs(mean[c])) / deviation
                                                            + Double(Swift.abs(beta.scalars[c])))
        }
    }

    /// No error in given (running) statistics.
    static func exact(_ channels: Int) -> (mean: [Double], variance: [Double]) {
        ([Double](repeating: 0, count: channels), [Double](repeating: 0, count: channels))
    }

    // [4, 32, 32, 8] is big enough for the per-channel loops to be split across cores.
    @Test(arguments: [[8, 3], [2, 3, 4, 5], [5, 1], [4, 32, 32, 8]])
    func trainingNormalizesWithBatchMeanAndBiasedVariance(shape: [Int]) throws {
        try withEachKernels {
            let channels = shape.last!
            let x = try randomTensor(shape, seed: 1, low: -2, high: 3)
            let gamma = try randomTensor([channels], seed: 2, low: 0.5, high: 2)
            let beta = try randomTensor([channels], seed: 3)
            var statistics = BatchNormStatistics(channels: channels)
            let y = try Tensor.batchNorm(x, gamma: gamma, beta: beta, statistics: &statistics, training: true,
                                         momentum: 0.9, epsilon: 1e-3)
            let (mean, variance) = Self.moments(x)
            ConvolutionTests.expectClose(y, Self.normalized(x, mean: mean, variance: variance, gamma: gamma, beta: beta, epsilon: 1e-3),
                                         within: Self.normalizedBounds(x, mean: mean, variance: variance, gamma: gamma, beta: beta,
                                                                       epsilon: 1e-3, errors: Self.momentErrors(x, mean: mean)),
                                         "batchNorm \(shape) \(Kernels.override!)")
        }
    }

    @Test func trainingOutputHasZeroMeanAndUnitVariancePerChannelBeforeTheAffineStep() throws {
        try withEachKernels {
            let x = try randomTensor([4, 3, 3, 2], seed: 5, low: 10, high: 20)
            var statistics = BatchNormStatistics(channels: 2)
            let (ones, zeros) = (try Tensor.ones([2]), try Tensor.zeros([2]))
            let y = try Tensor.batchNorm(x, gamma: ones, beta: zeros, statistics: &statistics, training: true, epsilon: 1e-6)
            let (mean, variance) = Self.moments(y)
            // Exactly: mean 0 and variance σ²/(σ² + ε). Each y is within `bound` of its exact value, which moves
            // the mean by at most `bound` and the variance by at most 4·bound·(max|y| + bound).
            let (xMean, xVariance) = Self.moments(x)
            let bound = Self.normalizedBounds(x, mean: xMean, variance: xVariance, gamma: ones, beta: zeros, epsilon: 1e-6,
                                              errors: Self.momentErrors(x, mean: xMean)).max()!
            let largest = Double(y.scalars.map(Swift.abs).max()!)
            for c in 0..<2 {
                #expect(Swift.abs(mean[c]) <= bound)
                #expect(Swift.abs(variance[c] - xVariance[c] / (xVariance[c] + 1e-6)) <= 4 * bound * (largest + bound))
            }
        }
    }

    @Test func trainingMovesRunningStatisticsTowardTheBatch() throws {
        try withEachKernels {
            let x = try randomTensor([6, 2, 2, 3], seed: 7, low: -1, high: 4)
            let startMean: [Float] = [0.5, -1, 2], startVariance: [Float] = [1, 0.25, 3]
            var statistics = BatchNormStatistics(mean: try Tensor(shape: [3], scalars: startMean),
                                                 variance: try Tensor(shape: [3], scalars: startVariance))
            _ = try Tensor.batchNorm(x, gamma: Tensor.ones([3]), beta: Tensor.zeros([3]), statistics: &statistics,
                                     training: true, momentum: 0.8)
            let (mean, variance) = Self.moments(x)
            let errors = Self.momentErrors(x, mean: mean)
            for c in 0..<3 {
                // Keras' convention, with the biased batch variance.
                let expectedMean = 0.8 * Double(startMean[c]) + 0.2 * mean[c]
                let expectedVariance = 0.8 * Double(startVariance[c]) + 0.2 * variance[c]
                // The batch statistic's error, scaled by 0.2, plus the update's 3 roundings and Float(0.8)'s own.
                let meanBound = 0.2 * errors.mean[c] + Tolerance.chain(operations: 4, magnitude: Double(Swift.abs(startMean[c])) + Swift.abs(mean[c]))
                let varianceBound = 0.2 * errors.variance[c] + Tolerance.chain(operations: 4, magnitude: Double(startVariance[c]) + variance[c])
                #expect(Swift.abs(Double(statistics.mean.scalars[c]) - expectedMean) <= meanBound, "mean of channel \(c)")
                #expect(Swift.abs(Double(statistics.variance.scalars[c]) - expectedVariance) <= varianceBound, "variance of channel \(c)")
            }
        }
    }

    @Test func freshStatisticsStartAtZeroMeanAndUnitVariance() {
        let statistics = BatchNormStatistics(channels: 4)
        #expect(statistics.mean.scalars == [0, 0, 0, 0])
        #expect(statistics.variance.scalars == [1, 1, 1, 1])
    }

    @Test func repeatedTrainingOnOneBatchConvergesToItsStatistics() throws {
        try withEachKernels {
            let x = try randomTensor([16, 2], seed: 9, low: 3, high: 5)
            var statistics = BatchNormStatistics(channels: 2)
            for _ in 0..<200 {
                _ = try Tensor.batchNorm(x, gamma: Tensor.ones([2]), beta: Tensor.zeros([2]), statistics: &statistics,
                                         training: true, momentum: 0.9)
            }
            let (mean, variance) = Self.moments(x)
            let errors = Self.momentErrors(x, mean: mean)
            // running ← 0.9·running + 0.1·batch has the batch statistic as its fixed point; what is left of the start
            // (0 and 1) after 200 steps is 0.9²⁰⁰ of it, and each step's 3 roundings decay by 0.9 a step: at most
            // 10 steps' worth stay.
            let left = Foundation.pow(0.9, 200.0)
            for c in 0..<2 {
                let meanBound = errors.mean[c] + left * Swift.abs(mean[c]) + 10 * Tolerance.chain(operations: 3, magnitude: Swift.abs(mean[c]))
                let varianceBound = errors.variance[c] + left * Swift.abs(1 - variance[c]) + 10 * Tolerance.chain(operations: 3, magnitude: variance[c])
                #expect(Swift.abs(Double(statistics.mean.scalars[c]) - mean[c]) <= meanBound)
                #expect(Swift.abs(Double(statistics.variance.scalars[c]) - variance[c]) <= varianceBound)
            }
        }
    }

    @Test(arguments: [[5, 3], [2, 3, 3, 3]])
    func inferenceUsesRunningStatisticsAndLeavesThemAlone(shape: [Int]) throws {
        try withEachKernels {
            let x = try randomTensor(shape, seed: 11, low: -3, high: 3)
            let gamma = try randomTensor([3], seed: 12, low: 0.5, high: 2)
            let beta = try randomTensor([3], seed: 13)
            let runningMean: [Float] = [0.3, -0.7, 1.5], runningVariance: [Float] = [0.5, 2, 4]
            var statistics = BatchNormStatistics(mean: try Tensor(shape: [3], scalars: runningMean),
                                                 variance: try Tensor(shape: [3], scalars: runningVariance))
            let y = try Tensor.batchNorm(x, gamma: gamma, beta: beta, statistics: &statistics, training: false,
                                         epsilon: 1e-3)
            let (mean, variance) = (runningMean.map(Double.init), runningVariance.map(Double.init))
            ConvolutionTests.expectClose(y, Self.normalized(x, mean: mean, variance: variance, gamma: gamma, beta: beta, epsilon: 1e-3),
                                         within: Self.normalizedBounds(x, mean: mean, variance: variance, gamma: gamma, beta: beta,
                                                                       epsilon: 1e-3, errors: Self.exact(3)),
                                         "inference \(shape)")
            #expect(statistics.mean.scalars == runningMean)
            #expect(statistics.variance.scalars == runningVariance)
        }
    }

    @Test func inferenceOnASingleRowWorks() throws {
        try withEachKernels {
            // Only training needs more than one value per channel.
            var statistics = BatchNormStatistics(channels: 2)
            let x = try Tensor(shape: [1, 2], scalars: [2, -1])
            let y = try Tensor.batchNorm(x, gamma: Tensor.ones([2]), beta: Tensor.zeros([2]), statistics: &statistics,
                                         training: false, epsilon: 0)
            #expect(y.scalars == [2, -1])
        }
    }

    // MARK: Gradients

    static func inputs(_ shape: [Int], seed: UInt64) throws -> [Tensor] {
        let channels = shape.last!
        return [try randomTensor(shape, seed: seed, low: -2, high: 2),
                try randomTensor([channels], seed: seed + 1, low: 0.5, high: 1.5),
                try randomTensor([channels], seed: seed + 2)]
    }

    @Test(arguments: [[6, 3], [2, 3, 3, 2], [4, 32, 32, 8]])
    func trainingGradientsWrtInputGammaAndBetaMatchFiniteDifferences(shape: [Int]) throws {
        try withEachKernels {
            let channels = shape.last!
            try expectGradientsMatchFiniteDifferences({ xs in
                // A fresh copy per evaluation: the running averages must not leak between probes.
                var statistics = BatchNormStatistics(channels: channels)
                return try Tensor.batchNorm(xs[0], gamma: xs[1], beta: xs[2], statistics: &statistics, training: true)
            }, at: try Self.inputs(shape, seed: 21))
        }
    }

    @Test(arguments: [[6, 3], [2, 3, 3, 2]])
    func inferenceGradientsWrtInputGammaAndBetaMatchFiniteDifferences(shape: [Int]) throws {
        try withEachKernels {
            let channels = shape.last!
            let mean = try randomTensor([channels], seed: 31)
            let variance = try randomTensor([channels], seed: 32, low: 0.3, high: 2)
            try expectGradientsMatchFiniteDifferences({ xs in
                var statistics = BatchNormStatistics(mean: mean, variance: variance)
                return try Tensor.batchNorm(xs[0], gamma: xs[1], beta: xs[2], statistics: &statistics, training: false)
            }, at: try Self.inputs(shape, seed: 41))
        }
    }

    @Test func trainingInputGradientIsOrthogonalToConstantShifts() throws {
        try withEachKernels {
            // The output does not change when a constant is added to a channel, so Σ dL/dx over a channel is 0.
            let x = try randomTensor([10, 3], seed: 51).requiringGrad()
            let weights = try randomTensor([10, 3], seed: 52)
            var statistics = BatchNormStatistics(channels: 3)
            let y = try Tensor.batchNorm(x, gamma: Tensor.full([3], 1.7), beta: Tensor.zeros([3]),
                                         statistics: &statistics, training: true)
            let dx = try gradients(of: (y * weights).sum(), wrt: [x])[0]
            // dx = γ/σ·(g − mean(g) − x̂·mean(g·x̂)): each a sum over the 10 rows of terms up to
            // |γ/σ|·(|g| + mean|g| + |x̂|·mean|g·x̂|), within γ(16) of them; the computed x̂ sum to 10·δμ/σ, not 0;
            // and this test's own Float sum adds γ(9)·Σ|dx|.
            let (mean, variance) = Self.moments(x)
            let meanErrors = Self.momentErrors(x, mean: mean).mean
            for c in 0..<3 {
                let deviation = (variance[c] + 1e-3).squareRoot(), scale = 1.7 / deviation
                let rows = (0..<10).map { (g: Double(weights.scalars[$0 * 3 + c]), xHat: (Double(x.scalars[$0 * 3 + c]) - mean[c]) / deviation) }
                let meanG = rows.map { Swift.abs($0.g) }.reduce(0, +) / 10, meanGX = rows.map { Swift.abs($0.g * $0.xHat) }.reduce(0, +) / 10
                let terms = rows.map { scale * (Swift.abs($0.g) + meanG + Swift.abs($0.xHat) * meanGX) }.reduce(0, +)
                let absoluteDx = (0..<10).map { Double(Swift.abs(dx.scalars[$0 * 3 + c])) }.reduce(0, +)
                let bound = Tolerance.chain(operations: 16, magnitude: terms) + scale * 10 * meanErrors[c] / deviation * meanGX
                    + Tolerance.sum(terms: 10, absoluteSum: absoluteDx)
                let total = (0..<10).reduce(Float(0)) { $0 + dx.scalars[$1 * 3 + c] }
                #expect(Double(Swift.abs(total)) <= bound, "channel \(c): Σ dx = \(total)")
            }
        }
    }

    // MARK: Errors

    @Test func trainingWithOneValuePerChannelIsAnError() throws {
        var statistics = BatchNormStatistics(channels: 3)
        ConvolutionTests.expectError("batchNorm", mentioning: ["[1, 3]"]) {
            try Tensor.batchNorm(Tensor.zeros([1, 3]), gamma: Tensor.ones([3]), beta: Tensor.zeros([3]),
                                 statistics: &statistics, training: true)
        }
    }

    @Test func parameterWithTheWrongChannelCountIsAnErrorNamingBothShapes() throws {
        var statistics = BatchNormStatistics(channels: 3)
        ConvolutionTests.expectError("batchNorm", mentioning: ["[4, 3]", "[2]", "gamma"]) {
            try Tensor.batchNorm(Tensor.zeros([4, 3]), gamma: Tensor.ones([2]), beta: Tensor.zeros([3]),
                                 statistics: &statistics, training: true)
        }
        var wrongStatistics = BatchNormStatistics(channels: 4)
        ConvolutionTests.expectError("batchNorm", mentioning: ["[4, 3]", "[4]", "running mean"]) {
            try Tensor.batchNorm(Tensor.zeros([4, 3]), gamma: Tensor.ones([3]), beta: Tensor.zeros([3]),
                                 statistics: &wrongStatistics, training: false)
        }
    }

    @Test func zeroChannelsIsAnEmptyResultOrAnErrorNotACrash() async {
        // A [rows, 0] input has nothing to normalize; it must return an empty tensor or throw, not trap.
        // Runs in a child process so a crash fails this test instead of killing the whole run.
        await #expect(processExitsWith: .success) {
            var statistics = BatchNormStatistics(channels: 0)
            do {
                let y = try Tensor.batchNorm(Tensor.zeros([4, 0]), gamma: Tensor.zeros([0]), beta: Tensor.zeros([0]),
                                             statistics: &statistics, training: false)
                precondition(y.shape == [4, 0], "unexpected shape \(y.shape)")
            } catch {
                precondition(error is TensorError, "unexpected error \(error)")
            }
        }
    }

    @Test func rank1InputIsAnError() throws {
        var statistics = BatchNormStatistics(channels: 3)
        ConvolutionTests.expectError("batchNorm", mentioning: ["[3]"]) {
            try Tensor.batchNorm(Tensor.zeros([3]), gamma: Tensor.ones([3]), beta: Tensor.zeros([3]),
                                 statistics: &statistics, training: false)
        }
    }
}
