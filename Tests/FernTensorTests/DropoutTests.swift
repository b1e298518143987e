import FernTestSupport
import Testing
@testable import FernTensor

/// Inverted dropout: in training each element is zeroed with probability
/// `rate` and survivors are scaled by 1/(1 − rate), so the expected value is
/// unchanged; in inference it is the identity.
@Suite struct DropoutTests {

    @Test(arguments: [Float(0.1), 0.3, 0.5, 0.8])
    func trainingZeroesAboutRateOfTheElementsAndScalesSurvivors(rate: Float) throws {
        let x = try randomTensor([200, 500], seed: 1, low: 0.5, high: 1.5)  // never zero itself
        var generator = SeededGenerator(seed: 42)
        let y = try x.dropout(rate: rate, training: true, using: &generator)
        #expect(y.shape == x.shape)

        var zeros = 0
        for (input, output) in zip(x.scalars, y.scalars) {
            if output == 0 {
                zeros += 1
            } else if Double(Swift.abs(output - input / (1 - rate))) > Tolerance.chain(operations: 3, magnitude: Double(Swift.abs(output))) {
                // Fern multiplies by 1/(1 − rate), two roundings, where this divides, one (1 − rate is rounded alike).
                Issue.record("survivor \(input) became \(output), expected \(input / (1 - rate))")
                break
            }
        }
        // 100 000 Bernoulli draws: the standard deviation of the fraction is at most 0.0016.
        let fraction = Double(zeros) / Double(x.count)
        #expect(Swift.abs(fraction - Double(rate)) < 0.01, "zeroed fraction \(fraction) for rate \(rate)")
    }

    @Test func maskDoesNotDependOnHowTheWorkIsSplitAcrossCores() throws {
        // 10 elements run on one thread, 200 000 on all cores: the first 10 decisions agree.
        let small = Tensor(repeating: 1, shape: [10]), large = Tensor(repeating: 1, shape: [200_000])
        var a = SeededGenerator(seed: 9), b = SeededGenerator(seed: 9)
        let ys = try small.dropout(rate: 0.5, training: true, using: &a)
        let yl = try large.dropout(rate: 0.5, training: true, using: &b)
        #expect(ys.scalars == Array(yl.scalars[0..<10]))
        #expect(Set(yl.scalars) == [0, 2])
        // Neighbouring elements are independent: runs of equal decisions are as short as for coin flips.
        let changes = zip(yl.scalars.dropFirst(), yl.scalars).filter { $0 != $1 }.count
        #expect(Swift.abs(Double(changes) / Double(yl.count) - 0.5) < 0.01, "\(changes) changes")
    }

    @Test func trainingPreservesTheMeanApproximately() throws {
        let x = try randomTensor([100_000], seed: 2, low: 0, high: 2)
        var generator = SeededGenerator(seed: 3)
        let y = try x.dropout(rate: 0.4, training: true, using: &generator)
        let meanX = x.scalars.reduce(0.0) { $0 + Double($1) } / Double(x.count)
        let meanY = y.scalars.reduce(0.0) { $0 + Double($1) } / Double(y.count)
        #expect(Swift.abs(meanY - meanX) < 0.02 * meanX, "mean \(meanX) became \(meanY)")
    }

    @Test func inferenceIsTheIdentity() throws {
        let x = try randomTensor([7, 9], seed: 4)
        var generator = SeededGenerator(seed: 5)
        #expect(try x.dropout(rate: 0.5, training: false, using: &generator).scalars == x.scalars)
        #expect(try x.dropout(rate: 0, training: true, using: &generator).scalars == x.scalars)
    }

    @Test func inferenceGradientPassesThroughUnchanged() throws {
        let x = try randomTensor([4, 5], seed: 6).requiringGrad()
        let weights = try randomTensor([4, 5], seed: 7)
        var generator = SeededGenerator(seed: 8)
        let dx = try gradients(of: (x.dropout(rate: 0.5, training: false, using: &generator) * weights).sum(), wrt: [x])[0]
        #expect(dx.scalars == weights.scalars)
    }

    @Test func sameSeedGivesTheSameMaskAndAnotherSeedADifferentOne() throws {
        let x = try Tensor.ones([1000])
        var a = SeededGenerator(seed: 123), b = SeededGenerator(seed: 123), c = SeededGenerator(seed: 124)
        let ya = try x.dropout(rate: 0.5, training: true, using: &a)
        let yb = try x.dropout(rate: 0.5, training: true, using: &b)
        let yc = try x.dropout(rate: 0.5, training: true, using: &c)
        #expect(ya.scalars == yb.scalars)
        #expect(ya.scalars != yc.scalars)
        // The generator advances: the next call with it draws a new mask.
        let next = try x.dropout(rate: 0.5, training: true, using: &a)
        #expect(next.scalars != ya.scalars)
    }

    @Test func gradientIsTheUpstreamGradientTimesTheMaskScale() throws {
        let x = try randomTensor([30, 40], seed: 9, low: 0.5, high: 1.5).requiringGrad()
        let weights = try randomTensor([30, 40], seed: 10)
        var generator = SeededGenerator(seed: 11)
        let y = try x.dropout(rate: 0.25, training: true, using: &generator)
        let dx = try gradients(of: (y * weights).sum(), wrt: [x])[0]
        // y = x · m with m ∈ {0, 1/(1 − rate)}, read off the output since x is never 0; dL/dx = weights · m.
        let mask = y.scalars.map { $0 == 0 ? Float(0) : 1 / 0.75 }
        // Exact: the same product upstream · (1/0.75) (1 − 0.25 is exact), rounded once either way.
        let wrong = (0..<x.count).filter { dx.scalars[$0] != weights.scalars[$0] * mask[$0] }
        #expect(wrong.isEmpty, "\(wrong.count) gradient elements differ from upstream · mask, first at \(wrong.first ?? -1)")
        let dropped = mask.filter { $0 == 0 }.count
        #expect(dropped > 0 && dropped < x.count)
    }

    @Test(arguments: [Float(1), 1.5, -0.1, .nan])
    func rateOutsideZeroToOneIsAnError(rate: Float) throws {
        var generator = SeededGenerator(seed: 1)
        let x = try Tensor.ones([3])
        ConvolutionTests.expectError("dropout", mentioning: ["rate"]) {
            try x.dropout(rate: rate, training: true, using: &generator)
        }
    }
}
