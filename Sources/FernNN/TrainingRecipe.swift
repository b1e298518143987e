import FernData
import FernTensor
import Foundation

/// How to train a classifier: every choice that `fit` in the language and `fern train` on the
/// command line offer, in one value that both only fill in from their arguments. It makes the
/// optimizer, the learning-rate schedule and the trainer, and every checkpoint stores it, so a
/// resumed run goes on with the settings it had.
public struct TrainingRecipe: Codable, Equatable, Sendable {
    public enum OptimizerKind: String, Codable, CaseIterable, Sendable { case adam, adamw, sgd }
    /// constant; step (×0.1 every 10 epochs); cosine (to lr/100 over the epochs, after
    /// `warmupEpochs` of linear warm-up from lr/100 if any); plateau (multiply by
    /// `plateauFactor`, ½, after `plateauPatience`, 3, epochs without a lower validation
    /// loss, down to 1e-5 or lr if lower); one_cycle (Smith's
    /// one-cycle: up from lr/25 to lr over 30% of the epochs, then down to lr/25/10⁴).
    public enum ScheduleKind: String, Codable, CaseIterable, Sendable {
        case constant, step, cosine, plateau, oneCycle = "one_cycle"
    }
    public enum Monitor: String, Codable, CaseIterable, Sendable {
        case validationAccuracy, validationLoss
        /// The name users write: val_accuracy, val_loss.
        public var name: String { self == .validationAccuracy ? "val_accuracy" : "val_loss" }
    }
    /// How the loss weighs each class.
    public enum ClassWeighting: Codable, Equatable, Sendable {
        case none
        /// scikit-learn's "balanced" weights, from the training labels.
        case balanced
        case given([Float])
    }

    public var epochs = 10
    public var batchSize = 64
    /// Seeds shuffling, dropout and augmentation; each epoch derives its own
    /// streams from it, so a resumed run repeats an uninterrupted one exactly.
    public var seed: UInt64 = 0
    public var optimizer = OptimizerKind.adam
    public var learningRate: Float = 1e-3
    /// SGD's momentum (0: none).
    public var momentum: Float = 0
    public var nesterov = false
    /// L2 for adam and sgd, decoupled for adamw.
    public var weightDecay: Float = 0
    public var schedule = ScheduleKind.constant
    /// Epochs of linear warm-up before a cosine schedule (0: none).
    public var warmupEpochs = 0
    /// The plateau schedule's factor and patience (Keras' ReduceLROnPlateau's; the best
    /// published FER2013 network used 0.75 after 5 epochs).
    public var plateauFactor: Float = 0.5
    public var plateauPatience = 3
    public var augmentation = Augmentation()
    public var classWeighting = ClassWeighting.none
    /// Share of each target's mass spread evenly over all classes (0: none; 0.1 is usual).
    public var labelSmoothing: Float = 0
    /// Mixup's α: each image blended with another of its batch, λ ~ Beta(α, α) (0: off; 0.2 is usual).
    public var mixup: Float = 0
    /// CutMix's α: a rectangle of another image pasted in (0: off; 1 is usual). With mixup
    /// on too, each batch uses one of the two.
    public var cutMix: Float = 0
    /// Share of each training target taken from a teacher's class probabilities of that image
    /// (knowledge distillation; 0: off, 0.5 is usual); `Trainer.fit` then needs those probabilities.
    public var distillation: Float = 0
    /// The share `distillation` takes when a teacher is given without one.
    public static let usualDistillation: Float = 0.5
    /// Decay of an exponential moving average of the weights, which validation scores and the
    /// model ends with (0: off; 0.999 is usual).
    public var averaging: Float = 0
    /// Stop after this many epochs without improvement of `monitor`.
    public var earlyStoppingPatience: Int?
    public var monitor = Monitor.validationAccuracy
    /// At the end, put back the weights of the best validation epoch.
    public var restoreBestWeights = true
    /// After each epoch, recompute batch-norm statistics from this many
    /// training batches (0: keep the running averages, as Keras does).
    public var batchNormRecalibrationBatches = 10
    /// How validation images are classified each epoch.
    public var testTimeAugmentation = TestTimeAugmentation.none
    /// Where to write a checkpoint after every epoch.
    public var checkpointPath: String?
    /// What convolutions multiply in while training (nil: FERN_PRECISION's, else f32);
    /// bf16 holds only on CPUs with AMX (see ConvolutionPrecision).
    public var precision: ConvolutionPrecision?

