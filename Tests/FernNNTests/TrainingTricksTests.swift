import FernData
import Foundation
import Testing
@testable import FernNN
import FernTensor

/// The accuracy tricks of the training recipe, each on its own: label smoothing, mixup, CutMix,
/// warm-up + cosine and one-cycle schedules, and the moving average of the weights.
@Suite struct TrainingTricksTests {
    private let images: Tensor
    private let labels = [0, 1, 2, 1, 0, 2]

    init() throws {
        var generator = SeededGenerator(seed: 5)
        images = try Tensor.randomNormal([6, 4, 4, 1], using: &generator)
    }

    @Test func labelSmoothingSpreadsItsShareOverAllClasses() throws {
        var generator = SeededGenerator(seed: 1)
        let (same, targets) = try SoftTargets(smoothing: 0.1, mixupAlpha: 0, cutMixAlpha: 0)
            .apply(images, labels: labels, classes: 3, using: &generator)
        #expect(same.scalars == images.scalars)
        for (row, label) in labels.enumerated() {
            for j in 0..<3 {
                let expected: Float = j == label ? 0.9 + 0.1 / 3 : 0.1 / 3
                // Each side is a chain of at most three roundings of values at most 1.
                #expect(Swift.abs(Double(targets.scalars[row * 3 + j] - expected)) <= 2 * Tolerance.chain(operations: 3, magnitude: 1))
            }
        }
    }

