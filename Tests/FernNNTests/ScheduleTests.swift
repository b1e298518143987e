import FernTensor
import FernTestSupport
import Foundation
import Testing
@testable import FernNN

@Suite struct ScheduleTests {
    @Test func constantRateNeverChanges() {
        var schedule = LearningRateSchedule.constant(0.01)
        schedule.observe(loss: 1)
        schedule.observe(loss: 2)
        #expect([0, 1, 10, 1000].map { schedule.rate(epoch: $0) } == [0.01, 0.01, 0.01, 0.01])
    }

    @Test func stepScheduleHalvesEveryTenEpochs() throws {
        let schedule = try LearningRateSchedule.step(0.1, every: 10, factor: 0.5)
        // Epochs 0–9: 0.1; 10–19: 0.1·0.5 = 0.05; 20–25: 0.1·0.5² = 0.025.
        let expected = Array(repeating: 0.1, count: 10) + Array(repeating: 0.05, count: 10) + Array(repeating: 0.025, count: 6)
        // Float(0.1) is one rounding; powf of 0.5 and the product are exact.
        expectClose((0...25).map { schedule.rate(epoch: $0) }, expected, tolerance: Tolerance.chain(operations: 1, magnitude: 0.1))
    }

    @Test func stepScheduleRejectsNonPositiveSettings() {
        expectError(containing: ["every > 0"]) { _ = try LearningRateSchedule.step(0.1, every: 0, factor: 0.5) }
        expectError(containing: ["factor > 0"]) { _ = try LearningRateSchedule.step(0.1, every: 5, factor: 0) }
    }

    @Test func cosineFallsFromStartToFloorAndStaysThere() throws {
        let schedule = try LearningRateSchedule.cosine(0.1, totalEpochs: 10, minimumRate: 0.01)
        // rate = 0.01 + (0.1 − 0.01)·½·(1 + cos(π·epoch/10)), in Float: the two rates and π rounded, epoch/10,
        // the subtraction, cos (1.5 ulps), 1 + cos, two products and the sum: 12 roundings of values ≤ 0.1.
        let tolerance = Tolerance.chain(operations: 12, magnitude: 0.1)
        expectClose(schedule.rate(epoch: 0), 0.1, tolerance: tolerance)                                   // cos 0 = 1
        expectClose(schedule.rate(epoch: 2), 0.01 + 0.09 * 0.5 * (1 + 0.809016994), tolerance: tolerance) // cos(π/5)
        expectClose(schedule.rate(epoch: 5), 0.055, tolerance: tolerance)                                 // cos(π/2) = 0
        expectClose(schedule.rate(epoch: 10), 0.01, tolerance: tolerance)                                 // cos π = −1
        expectClose(schedule.rate(epoch: 15), 0.01, tolerance: tolerance)                                 // past the end: the floor
        expectClose(schedule.rate(epoch: 1000), 0.01, tolerance: tolerance)
        expectError(containing: ["totalEpochs > 0"]) { _ = try LearningRateSchedule.cosine(0.1, totalEpochs: 0) }
    }

    /// Keras' ReduceLROnPlateau, and this type's own documentation ("multiply
    /// by `factor` after `patience` epochs without improvement"): with
    /// patience 2 the rate drops as soon as the second epoch in a row fails
    /// to improve, and the count starts again.
    @Test func plateauDropsTheRateAfterPatienceEpochsWithoutImprovement() throws {
        var schedule = try LearningRateSchedule.reduceOnPlateau(0.1, factor: 0.5, patience: 2, minimumRate: 0.001)
        var rates: [Float] = []
        for loss: Float in [1.0, 0.9, 0.95, 0.92, 0.93, 0.91, 0.5, 0.6] {
            schedule.observe(loss: loss)
            rates.append(schedule.rate(epoch: rates.count + 1))
        }
        // 1.0, 0.9 improve; 0.95, 0.92 do not → ×0.5 after 0.92;
        // 0.93, 0.91 do not → ×0.5 again; 0.5 improves (count restarts); 0.6 is one bad epoch only.
        #expect(rates == [0.1, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.025])
    }

    @Test func plateauNeverGoesBelowTheMinimumRate() throws {
        var schedule = try LearningRateSchedule.reduceOnPlateau(0.1, factor: 0.5, patience: 1, minimumRate: 0.02)
        schedule.observe(loss: 1)
        var rates: [Float] = []
        for _ in 0..<20 {
            schedule.observe(loss: 2)
            rates.append(schedule.rate(epoch: 0))
        }
        // Patience 1: every bad epoch halves the rate, 0.1 → 0.05 → 0.025 → max(0.0125, 0.02) = 0.02, then it stays.
        #expect(zip(rates, rates.dropFirst()).allSatisfy { $0 >= $1 })
        #expect(Set(rates) == [0.05, 0.025, 0.02])
        #expect(rates.last == 0.02)
    }

    @Test func plateauIgnoresNonFiniteLosses() throws {
        var schedule = try LearningRateSchedule.reduceOnPlateau(0.1, factor: 0.5, patience: 0)
        schedule.observe(loss: 1)
        schedule.observe(loss: .nan)
        schedule.observe(loss: .infinity)
        #expect(schedule.rate(epoch: 3) == 0.1)
        #expect(schedule.epochsWithoutImprovement == 0)
    }

    @Test func plateauRejectsBadSettings() {
        expectError(containing: ["factor in (0, 1)"]) { _ = try LearningRateSchedule.reduceOnPlateau(0.1, factor: 1) }
        expectError(containing: ["patience"]) { _ = try LearningRateSchedule.reduceOnPlateau(0.1, patience: -1) }
    }

    /// Checkpoints store the schedule as JSON, so every kind must encode,
    /// including the fresh ones whose plateau `best` is still +∞.
    @Test func everyScheduleSurvivesAJSONRoundTrip() throws {
        var observed = try LearningRateSchedule.reduceOnPlateau(0.1, factor: 0.5, patience: 1)
        observed.observe(loss: 1)
        observed.observe(loss: 2)
        let schedules = [observed, .constant(0.01), try .step(0.1, every: 3, factor: 0.5),
                         try .cosine(0.1, totalEpochs: 5), try .reduceOnPlateau(0.1)]
        for schedule in schedules {
            #expect(throws: Never.self, "\(schedule.kind)") {
                let decoded = try JSONDecoder().decode(LearningRateSchedule.self, from: JSONEncoder().encode(schedule))
                #expect(decoded == schedule)
            }
        }
    }
}