    public init() {}

    /// Settings missing from a stored recipe (one from before they existed) take their defaults.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = TrainingRecipe()
        func read<T: Decodable>(_ key: CodingKeys, _ fallback: T) throws -> T {
            try container.decodeIfPresent(T.self, forKey: key) ?? fallback
        }
        epochs = try read(.epochs, defaults.epochs)
        batchSize = try read(.batchSize, defaults.batchSize)
        seed = try read(.seed, defaults.seed)
        optimizer = try read(.optimizer, defaults.optimizer)
        learningRate = try read(.learningRate, defaults.learningRate)
        momentum = try read(.momentum, defaults.momentum)
        nesterov = try read(.nesterov, defaults.nesterov)
        weightDecay = try read(.weightDecay, defaults.weightDecay)
        schedule = try read(.schedule, defaults.schedule)
        warmupEpochs = try read(.warmupEpochs, defaults.warmupEpochs)
        plateauFactor = try read(.plateauFactor, defaults.plateauFactor)
        plateauPatience = try read(.plateauPatience, defaults.plateauPatience)
        augmentation = try read(.augmentation, defaults.augmentation)
        classWeighting = try read(.classWeighting, defaults.classWeighting)
        labelSmoothing = try read(.labelSmoothing, defaults.labelSmoothing)
        mixup = try read(.mixup, defaults.mixup)
        cutMix = try read(.cutMix, defaults.cutMix)
        distillation = try read(.distillation, defaults.distillation)
        averaging = try read(.averaging, defaults.averaging)
        earlyStoppingPatience = try read(.earlyStoppingPatience, defaults.earlyStoppingPatience)
        monitor = try read(.monitor, defaults.monitor)
        restoreBestWeights = try read(.restoreBestWeights, defaults.restoreBestWeights)
        batchNormRecalibrationBatches = try read(.batchNormRecalibrationBatches, defaults.batchNormRecalibrationBatches)
        testTimeAugmentation = try read(.testTimeAugmentation, defaults.testTimeAugmentation)
        checkpointPath = try read(.checkpointPath, defaults.checkpointPath)
        precision = try read(.precision, defaults.precision)
    }

    /// Switches to the schedule `kind`, the settings of the one it leaves back at their defaults:
    /// a run resumed with another schedule is not told that its old warm-up or plateau settings
    /// do not apply to the new one.
    public mutating func switchSchedule(to kind: ScheduleKind) {
        guard kind != schedule else { return }
        let defaults = TrainingRecipe()
        schedule = kind
        if kind != .cosine { warmupEpochs = defaults.warmupEpochs }
        if kind != .plateau { (plateauFactor, plateauPatience) = (defaults.plateauFactor, defaults.plateauPatience) }
    }

    /// Throws a `RecipeError` naming the first setting out of range.
    public func validate() throws {
        func fail(_ setting: RecipeError.Setting, _ problem: String) -> RecipeError { RecipeError(setting, problem) }
        guard (0...100_000).contains(epochs) else { throw fail(.epochs, "must be between 0 and 100000, got \(epochs)") }
        guard batchSize > 0 else { throw fail(.batchSize, "must be at least 1, got \(batchSize)") }
        guard learningRate > 0, learningRate.isFinite else {
            throw fail(.learningRate, "must be a positive number, got \(RecipeError.format(learningRate))")
        }
        guard momentum >= 0, momentum < 1 else { throw fail(.momentum, "must be in [0, 1), got \(RecipeError.format(momentum))") }
        guard weightDecay >= 0, weightDecay.isFinite else {
            throw fail(.weightDecay, "must not be negative, got \(RecipeError.format(weightDecay))")
        }
        if let patience = earlyStoppingPatience, patience < 0 { throw fail(.patience, "must not be negative, got \(patience)") }
        guard (0...10_000).contains(batchNormRecalibrationBatches) else {
            throw fail(.batchNormBatches, "must be between 0 and 10000, got \(batchNormRecalibrationBatches)")
        }
        guard labelSmoothing >= 0, labelSmoothing < 1 else {
            throw fail(.labelSmoothing, "must be in [0, 1), got \(RecipeError.format(labelSmoothing))")
        }
        for (setting, alpha) in [(RecipeError.Setting.mixup, mixup), (.cutMix, cutMix)] where !(alpha >= 0 && alpha <= 100) {
            throw fail(setting, "must be between 0 (off) and 100, got \(RecipeError.format(alpha))")
        }
        guard distillation >= 0, distillation <= 1 else {
            throw fail(.distillation, "must be in [0, 1], got \(RecipeError.format(distillation))")
        }
        guard averaging >= 0, averaging < 1 else { throw fail(.averaging, "must be in [0, 1), got \(RecipeError.format(averaging))") }
        guard warmupEpochs >= 0, warmupEpochs == 0 || warmupEpochs < epochs else {
            throw fail(.warmup, "must be between 0 and the epochs - 1 (\(max(epochs - 1, 0))), got \(warmupEpochs)")
        }
        guard warmupEpochs == 0 || schedule == .cosine else {
            throw fail(.warmup, "applies to the cosine schedule only (the schedule is \(schedule.rawValue))")
        }
        guard plateauFactor > 0, plateauFactor < 1 else {
            throw fail(.plateauFactor, "must be in (0, 1), got \(RecipeError.format(plateauFactor))")
        }
        guard (0...10_000).contains(plateauPatience) else {
            throw fail(.plateauPatience, "must be between 0 and 10000, got \(plateauPatience)")
        }
        let defaults = TrainingRecipe()
        for (setting, isDefault) in [(RecipeError.Setting.plateauFactor, plateauFactor == defaults.plateauFactor),
                                     (.plateauPatience, plateauPatience == defaults.plateauPatience)]
        where !isDefault && schedule != .plateau {
            throw fail(setting, "applies to the plateau schedule only (the schedule is \(schedule.rawValue))")
        }
        try checkAugmentation()
    }

    /// How each batch's labels are softened, if at all.
    var softTargets: SoftTargets {
        SoftTargets(smoothing: labelSmoothing, mixupAlpha: mixup, cutMixAlpha: cutMix, distillation: distillation)
    }

    /// The augmentation's settings, for images of this size when given.
    func checkAugmentation(height: Int? = nil, width: Int? = nil) throws {
        do {
            try augmentation.checkSettings(height: height, width: width)
        } catch let error as AugmentationError {
            let setting: RecipeError.Setting = switch error.setting {
            case .shift: .shift
            case .rotation: .rotate
            case .zoom: .zoom
            case .crop: .crop
            case .erasing: .erasing
            }
            throw RecipeError(setting, error.problem)
        }
    }

    /// The optimizer's settings; a checkpoint's optimizer with the same ones keeps its state on resume.
    public var optimizerConfig: OptimizerConfig {
        var config = OptimizerConfig(type: optimizer.rawValue, learningRate: learningRate)
        config.momentum = optimizer == .sgd ? momentum : 0
        config.nesterov = optimizer == .sgd && nesterov
        config.weightDecay = weightDecay
        return config
    }

    public func makeOptimizer() throws -> Optimizer {
        try optimizerConfig.make()
    }

    /// The schedule for this recipe's rate and epochs (the only place its constants are chosen).
    public func makeSchedule() throws -> LearningRateSchedule {
        switch schedule {
        case .constant: .constant(learningRate)
        case .step: try .step(learningRate, every: 10, factor: 0.1)
        case .cosine where warmupEpochs > 0:
            try .warmupCosine(learningRate, warmup: warmupEpochs, totalEpochs: epochs, minimumRate: learningRate / 100)
        case .cosine: try .cosine(learningRate, totalEpochs: max(epochs, 1), minimumRate: learningRate / 100)
        case .oneCycle: try .oneCycle(learningRate, totalEpochs: max(epochs, 1))
        case .plateau: try .reduceOnPlateau(learningRate, factor: plateauFactor, patience: plateauPatience,
                                            minimumRate: min(1e-5, learningRate))
        }
    }

    /// The loss's class weights for these training labels and classes, or nil for none.
    public func classWeights(labels: [Int], classes: Int) throws -> [Float]? {
        switch classWeighting {
        case .none: return nil
        case .balanced:
            var counts = [Int](repeating: 0, count: classes)
            for label in labels where counts.indices.contains(label) { counts[label] += 1 }
            return Dataset.balancedClassWeights(counts: counts)
        case .given(let weights):
            guard weights.count == classes, weights.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
                throw RecipeError(.classWeights, "needs \(classes) non-negative numbers (one per class), got \(weights.count)")
            }
            return weights
        }
    }

    /// A trainer for `model` following this recipe; with `resume`, one that goes on from the
    /// checkpoint when its file exists (it must hold a model of the same architecture; the
    /// trainer then trains its own copy, see `Trainer.resume`).
    public func makeTrainer(for model: Sequential, resume: Bool = false,
                            progress: ProgressReporter = .automatic()) throws -> Trainer {
        try validate()
        if resume, let path = checkpointPath, FileManager.default.fileExists(atPath: path) {
            let trainer = try Trainer.resume(from: path, recipe: self, progress: progress)
            guard Architecture(of: trainer.model) == Architecture(of: model) else {
                throw ModelError("the checkpoint \(path) holds a different model; delete it or train without resuming")
            }
            return trainer
        }
        return Trainer(model: model, optimizer: try makeOptimizer(), schedule: try makeSchedule(), recipe: self,
                       progress: progress)
    }

    /// This recipe with its optimizer and schedule settings those of `optimizer` and `schedule`.
    func describing(optimizer config: OptimizerConfig, schedule: LearningRateSchedule) -> TrainingRecipe {
        var recipe = self
        recipe.optimizer = OptimizerKind(rawValue: config.type) ?? recipe.optimizer
        (recipe.momentum, recipe.nesterov, recipe.weightDecay) = (config.momentum, config.nesterov, config.weightDecay)
        recipe.learningRate = schedule.initialRate
        recipe.schedule = switch schedule.kind {
        case .constant: .constant
        case .step: .step
        case .cosine, .warmupCosine: .cosine
        case .reduceOnPlateau: .plateau
        case .oneCycle: .oneCycle
        }
        recipe.warmupEpochs = schedule.kind == .warmupCosine ? schedule.warmupEpochs ?? 0 : 0
        let defaults = TrainingRecipe()
        (recipe.plateauFactor, recipe.plateauPatience) = schedule.kind == .reduceOnPlateau
            ? (schedule.factor, schedule.patience) : (defaults.plateauFactor, defaults.plateauPatience)
        return recipe
    }

    /// The recipe a checkpoint was trained with (to resume it with some settings changed).
    public static func stored(in checkpoint: String) throws -> TrainingRecipe {
        var recipe = try CheckpointState.read(from: checkpoint).state.trainingRecipe
        recipe.checkpointPath = checkpoint
        return recipe
    }
}