    /// Each mixed image is λ·itself + (1-λ)·one partner, and its target the same blend of labels.
    @Test func mixupBlendsImagesAndTargetsInOneProportion() throws {
        var generator = SeededGenerator(seed: 2)
        let (mixed, targets) = try SoftTargets(smoothing: 0, mixupAlpha: 0.4, cutMixAlpha: 0)
            .apply(images, labels: labels, classes: 3, using: &generator)
        let size = 16
        for row in 0..<6 {
            let own = targets.scalars[row * 3 + labels[row]]
            // The partner whose blend reproduces the row.
            let found = (0..<6).contains { partner in
                let lambda = labels[partner] == labels[row] ? nil : own
                return (0..<size).allSatisfy { k in
                    let a = images.scalars[row * size + k], b = images.scalars[partner * size + k]
                    let m = mixed.scalars[row * size + k]
                    // λa + (1-λ)b: four roundings on each side, of terms up to |a| + |b|.
                    let rounding = Float(2 * Tolerance.chain(operations: 4, magnitude: Double(Swift.abs(a) + Swift.abs(b))))
                    if let lambda { return Swift.abs(m - (lambda * a + (1 - lambda) * b)) <= rounding }
                    // Same label: λ is not visible in the target; the pixel lies between the two.
                    return m >= min(a, b) - rounding && m <= max(a, b) + rounding
                }
            }
            #expect(found, "row \(row) is no blend of itself and a partner")
            // Three targets (each a few roundings of values at most 1) and their sum's two roundings.
            #expect(Swift.abs(Double(targets.scalars[(row * 3)..<(row * 3 + 3)].reduce(0, +) - 1))
                    <= 3 * Tolerance.chain(operations: 4, magnitude: 1) + Tolerance.sum(terms: 3, absoluteSum: 1))
        }
    }

    /// CutMix pastes one rectangle from a partner; the targets follow its area exactly.
    @Test func cutMixPastesARectangleAndWeighsTargetsByItsArea() throws {
        var generator = SeededGenerator(seed: 3)
        let distinct = try Tensor(shape: [6, 4, 4, 1], scalars: (0..<96).map { Float($0) })
        let (mixed, targets) = try SoftTargets(smoothing: 0, mixupAlpha: 0, cutMixAlpha: 1)
            .apply(distinct, labels: [0, 1, 2, 0, 1, 2], classes: 3, using: &generator)
        for row in 0..<6 {
            let pixels = mixed.scalars[(row * 16)..<(row * 16 + 16)]
            let foreign = pixels.enumerated().filter { Int($0.element) / 16 != row }
            let partners = Set(foreign.map { Int($0.element) / 16 })
            #expect(partners.count <= 1)
            // Pasted pixels come from the same place in the partner.
            #expect(foreign.allSatisfy { Int($0.element) % 16 == $0.offset })
            let share = Float(foreign.count) / 16
            let own = targets.scalars[row * 3 + row % 3]
            if let partner = partners.first, partner % 3 != row % 3 {
                // λ = 1 - area/total rounds twice; 1 - share is exact (sixteenths).
                #expect(Swift.abs(Double(own - (1 - share))) <= Tolerance.chain(operations: 2, magnitude: 1),
                        "row \(row): target \(own), area kept \(1 - share)")
            }
        }
    }

    @Test func betaDrawsHaveTheirMeanAndVariance() {
        var generator = SeededGenerator(seed: 4)
        for alpha in [0.2, 1.0, 3.0] {
            let n = 20_000
            let draws = (0..<n).map { _ in SoftTargets.beta(alpha, using: &generator) }
            let mean = draws.reduce(0, +) / Double(n)
            let variance = draws.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n - 1)
            let expected = 1 / (4 * (2 * alpha + 1))
            // Five standard errors of the mean; the variance within 10%.
            #expect(Swift.abs(mean - 0.5) <= 5 * (expected / Double(n)).squareRoot(), "α \(alpha): mean \(mean)")
            #expect(Swift.abs(variance - expected) <= 0.1 * expected, "α \(alpha): variance \(variance) vs \(expected)")
            #expect(draws.allSatisfy { $0 >= 0 && $0 <= 1 })
        }
    }

    @Test func warmUpThenCosineRisesLinearlyAndFallsToTheFloor() throws {
        var recipe = TrainingRecipe()
        (recipe.learningRate, recipe.epochs, recipe.schedule, recipe.warmupEpochs) = (0.1, 10, .cosine, 2)
        let schedule = try recipe.makeSchedule()
        #expect(schedule.changesWithinEpochs)
        // Float rates from a few roundings of values up to the peak (0.1), the cosine from Double.
        let rounding = Tolerance.chain(operations: 6, magnitude: 0.1)
        expectClose(schedule.rate(progress: 0), 0.001, tolerance: rounding)
        expectClose(schedule.rate(progress: 1), 0.0505, tolerance: rounding)
        expectClose(schedule.rate(progress: 2), 0.1, tolerance: rounding)
        expectClose(schedule.rate(progress: 6), 0.0505, tolerance: rounding)
        expectClose(schedule.rate(progress: 10), 0.001, tolerance: rounding)
        recipe.warmupEpochs = 10
        #expect(throws: RecipeError.self) { try recipe.validate() }
        (recipe.warmupEpochs, recipe.schedule) = (2, .step)
        #expect(throws: RecipeError.self) { try recipe.validate() }
    }

    /// The plateau schedule's factor and patience come from the recipe (the published FER2013
    /// network's 0.75 after 5 epochs here), survive the trainer's description of its schedule,
    /// and apply to that schedule only.
    @Test func plateauFactorAndPatienceShapeTheSchedule() throws {
        var recipe = TrainingRecipe()
        (recipe.learningRate, recipe.schedule, recipe.plateauFactor, recipe.plateauPatience) = (0.01, .plateau, 0.75, 5)
        try recipe.validate()
        var schedule = try recipe.makeSchedule()
        schedule.observe(loss: 1)
        for _ in 0..<4 { schedule.observe(loss: 1) }
        #expect(schedule.rate(epoch: 5) == 0.01, "four epochs without improvement are within the patience")
        schedule.observe(loss: 1)
        expectClose(schedule.rate(epoch: 6), 0.0075, tolerance: Tolerance.chain(operations: 1, magnitude: 0.01))
        let described = recipe.describing(optimizer: recipe.optimizerConfig, schedule: schedule)
        #expect((described.plateauFactor, described.plateauPatience) == (0.75, 5))

        for (factor, patience) in [(Float(1), 5), (0, 5), (0.75, -1)] {
            (recipe.plateauFactor, recipe.plateauPatience) = (factor, patience)
            #expect(throws: RecipeError.self) { try recipe.validate() }
        }
        (recipe.plateauFactor, recipe.plateauPatience, recipe.schedule) = (0.75, 3, .cosine)
        #expect(throws: RecipeError(.plateauFactor, "applies to the plateau schedule only (the schedule is cosine)")) { try recipe.validate() }
        (recipe.plateauFactor, recipe.plateauPatience) = (0.5, 3)
        try recipe.validate()
        (recipe.schedule, recipe.plateauFactor, recipe.plateauPatience) = (.plateau, 0.75, 5)
        recipe.switchSchedule(to: .cosine)
        #expect((recipe.schedule, recipe.plateauFactor, recipe.plateauPatience) == (.cosine, 0.5, 3), "what the old schedule had goes")
        try recipe.validate()
        let older = try JSONDecoder().decode(TrainingRecipe.self, from: Data(#"{"schedule": "plateau"}"#.utf8))
        #expect((older.plateauFactor, older.plateauPatience) == (0.5, 3), "a recipe stored before these settings")
    }

    @Test func oneCycleRisesToItsPeakAtThirtyPercentAndEndsFarBelow() throws {
        var recipe = TrainingRecipe()
        (recipe.learningRate, recipe.epochs, recipe.schedule) = (0.01, 10, .oneCycle)
        let schedule = try recipe.makeSchedule()
        // A few roundings of values up to the peak (0.01).
        let rounding = Tolerance.chain(operations: 6, magnitude: 0.01)
        expectClose(schedule.rate(progress: 0), 0.0004, tolerance: rounding)
        expectClose(schedule.rate(progress: 3), 0.01, tolerance: rounding)
        #expect(schedule.rate(progress: 1.5) > 0.0004 && schedule.rate(progress: 1.5) < 0.01)
        expectClose(schedule.rate(progress: 10), 0.01 / 25 / 10_000, tolerance: Tolerance.chain(operations: 4, magnitude: 0.01 / 25 / 10_000))
        #expect(try TrainingRecipe.schedule(named: "one_cycle") == .oneCycle)
    }

    /// The trainer sets such rates at every step: after the last step of a one-cycle run the
    /// optimizer's rate is the schedule's at (epochs - 1/batches).
    @Test func stepwiseSchedulesAreAppliedAtEveryStep() throws {
        let data = try separableData(count: 40, shape: [5], classes: 2, seed: 8)
        var recipe = TrainingRecipe()
        (recipe.epochs, recipe.batchSize, recipe.schedule, recipe.learningRate) = (3, 10, .oneCycle, 0.01)
        let model = try Sequential([DenseLayer(units: 2, activation: .softmax)], inputShape: [5], seed: 1)
        let trainer = try recipe.makeTrainer(for: model, progress: silentProgress())
        let history = try trainer.fit(images: data.images, labels: data.labels)
        #expect(trainer.optimizer.learningRate == trainer.schedule.rate(progress: 3 - 0.25))
        #expect(history.learningRate == [0, 1, 2].map { trainer.schedule.rate(progress: Double($0)) })
    }

    /// With a zero learning rate the weights never move, so their average is the weights; with
    /// a real rate the model ends with the average, which validation scored.
    @Test func movingAverageOfTheWeightsIsWhatTheModelEndsWith() throws {
        let data = try separableData(count: 60, shape: [6, 6, 1], classes: 3, seed: 9)
        func train(rate: Float, averaging: Float) throws -> (Trainer, History) {
            var recipe = TrainingRecipe()
            (recipe.epochs, recipe.batchSize, recipe.optimizer, recipe.learningRate) = (3, 12, .sgd, rate)
            (recipe.averaging, recipe.restoreBestWeights, recipe.batchNormRecalibrationBatches) = (averaging, false, 0)
            let model = try Sequential([FlattenLayer(), DenseLayer(units: 8, activation: .relu), DenseLayer(units: 3, activation: .softmax)],
                                       inputShape: [6, 6, 1], seed: 2)
            let trainer = try recipe.makeTrainer(for: model, progress: silentProgress())
            return (trainer, try trainer.fit(images: data.images, labels: data.labels, validation: data))
        }
        let (still, _) = try train(rate: 1e-30, averaging: 0.9)
        let (plainStill, _) = try train(rate: 1e-30, averaging: 0)
        // 15 steps of d·a + (1-d)·w with a = w: each rounds by at most 2 ulps of w. A weight
        // that starts at zero (a bias) does move, by rate × gradient per step (gradients here
        // are below 100), so 15 steps can leave its average up to 15 × 1e-30 × 100 behind.
        for (name, weight) in plainStill.model.weights {
            let average = still.model.weights[name]!
            for (a, w) in zip(average.scalars, weight.scalars) {
                #expect(Swift.abs(a - w) <= 2 * 15 * Swift.abs(w).ulp + 15 * 1e-30 * 100, "\(name): \(a) against \(w)")
            }
        }

        let (averaged, history) = try train(rate: 0.2, averaging: 0.9)
        let (plain, _) = try train(rate: 0.2, averaging: 0)
        #expect(!sameWeights(averaged.model.weights, plain.model.weights))
        #expect(sameWeights(averaged.model.weights, averaged.averageWeights!))
        let scored = try averaged.model.evaluate(data.images, labels: data.labels)
        #expect(history.validationLoss.last == scored.loss)
        var bad = TrainingRecipe()
        bad.averaging = 1
        #expect(throws: RecipeError(.averaging, "must be in [0, 1), got 1")) { try bad.validate() }
    }
}
