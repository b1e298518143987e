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
        for (name, t) in averageWeights ?? [:] { tensors["average/" + name] = t }
        let state = CheckpointState(recipe: recipe, optimizer: optimizer.config, optimizerSteps: optimizer.steps,
                                    schedule: schedule, history: history, epochsDone: epochsDone, bestScore: bestScore,
                                    epochsSinceBest: epochsSinceBest)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let metadata = [ModelFile.architectureKey: try Architecture(of: model).json(pretty: false),
                        CheckpointState.metadataKey: String(decoding: try encoder.encode(state), as: UTF8.self)]
        try Safetensors.write(tensors, metadata: metadata, to: path)
    }

    /// A trainer in the state a checkpoint recorded, going on as it was trained, or with
    /// `recipe`: then the optimizer keeps its state unless the recipe asks for another optimizer
    /// or other settings of it, and the schedule keeps its state (a plateau's reductions) unless
    /// the recipe makes a different one (another kind, rate or length).
    public static func resume(from path: String, recipe: TrainingRecipe? = nil,
                              progress: ProgressReporter = .automatic()) throws -> Trainer {
        let (state, tensors, architectureJSON) = try CheckpointState.read(from: path)
        let model = try Architecture.parse(architectureJSON, source: path).makeModel()
        func group(_ prefix: String) -> [String: Tensor] { CheckpointState.group(prefix, of: tensors) }
        try model.loadWeights(group("model/"))
        var given = recipe ?? state.trainingRecipe
        given.checkpointPath = path
        try given.validate()

        let optimizer: Optimizer
        if recipe == nil || given.optimizerConfig.sameSettings(as: state.optimizer) {
            optimizer = try state.optimizer.make()
            optimizer.state = group("optimizer/")
            optimizer.steps = state.optimizerSteps
        } else {
            optimizer = try given.makeOptimizer()
        }
        let wanted = try given.makeSchedule()
        let schedule = recipe == nil || wanted.sameSettings(as: state.schedule) ? state.schedule : wanted

        let trainer = Trainer(model: model, optimizer: optimizer, schedule: schedule, recipe: given, progress: progress)
        trainer.history = state.history
        trainer.epochsDone = state.epochsDone
        trainer.bestScore = state.bestScore
        trainer.epochsSinceBest = state.epochsSinceBest
        let best = group("best/")
        trainer.bestWeights = best.isEmpty ? nil : best
        let average = group("average/")
        trainer.averageWeights = average.isEmpty ? nil : average
        trainer.changesOnResume = trainer.recipe.changes(since: state.trainingRecipe)
        return trainer
    }
}

/// What a checkpoint's metadata records besides the architecture.
struct CheckpointState: Codable {
    static let metadataKey = "fern.training"

    /// A checkpoint's tensors of one group ("model/", "optimizer/", "best/", "average/"), named without it.
    static func group(_ prefix: String, of tensors: [String: Tensor]) -> [String: Tensor] {
        Dictionary(uniqueKeysWithValues: tensors.filter { $0.key.hasPrefix(prefix) }.map { (String($0.key.dropFirst(prefix.count)), $0.value) })
    }

    /// Absent in checkpoints from before recipes; `trainingRecipe` rebuilds it from the fields below.
    var recipe: TrainingRecipe?
    var optimizer: OptimizerConfig
    var optimizerSteps: Int
    var schedule: LearningRateSchedule
    var history: History
    var epochsDone: Int
    var bestScore: Float?
    var epochsSinceBest: Int
    // Older checkpoints' settings.
    var epochs: Int?
    var batchSize: Int?
    var seed: UInt64?
    var classWeights: [Float]?
    var earlyStoppingPatience: Int?
    var monitor: TrainingRecipe.Monitor?
    var restoreBestWeights: Bool?

    init(recipe: TrainingRecipe, optimizer: OptimizerConfig, optimizerSteps: Int, schedule: LearningRateSchedule,
         history: History, epochsDone: Int, bestScore: Float?, epochsSinceBest: Int) {
        (self.recipe, self.optimizer, self.optimizerSteps, self.schedule) = (recipe, optimizer, optimizerSteps, schedule)
        (self.history, self.epochsDone, self.bestScore, self.epochsSinceBest) = (history, epochsDone, bestScore, epochsSinceBest)
    }

    /// The recipe the checkpoint was trained with.
    var trainingRecipe: TrainingRecipe {
        if let recipe { return recipe }
        var recipe = TrainingRecipe()
        recipe.epochs = epochs ?? recipe.epochs
        recipe.batchSize = batchSize ?? recipe.batchSize
        recipe.seed = seed ?? recipe.seed
        recipe.classWeighting = classWeights.map { .given($0) } ?? .none
        recipe.earlyStoppingPatience = earlyStoppingPatience
        recipe.monitor = monitor ?? recipe.monitor
        recipe.restoreBestWeights = restoreBestWeights ?? recipe.restoreBestWeights
        return recipe.describing(optimizer: optimizer, schedule: schedule)
    }

    /// The state, the tensors and the architecture's JSON of the checkpoint at `path`.
    static func read(from path: String) throws -> (state: CheckpointState, tensors: [String: Tensor], architecture: String) {
        let (tensors, metadata) = try ModelFile.readSafetensors(path)
        guard let architectureJSON = metadata[ModelFile.architectureKey], let stateJSON = metadata[metadataKey] else {
            throw ModelError("\(path) is not a Fern training checkpoint (no training state in its metadata)")
        }
        do {
            return (try JSONDecoder().decode(CheckpointState.self, from: Data(stateJSON.utf8)), tensors, architectureJSON)
        } catch {
            throw ModelError("\(path): the training state is damaged (\(error))")
        }
    }
}

extension OptimizerConfig {
    /// The same optimizer with the same settings, whatever its current learning rate.
    func sameSettings(as other: OptimizerConfig) -> Bool {
        var a = self, b = other
        (a.learningRate, b.learningRate) = (0, 0)
        return a == b
    }
}

extension LearningRateSchedule {
    /// The same schedule, whatever state it has reached.
    func sameSettings(as other: LearningRateSchedule) -> Bool {
        (kind, initialRate, factor, every) == (other.kind, other.initialRate, other.factor, other.every)
            && (patience, totalEpochs, minimumRate, warmupEpochs) == (other.patience, other.totalEpochs, other.minimumRate, other.warmupEpochs)
    }
}
