import FernData
import Foundation
import Testing
@testable import FernNN
import FernTensor

/// The one training recipe behind `fit` and `fern train`: its schedules, its validation, and
/// resuming a checkpoint with every setting it was trained with.
@Suite struct TrainingRecipeTests {
    /// 6x6 one-channel images, so that flips, shifts and mirror averaging apply.
    private let training: (images: Tensor, labels: [Int])
    private let validation: (images: Tensor, labels: [Int])

    init() throws {
        training = try separableData(count: 48, shape: [6, 6, 1], classes: 3, seed: 41)
        validation = try separableData(count: 24, shape: [6, 6, 1], classes: 3, seed: 42)
    }

    private func model() throws -> Sequential {
        try Sequential([FlattenLayer(), DenseLayer(units: 12, activation: .relu), BatchNormLayer(), DropoutLayer(rate: 0.3),
                        DenseLayer(units: 3, activation: .softmax)], inputShape: [6, 6, 1], seed: 9)
    }

    /// Every setting off its default.
    private func everySetting(epochs: Int, checkpoint: String) -> TrainingRecipe {
        var recipe = TrainingRecipe()
        recipe.epochs = epochs
        recipe.batchSize = 10
        recipe.seed = 13
        recipe.optimizer = .sgd
        recipe.learningRate = 0.05
        recipe.momentum = 0.9
        recipe.nesterov = true
        recipe.weightDecay = 1e-3
        recipe.schedule = .plateau
        recipe.augmentation = Augmentation(horizontalFlip: true, maxShift: 1, maxRotationDegrees: 10, maxZoom: 0.1)
        recipe.classWeighting = .balanced
        recipe.labelSmoothing = 0.1
        recipe.mixup = 0.2
        recipe.cutMix = 1
        recipe.averaging = 0.9
        recipe.earlyStoppingPatience = 50
        recipe.monitor = .validationLoss
        recipe.restoreBestWeights = false
        recipe.batchNormRecalibrationBatches = 2
        recipe.testTimeAugmentation = .mirror
        recipe.checkpointPath = checkpoint
        recipe.precision = .bf16
        return recipe
    }

