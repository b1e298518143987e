import Foundation
import Testing
@testable import FernNN
import FernTensor

/// `Trainer.fit` end to end on problems small enough to run in milliseconds.
@Suite struct TrainingTests {
    private func xorModel(seed: UInt64 = 0) throws -> Sequential {
        try Sequential([DenseLayer(units: 8, activation: .tanh), DenseLayer(units: 2, activation: .softmax)],
                       inputShape: [2], seed: seed)
    }

    private func xorTrainer(seed: UInt64 = 0, epochs: Int, batchSize: Int = 2) throws -> Trainer {
        var options = TrainingRecipe()
        options.epochs = epochs
        options.batchSize = batchSize
        options.seed = seed
        return Trainer(model: try xorModel(seed: seed), optimizer: try Adam(learningRate: 0.05), recipe: options,
                       progress: silentProgress())
    }

    @Test func tinyNetworkLearnsXOR() throws {
        let (x, y) = try xorData()
        let trainer = try xorTrainer(epochs: 150)
        let history = try trainer.fit(images: x, labels: y)
        #expect(history.epochs == 150)
        #expect(try trainer.model.predictClasses(x) == y)
        #expect(history.accuracy.last == 1)
        #expect(try trainer.model.evaluate(x, labels: y).accuracy == 1)
        #expect(history.loss.last! < history.loss.first! / 4)
    }

    @Test func sameSeedRepeatsTheRunExactly() throws {
        let (x, y) = try xorData()
        let a = try xorTrainer(seed: 3, epochs: 10).fit(images: x, labels: y, validation: (x, y))
        let b = try xorTrainer(seed: 3, epochs: 10).fit(images: x, labels: y, validation: (x, y))
        #expect(a.loss == b.loss)
        #expect(a.accuracy == b.accuracy)
        #expect(a.validationLoss == b.validationLoss)
        #expect(a.validationAccuracy == b.validationAccuracy)
    }

    @Test func anotherSeedGivesAnotherRun() throws {
        let (x, y) = try xorData()
        let a = try xorTrainer(seed: 3, epochs: 5).fit(images: x, labels: y)
        let b = try xorTrainer(seed: 4, epochs: 5).fit(images: x, labels: y)
        #expect(a.loss != b.loss)

        // Only the shuffling seed differs: the batches differ, so does the run.
        var options = TrainingRecipe()
        options.epochs = 5
        options.batchSize = 2
        options.seed = 11
        let c = try Trainer(model: try xorModel(seed: 3), optimizer: try Adam(learningRate: 0.05), recipe: options,
                            progress: silentProgress()).fit(images: x, labels: y)
        #expect(a.loss != c.loss)
    }

    @Test func lossDecreasesOnALearnableProblem() throws {
        let data = try separableData(count: 64, shape: [6], classes: 3, seed: 2)
        var options = TrainingRecipe()
        options.epochs = 8
        options.batchSize = 16
        let model = try Sequential([DenseLayer(units: 16, activation: .relu), DenseLayer(units: 3, activation: .softmax)],
                                   inputShape: [6], seed: 4)
        let history = try Trainer(model: model, optimizer: try SGD(learningRate: 0.2, momentum: 0.9), recipe: options,
                                  progress: silentProgress()).fit(images: data.images, labels: data.labels)
        #expect(history.loss.last! < history.loss.first!)
        #expect(history.accuracy.last! > history.accuracy.first!)
    }

    @Test func historyRecordsTheScheduledLearningRates() throws {
        let (x, y) = try xorData()
        let trainer = try xorTrainer(epochs: 5)
        trainer.schedule = try .step(0.1, every: 2, factor: 0.5)
        let history = try trainer.fit(images: x, labels: y)
        // 0.1 for epochs 0–1, 0.05 for 2–3, 0.025 for 4.
        #expect(history.learningRate == [0.1, 0.1, 0.05, 0.05, 0.025])
        #expect(trainer.optimizer.learningRate == 0.025)
    }

    /// Validation labels are the opposite of the training labels, so the
    /// better the model learns, the worse it validates: the best epoch is an
    /// early one and training stops soon after.
    @Test func earlyStoppingRestoresTheBestEpochsWeights() throws {
        let (x, y) = try xorData()
        let flipped = y.map { 1 - $0 }
        let trainer = try xorTrainer(seed: 1, epochs: 200)
        trainer.recipe.earlyStoppingPatience = 3
        trainer.recipe.monitor = .validationLoss
        let history = try trainer.fit(images: x, labels: y, validation: (x, flipped))

        #expect(history.stoppedEarly)
        #expect(history.epochs < 200)
        let best = try #require(history.validationLoss.indices.min { history.validationLoss[$0] < history.validationLoss[$1] })
        // It stopped exactly `patience` epochs after the best one.
        #expect(history.epochs == best + 1 + 3)
        let (loss, accuracy) = try trainer.model.evaluate(x, labels: flipped)
        #expect(loss == history.validationLoss[best])
        #expect(accuracy == history.validationAccuracy[best])
        #expect(loss != history.validationLoss.last)
    }

