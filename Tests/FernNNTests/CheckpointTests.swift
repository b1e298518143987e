import Foundation
import Testing
@testable import FernNN
import FernTensor

/// A run interrupted after two epochs and resumed from its checkpoint must
/// end exactly where the uninterrupted four-epoch run ends.
@Suite struct CheckpointTests {
    private let training: (images: Tensor, labels: [Int])
    private let validation: (images: Tensor, labels: [Int])

    init() throws {
        training = try separableData(count: 40, shape: [5], classes: 3, seed: 31)
        validation = try separableData(count: 20, shape: [5], classes: 3, seed: 32)
    }

    /// Batch norm, dropout and an optimizer with state: everything a resume must carry over.
    private func trainer(epochs: Int, checkpoint: String, optimizer: Optimizer,
                         schedule: LearningRateSchedule? = nil) throws -> Trainer {
        let model = try Sequential([DenseLayer(units: 12, activation: .relu), BatchNormLayer(), DropoutLayer(rate: 0.3),
                                    DenseLayer(units: 3, activation: .softmax)],
                                   inputShape: [5], seed: 6)
        var options = TrainingRecipe()
        options.epochs = epochs
        options.batchSize = 8
        options.seed = 7
        options.checkpointPath = checkpoint
        return Trainer(model: model, optimizer: optimizer, schedule: schedule, recipe: options, progress: silentProgress())
    }

    private func expectResumeRepeatsTheUninterruptedRun(optimizer make: () throws -> Optimizer,
                                                       schedule: LearningRateSchedule?,
                                                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        let folder = try TemporaryFolder()
        let whole = try trainer(epochs: 4, checkpoint: folder.path("whole.safetensors"), optimizer: make(), schedule: schedule)
        let expected = try whole.fit(images: training.images, labels: training.labels, validation: validation)

        let firstHalf = try trainer(epochs: 2, checkpoint: folder.path("half.safetensors"), optimizer: make(), schedule: schedule)
        try firstHalf.fit(images: training.images, labels: training.labels, validation: validation)
        let resumed = try Trainer.resume(from: folder.path("half.safetensors"), progress: silentProgress())
        #expect(resumed.epochsDone == 2, sourceLocation: sourceLocation)
        #expect(resumed.history.epochs == 2, sourceLocation: sourceLocation)
        resumed.recipe.epochs = 4
        let history = try resumed.fit(images: training.images, labels: training.labels, validation: validation)

        #expect(history.epochs == 4, sourceLocation: sourceLocation)
        #expect(history.loss == expected.loss, sourceLocation: sourceLocation)
        #expect(history.accuracy == expected.accuracy, sourceLocation: sourceLocation)
        #expect(history.validationLoss == expected.validationLoss, sourceLocation: sourceLocation)
        #expect(history.validationAccuracy == expected.validationAccuracy, sourceLocation: sourceLocation)
        #expect(history.learningRate == expected.learningRate, sourceLocation: sourceLocation)
        #expect(resumed.bestScore == whole.bestScore, sourceLocation: sourceLocation)
        #expect(resumed.optimizer.steps == whole.optimizer.steps, sourceLocation: sourceLocation)
        #expect(sameWeights(resumed.model.weights, whole.model.weights), "final weights differ", sourceLocation: sourceLocation)
        #expect(folder.contents == ["half.safetensors", "whole.safetensors"], sourceLocation: sourceLocation)
    }

    /// The plain case: Adam with its default constant schedule.
    @Test func resumedAdamRunMatchesTheUninterruptedRun() throws {
        try expectResumeRepeatsTheUninterruptedRun(optimizer: { try Adam(learningRate: 0.01) }, schedule: nil)
    }

    /// SGD's velocity and a plateau schedule's state must be carried over too.
    @Test func resumedMomentumRunWithPlateauScheduleMatchesTheUninterruptedRun() throws {
        try expectResumeRepeatsTheUninterruptedRun(optimizer: { try SGD(learningRate: 0.1, momentum: 0.9, nesterov: true) },
                                                  schedule: try .reduceOnPlateau(0.1, factor: 0.5, patience: 0))
    }

    @Test func checkpointRecordsTheTrainingSettings() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("run.safetensors")
        let original = try trainer(epochs: 1, checkpoint: path, optimizer: try Adam(learningRate: 0.02, weightDecay: 0.1, decoupled: true),
                                   schedule: try .reduceOnPlateau(0.02))
        original.recipe.earlyStoppingPatience = 5
        original.recipe.classWeighting = .given([1, 2, 3])
        try original.fit(images: training.images, labels: training.labels, validation: validation)
        let resumed = try Trainer.resume(from: path, progress: silentProgress())
        #expect(resumed.optimizer.config == original.optimizer.config)
        #expect(resumed.schedule == original.schedule)
        #expect(resumed.recipe.batchSize == 8 && resumed.recipe.seed == 7)
        #expect(resumed.recipe.earlyStoppingPatience == 5)
        #expect(resumed.recipe.classWeighting == .given([1, 2, 3]))
        #expect(resumed.recipe.checkpointPath == path)
        #expect(resumed.history == original.history)
    }

    @Test func corruptCheckpointIsRejectedNamingThePath() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("broken.safetensors")
        try Data("definitely not a checkpoint".utf8).write(to: URL(fileURLWithPath: path))
        expectError(containing: [path]) { _ = try Trainer.resume(from: path, progress: silentProgress()) }
        expectError(containing: [folder.path("nothing.safetensors"), "no such file"]) {
            _ = try Trainer.resume(from: folder.path("nothing.safetensors"), progress: silentProgress())
        }
    }

    /// A checkpoint loads as the model its last epoch was scored with: the live weights, or the
    /// moving average where the run keeps one; by the file's own name, whatever its extension.
    @Test func aCheckpointLoadsAsTheModelItsLastEpochScored() throws {
        let folder = try TemporaryFolder()
        for averaging: Float in [0, 0.9] {
            let path = folder.path("run-\(averaging).ckpt")
            let trainer = try trainer(epochs: 2, checkpoint: path, optimizer: Adam(learningRate: 0.01))
            (trainer.recipe.restoreBestWeights, trainer.recipe.averaging) = (false, averaging)
            try trainer.fit(images: training.images, labels: training.labels, validation: validation)
            let loaded = try Sequential.load(from: path)
            #expect(sameWeights(loaded.weights, trainer.model.weights), "averaging \(averaging)")
            #expect(try loaded.predict(validation.images).scalars == trainer.model.predict(validation.images).scalars)
        }
    }

    @Test func aSavedModelIsNotACheckpoint() throws {
        let folder = try TemporaryFolder()
        try Sequential([DenseLayer(units: 2)], inputShape: [3]).save(to: folder.path("model"))
        let path = folder.path("model.safetensors")
        expectError(containing: [path, "not a Fern training checkpoint"]) { _ = try Trainer.resume(from: path, progress: silentProgress()) }
    }

    @Test func damagedTrainingStateIsRejectedNamingThePath() throws {
        let folder = try TemporaryFolder()
        let model = try Sequential([DenseLayer(units: 2)], inputShape: [3])
        let path = folder.path("damaged.safetensors")
        try Safetensors.write(model.weights.reduce(into: [:]) { $0["model/" + $1.key] = $1.value },
                              metadata: ["fern.architecture": try Architecture(of: model).json(), "fern.training": "{\"epochsDone\": "],
                              to: path)
        expectError(containing: [path, "training state is damaged"]) { _ = try Trainer.resume(from: path, progress: silentProgress()) }
    }
}
