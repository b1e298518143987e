import FernTensor
import Foundation

/// A training checkpoint: one safetensors file with the model's weights
/// (`model/…`), the optimizer's moments (`optimizer/…`), the best weights so
/// far (`best/…`) and, in its metadata, the architecture, optimizer settings,
/// schedule, history and epoch. Resuming from it continues the run exactly.
extension Trainer {
    public func saveCheckpoint(to path: String) throws {
        var tensors: [String: Tensor] = [:]
        for (name, t) in model.weights { tensors["model/" + name] = t }
        for (name, t) in optimizer.state { tensors["optimizer/" + name] = t }
        for (name, t) in bestWeights ?? [:] { tensors["best/" + name] = t }
        let state = CheckpointState(optimizer: optimizer.config, optimizerSteps: optimizer.steps, schedule: schedule,
                                    history: history, epochsDone: epochsDone, bestScore: bestScore,
                                    epochsSinceBest: epochsSinceBest, epochs: options.epochs, batchSize: options.batchSize,
                                    seed: options.seed, classWeights: options.classWeights,
                                    earlyStoppingPatience: options.earlyStoppingPatience, monitor: options.monitor,
                                    restoreBestWeights: options.restoreBestWeights)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let metadata = [ModelFile.architectureKey: try Architecture(of: model).json(pretty: false),
                        "fern.training": String(decoding: try encoder.encode(state), as: UTF8.self)]
        try Safetensors.write(tensors, metadata: metadata, to: path)
    }

    /// A trainer in the state a checkpoint recorded. The augmentation
    /// function is not stored: give it again in `options.augment`.
    public static func resume(from path: String, progress: ProgressReporter = .automatic()) throws -> Trainer {
        let (tensors, metadata) = try ModelFile.readSafetensors(path)
        guard let architectureJSON = metadata[ModelFile.architectureKey], let stateJSON = metadata["fern.training"] else {
            throw ModelError("\(path) is not a Fern training checkpoint (no training state in its metadata)")
        }
        let state: CheckpointState
        do {
            state = try JSONDecoder().decode(CheckpointState.self, from: Data(stateJSON.utf8))
        } catch {
            throw ModelError("\(path): the training state is damaged (\(error))")
        }
        let model = try Architecture.parse(architectureJSON, source: path).makeModel()
        func group(_ prefix: String) -> [String: Tensor] {
            Dictionary(uniqueKeysWithValues: tensors.filter { $0.key.hasPrefix(prefix) }.map { (String($0.key.dropFirst(prefix.count)), $0.value) })
        }
        try model.loadWeights(group("model/"))
        let optimizer = try state.optimizer.make()
        optimizer.state = group("optimizer/")
        optimizer.steps = state.optimizerSteps
        var options = TrainingOptions()
        options.epochs = state.epochs
        options.batchSize = state.batchSize
        options.seed = state.seed
        options.classWeights = state.classWeights
        options.earlyStoppingPatience = state.earlyStoppingPatience
        options.monitor = state.monitor
        options.restoreBestWeights = state.restoreBestWeights
        options.checkpointPath = path
        let trainer = Trainer(model: model, optimizer: optimizer, schedule: state.schedule, options: options, progress: progress)
        trainer.history = state.history
        trainer.epochsDone = state.epochsDone
        trainer.bestScore = state.bestScore
        trainer.epochsSinceBest = state.epochsSinceBest
        let best = group("best/")
        trainer.bestWeights = best.isEmpty ? nil : best
        return trainer
    }
}

struct CheckpointState: Codable {
    var optimizer: OptimizerConfig
    var optimizerSteps: Int
    var schedule: LearningRateSchedule
    var history: History
    var epochsDone: Int
    var bestScore: Float?
    var epochsSinceBest: Int
    var epochs: Int
    var batchSize: Int
    var seed: UInt64
    var classWeights: [Float]?
    var earlyStoppingPatience: Int?
    var monitor: TrainingOptions.Monitor
    var restoreBestWeights: Bool
}