    @Test func restoredWeightsReachTheBestValidationAccuracy() throws {
        let (x, y) = try xorData()
        let flipped = y.map { 1 - $0 }
        let trainer = try xorTrainer(seed: 2, epochs: 200)
        trainer.recipe.earlyStoppingPatience = 2
        let history = try trainer.fit(images: x, labels: y, validation: (x, flipped))
        #expect(history.stoppedEarly && history.epochs < 200)
        #expect(try trainer.model.evaluate(x, labels: flipped).accuracy == history.bestValidationAccuracy)
    }

    @Test func withoutRestoringTheLastWeightsStay() throws {
        let (x, y) = try xorData()
        let flipped = y.map { 1 - $0 }
        let trainer = try xorTrainer(seed: 1, epochs: 200)
        trainer.recipe.earlyStoppingPatience = 3
        trainer.recipe.monitor = .validationLoss
        trainer.recipe.restoreBestWeights = false
        let history = try trainer.fit(images: x, labels: y, validation: (x, flipped))
        #expect(try trainer.model.evaluate(x, labels: flipped).loss == history.validationLoss.last)
    }

    @Test func nanInputStopsTrainingWithAClearError() throws {
        let y = try xorData().labels
        let x = try tensor([4, 2], [0, 0, .nan, 1, 1, 0, 1, 1])
        let trainer = try xorTrainer(epochs: 3, batchSize: 4)
        expectError(containing: ["loss became nan", "epoch 1, batch 1", "learning rate"]) {
            try trainer.fit(images: x, labels: y)
        }
        // The non-finite step was not applied.
        #expect(allFinite(trainer.model))
    }

    @Test func absurdLearningRateStopsTrainingWithAClearError() throws {
        let data = try separableData(count: 32, shape: [4], classes: 2, seed: 5)
        var options = TrainingRecipe()
        options.epochs = 50
        options.batchSize = 8
        let model = try Sequential([DenseLayer(units: 16, activation: .relu), DenseLayer(units: 2, activation: .softmax)],
                                   inputShape: [4])
        let trainer = Trainer(model: model, optimizer: try SGD(learningRate: 1e30), recipe: options, progress: silentProgress())
        expectError(containing: ["training stopped: the loss became"]) {
            try trainer.fit(images: data.images, labels: data.labels)
        }
        #expect(trainer.epochsDone < 50)
    }

    @Test func shouldStopEndsTrainingCleanlyBetweenBatches() throws {
        let (x, y) = try xorData()
        let trainer = try xorTrainer(epochs: 10, batchSize: 1)
        var polls = 0
        // Four batches an epoch: the sixth poll comes before batch 2 of epoch 2.
        trainer.shouldStop = { polls += 1; return polls == 6 }
        let history = try trainer.fit(images: x, labels: y)
        #expect(history.stoppedEarly)
        #expect(history.epochs == 1)
        #expect(trainer.epochsDone == 1)
        #expect(polls == 6)
        #expect(allFinite(trainer.model))
        #expect(try trainer.model.predict(x).scalars.allSatisfy(\.isFinite))
    }

    @Test func epochLinesProgressWritesOneLinePerEpoch() throws {
        let (x, y) = try xorData()
        var lines: [String] = []
        let trainer = try xorTrainer(epochs: 3, batchSize: 1)
        trainer.progress = ProgressReporter(style: .epochLines) { lines.append($0) }
        try trainer.fit(images: x, labels: y, validation: (x, y))
        #expect(lines.count == 3)
        for (i, line) in lines.enumerated() {
            #expect(line.hasPrefix("Epoch \(i + 1)/3 "))
            #expect(line.hasSuffix("\n") && line.dropLast().allSatisfy { $0 != "\n" && $0 != "\r" })
            #expect(line.contains("loss") && line.contains("val_acc"))
        }
        // The time the epochs still to run will take, at the median epoch time so far; none after the last.
        for (i, line) in lines.enumerated() {
            let left = line.firstMatch(of: /\ \ ([0-9.]+) s  about (\d+):(\d\d) left\n$/)
            #expect((left != nil) == (i < 2), "\(line)")
            if let left, i == 0, let seconds = Double(left.1) {
                #expect(abs(Double(Int(left.2)! * 60 + Int(left.3)!) - 2 * seconds) <= 0.5 + 0.1, "two epochs at the first's time")
            }
        }
        #expect(lines[2].hasSuffix(" s\n"))
    }

    @Test func silentProgressWritesNothing() throws {
        let (x, y) = try xorData()
        var writes = 0
        let trainer = try xorTrainer(epochs: 2, batchSize: 1)
        trainer.progress = ProgressReporter(style: .silent) { _ in writes += 1 }
        try trainer.fit(images: x, labels: y)
        #expect(writes == 0)
    }

    @Test func fitRejectsBadDataAndOptions() throws {
        let (x, y) = try xorData()
        let trainer = try xorTrainer(epochs: 1)
        expectError(containing: ["one label per image", "4 images", "3 labels"]) { try trainer.fit(images: x, labels: [0, 1, 1]) }
        expectError(containing: ["label 2", "2 classes"]) { try trainer.fit(images: x, labels: [0, 1, 2, 0]) }
        trainer.recipe.batchSize = 0
        #expect(throws: RecipeError(.batchSize, "must be at least 1, got 0")) { try trainer.fit(images: x, labels: y) }
        #expect(trainer.epochsDone == 0)
    }
}