/// Names for the recipe's choices as users write them, with errors that list the choices.
extension TrainingRecipe {
    public static func optimizer(named name: String) throws -> OptimizerKind {
        guard let kind = OptimizerKind(rawValue: name.lowercased()) else {
            throw RecipeError(.optimizer, "unknown optimizer \"\(name)\" (choose adam, adamw or sgd)", startsWithName: false)
        }
        return kind
    }

    public static func schedule(named name: String) throws -> ScheduleKind {
        guard let kind = ScheduleKind(rawValue: name.lowercased()) else {
            throw RecipeError(.schedule, "unknown schedule \"\(name)\" (choose constant, step, cosine, plateau or one_cycle)",
                              startsWithName: false)
        }
        return kind
    }

    public static func monitor(named name: String) throws -> Monitor {
        guard let monitor = Monitor.allCases.first(where: { $0.name == name }) else {
            throw RecipeError(.monitor, "must be \"val_accuracy\" or \"val_loss\", got \"\(name)\"")
        }
        return monitor
    }

    public static func precision(named name: String) throws -> ConvolutionPrecision {
        guard let precision = ConvolutionPrecision(rawValue: name.lowercased()) else {
            throw RecipeError(.precision, "must be \"f32\" or \"bf16\", got \"\(name)\"")
        }
        return precision
    }

    public static func testTimeAugmentation(named name: String) throws -> TestTimeAugmentation {
        guard let tta = TestTimeAugmentation(rawValue: name.lowercased()) else {
            let names = TestTimeAugmentation.allCases.map { "\"\($0.rawValue)\"" }
            let choices = names.dropLast().joined(separator: ", ") + " or " + names.last!
            throw RecipeError(.testTimeAugmentation, "must be \(choices), got \"\(name)\"")
        }
        return tta
    }
}

/// Independent random streams for one epoch, derived from the run's seed.
func epochGenerator(seed: UInt64, epoch: Int, stream: UInt64) -> SeededGenerator {
    SeededGenerator(seed: seed &+ UInt64(epoch + 1) &* 0x9E37_79B9_7F4A_7C15 &+ stream &* 0xD1B5_4A32_D192_ED03)
}
