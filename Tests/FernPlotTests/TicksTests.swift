import Testing
@testable import FernPlot

/// Nice tick values (1-2-5 steps) and the labels printed on axes and data.
@Suite struct TicksTests {
    @Test func unitRangeGetsTenthsInStepsOfTwo() {
        #expect(niceTicks(from: 0, to: 1, intervals: 5) == [0, 0.2, 0.4, 0.6, 0.8, 1])
    }

    @Test func stepsAreOneTwoOrFiveTimesAPowerOfTen() {
        #expect(niceTicks(from: 0, to: 100, intervals: 5) == [0, 20, 40, 60, 80, 100])
        #expect(niceTicks(from: -1, to: 1, intervals: 4) == [-1, -0.5, 0, 0.5, 1])
        #expect(niceTicks(from: 0.013, to: 0.087, intervals: 5) == [0.02, 0.04, 0.06, 0.08])
        #expect(niceTicks(from: 0, to: 5012, intervals: 6) == [0, 1000, 2000, 3000, 4000, 5000])
        #expect(niceTicks(from: 0.3, to: 0.72, intervals: 5) == [0.3, 0.4, 0.5, 0.6, 0.7])
    }

    @Test func stepGivesTheTickCountClosestToTheWantedOne() {
        // 8353 / 3.8 is just above 2000: 2000 (4.2 parts) is closer than 5000 (1.7 parts).
        #expect(niceTicks(from: 0, to: 8353, intervals: 3.8) == [0, 2000, 4000, 6000, 8000])
        #expect(niceTicks(from: 0.53, to: 2.47, intervals: 8.2) == [0.6, 0.8, 1, 1.2, 1.4, 1.6, 1.8, 2, 2.2, 2.4])
    }

    @Test func integerTicksNeverStepBelowOne() {
        #expect(niceTicks(from: 1, to: 3, intervals: 8, integers: true) == [1, 2, 3])
        #expect(niceTicks(from: 0.6, to: 10.4, intervals: 6, integers: true) == [2, 4, 6, 8, 10])
    }

    @Test func tickLabelsShareTheDecimalsTheStepNeeds() {
        #expect(tickLabels(for: [0, 0.2, 0.4]) == ["0.0", "0.2", "0.4"])
        #expect(tickLabels(for: [-0.05, 0, 0.05]) == ["-0.05", "0.00", "0.05"])
        #expect(tickLabels(for: [0, 1000, 2000]) == ["0", "1000", "2000"])
    }

    @Test func valueLabelsPrintWholeNumbersAsIntegersAndOthersWithThreeSignificantDigits() {
        #expect(valueLabels([4772, 436, 0, -3]) == ["4772", "436", "0", "-3"])
        #expect(valueLabels([0.6523, 0.1, 12.5, -2.25, 1234.56]) == ["0.652", "0.1", "12.5", "-2.25", "1235"])
        #expect(valueLabels([0.000012]) == ["1.2e-05"])
        #expect(valueLabels([1, 0.5, 0.8312], decimals: 2) == ["1.00", "0.50", "0.83"])
    }
}