    /// The recipe's precision holds while it trains: where AMX runs bf16, the run differs from
    /// the Float32 one (its convolutions round their operands to 8-bit mantissas) yet learns as
    /// well; elsewhere it is the Float32 run, to the bit. Outside `fit`, FERN_PRECISION's again.
    @Test func theRecipesPrecisionHoldsWhileItTrains() throws {
        let images = try separableData(count: 40, shape: [8, 8, 4], classes: 3, seed: 51)
        func trained(_ precision: ConvolutionPrecision?) throws -> (Sequential, History) {
            let network = try Sequential([Conv2DLayer(filters: 16, kernelSize: (3, 3), padding: .same, activation: .relu),
                                          Conv2DLayer(filters: 16, kernelSize: (3, 3), padding: .same, activation: .relu),
                                          FlattenLayer(), DenseLayer(units: 3, activation: .softmax)],
                                         inputShape: [8, 8, 4], seed: 5)
            var recipe = TrainingRecipe()
            (recipe.epochs, recipe.batchSize, recipe.learningRate, recipe.precision) = (4, 8, 3e-3, precision)
            let history = try recipe.makeTrainer(for: network, progress: silentProgress())
                .fit(images: images.images, labels: images.labels)
            return (network, history)
        }
        let (f32, f32History) = try trained(.f32), (bf16, bf16History) = try trained(.bf16)
        let (f32Weights, bf16Weights) = (f32.weights, bf16.weights)
        let same = f32Weights.allSatisfy { name, tensor in bf16Weights[name]?.scalars == tensor.scalars }
        // bf16 runs where AMX does and Fern's own loops (FERN_KERNELS=builtin) are not forced.
        let bf16Runs = ConvolutionPrecision.using(.bf16) { ConvolutionPrecision.inEffect == .bf16 }
        #expect(same == !bf16Runs, "bf16 ran where it runs, and only there")
        #expect(bf16History.loss.last! < bf16History.loss.first! * 0.8, "\(bf16History.loss)")
        #expect(Swift.abs(bf16History.loss.last! - f32History.loss.last!) < 0.1 * f32History.loss.last!,
                "bf16 \(bf16History.loss) against f32 \(f32History.loss)")
        #expect(ConvolutionPrecision.requested == RuntimeSettings.current.convolutionPrecision, "outside fit, the process's")
    }

    @Test func plateauNeverRaisesALowStartingRate() throws {
        var recipe = TrainingRecipe()
        (recipe.schedule, recipe.learningRate) = (.plateau, 5e-6)
        var schedule = try recipe.makeSchedule()
        for epoch in 0..<12 {
            #expect(schedule.rate(epoch: epoch) <= 5e-6, "epoch \(epoch): \(schedule.rate(epoch: epoch))")
            schedule.observe(loss: Float(epoch))  // never improves
        }
        // A usual rate still goes down to the 1e-5 floor.
        recipe.learningRate = 1e-3
        schedule = try recipe.makeSchedule()
        for epoch in 0..<60 { schedule.observe(loss: Float(epoch)) }
        #expect(schedule.rate(epoch: 60) == 1e-5)
    }

    @Test func everyScheduleHasItsDocumentedShape() throws {
        var recipe = TrainingRecipe()
        (recipe.learningRate, recipe.epochs) = (0.1, 20)
        recipe.schedule = .step
        let step = try recipe.makeSchedule()
        #expect(step.rate(epoch: 9) == 0.1)
        expectClose(step.rate(epoch: 10), 0.01, tolerance: Tolerance.chain(operations: 2, magnitude: 0.1))
        recipe.schedule = .cosine
        let cosine = try recipe.makeSchedule()
        #expect(cosine.rate(epoch: 0) == 0.1)
        expectClose(cosine.rate(epoch: 20), 0.001, tolerance: Tolerance.chain(operations: 6, magnitude: 0.1))
        recipe.epochs = 0
        #expect(try recipe.makeSchedule().totalEpochs == 1, "a 0-epoch cosine is still a valid schedule")
        recipe.schedule = .constant
        #expect(try recipe.makeSchedule().rate(epoch: 7) == 0.1)
    }

    /// Interrupted after 2 epochs and resumed with no settings given (as `fern train --resume`
    /// does), or with the same recipe (as `fit(..., resume=true)` does), a run ends exactly where
    /// the uninterrupted 4-epoch run ends: augmentation, class weights, batch-norm batches,
    /// the optimizer's and the schedule's state and test-time augmentation all carried over.
    @Test func resumingRestoresEverySetting() throws {
        let folder = try TemporaryFolder()
        let whole = try everySetting(epochs: 4, checkpoint: folder.path("whole.ckpt")).makeTrainer(for: model(), progress: silentProgress())
        let expected = try whole.fit(images: training.images, labels: training.labels, validation: validation)

        for givesRecipe in [false, true] {
            let path = folder.path("half-\(givesRecipe).ckpt")
            let half = try everySetting(epochs: 2, checkpoint: path).makeTrainer(for: model(), progress: silentProgress())
            try half.fit(images: training.images, labels: training.labels, validation: validation)
            #expect(try TrainingRecipe.stored(in: path) == everySetting(epochs: 2, checkpoint: path))

            let resumed: Trainer
            if givesRecipe {
                resumed = try everySetting(epochs: 4, checkpoint: path).makeTrainer(for: model(), resume: true, progress: silentProgress())
            } else {
                var recipe = try TrainingRecipe.stored(in: path)
                recipe.epochs = 4
                resumed = try Trainer.resume(from: path, recipe: recipe, progress: silentProgress())
            }
            #expect(resumed.epochsDone == 2)
            #expect(resumed.changesOnResume == [RecipeChange(setting: .epochs, from: "2", to: "4")], "only the epochs were changed")
            #expect(resumed.optimizer.steps == half.optimizer.steps, "the optimizer's state was kept")
            let history = try resumed.fit(images: training.images, labels: training.labels, validation: validation)
            var timeless = history
            timeless.seconds = expected.seconds
            #expect(timeless == expected, "resumed with\(givesRecipe ? "" : "out") the recipe")
            #expect(sameWeights(resumed.model.weights, whole.model.weights))
            #expect(resumed.recipe == everySetting(epochs: 4, checkpoint: path))
        }
    }

    @Test func resumingWithAnotherOptimizerOrScheduleStartsThemAfresh() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("run.ckpt")
        var recipe = TrainingRecipe()
        (recipe.epochs, recipe.checkpointPath, recipe.schedule) = (2, path, .plateau)
        let first = try recipe.makeTrainer(for: model(), progress: silentProgress())
        try first.fit(images: training.images, labels: training.labels, validation: validation)

        recipe.epochs = 3
        let same = try recipe.makeTrainer(for: model(), resume: true, progress: silentProgress())
        #expect(same.optimizer.steps == first.optimizer.steps && same.schedule == first.schedule)

        (recipe.optimizer, recipe.schedule, recipe.learningRate) = (.sgd, .cosine, 0.01)
        let changed = try recipe.makeTrainer(for: model(), resume: true, progress: silentProgress())
        #expect(changed.optimizer.config.type == "sgd" && changed.optimizer.steps == 0)
        #expect(changed.schedule == (try recipe.makeSchedule()))
        #expect(changed.epochsDone == 2)
        #expect(changed.changesOnResume.map { "\($0.setting): \($0.from) → \($0.to)" }
                == ["epochs: 2 → 3", "optimizer: adam → sgd", "learningRate: 0.001 → 0.01", "schedule: plateau → cosine"])

        let other = try Sequential([FlattenLayer(), DenseLayer(units: 3, activation: .softmax)], inputShape: [6, 6, 1])
        expectError(containing: [path, "different model"]) { _ = try recipe.makeTrainer(for: other, resume: true) }
    }

    /// Checkpoints written before recipes existed keep their settings in separate fields.
    @Test func checkpointsFromBeforeRecipesStillResume() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("old.ckpt")
        var recipe = TrainingRecipe()
        (recipe.epochs, recipe.batchSize, recipe.seed, recipe.checkpointPath) = (1, 16, 3, path)
        (recipe.schedule, recipe.learningRate, recipe.classWeighting) = (.cosine, 0.004, .given([1, 2, 3]))
        try recipe.makeTrainer(for: model(), progress: silentProgress())
            .fit(images: training.images, labels: training.labels, validation: validation)

        let (tensors, metadata) = try ModelFile.readSafetensors(path)
        var state = try JSONSerialization.jsonObject(with: Data(metadata["fern.training"]!.utf8)) as! [String: Any]
        state["recipe"] = nil
        state.merge(["epochs": 1, "batchSize": 16, "seed": 3, "classWeights": [1, 2, 3], "monitor": "validationAccuracy",
                     "restoreBestWeights": true]) { $1 }
        var old = metadata
        old["fern.training"] = String(decoding: try JSONSerialization.data(withJSONObject: state), as: UTF8.self)
        try Safetensors.write(tensors, metadata: old, to: path)

        let stored = try TrainingRecipe.stored(in: path)
        #expect(stored == recipe)
        let resumed = try Trainer.resume(from: path, progress: silentProgress())
        #expect(resumed.epochsDone == 1 && resumed.schedule.kind == .cosine && resumed.recipe.batchSize == 16)
    }

    @Test func badSettingsNameTheSetting() throws {
        func problem(_ change: (inout TrainingRecipe) -> Void) -> RecipeError? {
            var recipe = TrainingRecipe()
            change(&recipe)
            do { try recipe.validate() } catch let error as RecipeError { return error } catch { return nil }
            return nil
        }
        #expect(problem { $0.learningRate = 0 } == RecipeError(.learningRate, "must be a positive number, got 0"))
        #expect(problem { $0.epochs = -1 }?.setting == .epochs)
        #expect(problem { $0.momentum = 2 } == RecipeError(.momentum, "must be in [0, 1), got 2"))
        #expect(problem { $0.batchNormRecalibrationBatches = -1 }?.setting == .batchNormBatches)
        #expect(problem { $0.augmentation.maxZoom = 1 }?.setting == .zoom)
        #expect(problem { $0.augmentation.maxRotationDegrees = 200 }?.setting == .rotate)
        #expect(problem { _ in } == nil)
        #expect(RecipeError(.learningRate, "must be a positive number, got 0").message(calling: "--learning-rate")
                == "--learning-rate must be a positive number, got 0")
        #expect(throws: RecipeError.self) { try TrainingRecipe.optimizer(named: "rmsprop") }
        #expect(try TrainingRecipe.schedule(named: "Cosine") == .cosine)
        #expect(try TrainingRecipe.monitor(named: "val_loss") == .validationLoss)
    }

    /// The shift's bound is the images' own size, not FER's 48 pixels.
    @Test func aShiftAsLargeAsTheImagesIsRefused() throws {
        var recipe = TrainingRecipe()
        (recipe.epochs, recipe.augmentation.maxShift) = (1, 6)
        let trainer = try recipe.makeTrainer(for: model(), progress: silentProgress())
        #expect(throws: RecipeError(.shift, "must be smaller than the images' 6 pixels, got 6")) {
            try trainer.fit(images: training.images, labels: training.labels)
        }
        trainer.recipe.augmentation.maxShift = 5
        try trainer.fit(images: training.images, labels: training.labels)
        #expect(trainer.epochsDone == 1)
    }

    @Test func patienceWithoutValidationDataIsRefused() throws {
        var recipe = TrainingRecipe()
        recipe.earlyStoppingPatience = 2
        let trainer = try recipe.makeTrainer(for: model(), progress: silentProgress())
        #expect(throws: RecipeError.self) { try trainer.fit(images: training.images, labels: training.labels) }
    }

    /// With mirror test-time augmentation, each epoch's validation scores are the mirror-averaged ones.
    @Test func validationUsesTheRecipesTestTimeAugmentation() throws {
        var recipe = TrainingRecipe()
        (recipe.epochs, recipe.restoreBestWeights, recipe.testTimeAugmentation) = (2, false, .mirror)
        let trainer = try recipe.makeTrainer(for: model(), progress: silentProgress())
        let history = try trainer.fit(images: training.images, labels: training.labels, validation: validation)
        let mirrored = try trainer.model.evaluate(validation.images, labels: validation.labels, augmentation: .mirror)
        #expect(history.validationLoss.last == mirrored.loss && history.validationAccuracy.last == mirrored.accuracy)
        let plain = try trainer.model.evaluate(validation.images, labels: validation.labels)
        #expect(plain.loss != mirrored.loss)
        // The images' own accuracy comes with it, epoch by epoch.
        #expect(history.plainValidationAccuracy?.count == 2 && history.plainValidationAccuracy?.last == plain.accuracy)
    }

    /// Each epoch line gives the augmented accuracy and the plain one; a run without test-time
    /// augmentation keeps no plain history, and one resumed with it counts the earlier epochs as plain.
    @Test func epochLinesGiveTheAccuracyWithAndWithoutTestTimeAugmentation() throws {
        var recipe = TrainingRecipe()
        (recipe.epochs, recipe.restoreBestWeights) = (1, false)
        var lines: [String] = []
        let trainer = try recipe.makeTrainer(for: model(), progress: ProgressReporter(style: .epochLines) { lines.append($0) })
        let first = try trainer.fit(images: training.images, labels: training.labels, validation: validation)
        #expect(first.plainValidationAccuracy == nil)
        #expect(!lines[0].contains("without"), "\(lines[0])")

        (trainer.recipe.epochs, trainer.recipe.testTimeAugmentation) = (3, .mirror)
        let history = try trainer.fit(images: training.images, labels: training.labels, validation: validation)
        let mirrored = try trainer.model.evaluate(validation.images, labels: validation.labels, augmentation: .mirror)
        let plain = try trainer.model.evaluate(validation.images, labels: validation.labels)
        #expect(history.plainValidationAccuracy?.count == 3)
        #expect(history.plainValidationAccuracy?.first == first.validationAccuracy[0])
        #expect(history.plainValidationAccuracy?.last == plain.accuracy && history.validationAccuracy.last == mirrored.accuracy)
        let shown = lines[2].firstMatch(of: /val_acc ([0-9.]+) \(mirror; ([0-9.]+) without\)/)
        #expect(shown.map { (String($0.1), String($0.2)) }.map { $0 == (fmt(mirrored.accuracy, 4), fmt(plain.accuracy, 4)) } == true,
                "\(lines[2])")
    }

    /// Mirror evaluation is the cross-entropy of the averaged probabilities.
    @Test func mirrorEvaluationAveragesTheProbabilities() throws {
        let model = try model()
        let images = validation.images, labels = validation.labels
        let p = try (model.predict(images) + model.predict(images.reversed(axis: 2))) * 0.5
        let classes = 3
        let loss = labels.enumerated().map { -Foundation.log(Double(p.scalars[$0.offset * classes + $0.element])) }
            .reduce(0, +) / Double(labels.count)
        let hits = labels.enumerated().filter { row, label in
            let scores = p.scalars[row * classes..<(row + 1) * classes]
            return scores.firstIndex(of: scores.max()!)! - row * classes == label
        }.count
        let evaluated = try model.evaluate(images, labels: labels, augmentation: .mirror)
        // Both sides average the same two softmaxes (each within Tolerance.softmax relatively, for
        // the logits' largest spread), take logs (logUlps of values up to the largest -log p) and
        // sum 24 of them (γ(24) of the total).
        let logits = try model.predictLogits(images).scalars + model.predictLogits(images.reversed(axis: 2)).scalars
        let spread = stride(from: 0, to: logits.count, by: classes).map { row in
            Double(logits[row..<row + classes].max()! - logits[row..<row + classes].min()!)
        }.max()!
        let largest = labels.enumerated().map { -Foundation.log(Double(p.scalars[$0.offset * classes + $0.element])) }.max()!
        let perRow = 2 * (Tolerance.softmax(classes: classes, logitSpread: spread) + Tolerance.gamma(2))
            + 2 * Tolerance.ulps(Tolerance.logUlps, of: largest)
        expectClose(evaluated.loss, loss, tolerance: perRow + 2 * Tolerance.gamma(24) * loss + Tolerance.ulps(1, of: loss))
        #expect(evaluated.accuracy == Float(hits) / Float(labels.count))
    }
}
