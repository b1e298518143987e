import ArgumentParser
import FernData
import FernNN
import FernTensor
import Foundation

/// `fern train`: trains a reference model on FER2013 or the synthetic faces,
/// with a checkpoint after every epoch so a long run can be resumed. Its
/// options only fill in a `TrainingRecipe`, as `fit` does in the language.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train the assignment's CNN or DNN on a FER2013 CSV or the synthetic faces.",
        discussion: """
            With --resume, the run goes on with the settings stored in the checkpoint; the \
            options given change them (e.g. --epochs 40 trains up to epoch 40).
            """)

    /// This command's defaults where they differ from the recipe's: a full run.
    static var defaults: TrainingRecipe {
        var recipe = TrainingRecipe()
        (recipe.epochs, recipe.seed, recipe.classWeighting) = (30, 1, .balanced)
        return recipe
    }

    @Option(help: "seed-cnn, seed-dnn, tuned-cnn, resnet (a small residual network) or vgg (the VGG variant of the best published FER2013 network) (default: seed-cnn; on --resume, the checkpoint's).")
    var model: String?

    @Option(help: "A train.csv(.gz) in the assignment's format, or 'synthetic'.")
    var data = "synthetic"

    @Option(help: "Number of synthetic faces (with --data synthetic).")
    var syntheticCount = 6000

    @Option(help: "Total epochs; a resumed run continues up to this number (default: 30).")
    var epochs: Int?

    @Option(help: "Mini-batch size (default: 64).")
    var batch: Int?

    @Option(help: "adam, adamw or sgd (default: adam).")
    var optimizer: String?

    @Option(help: "Initial learning rate (default: 0.001).")
    var learningRate: Float?

    @Option(help: "SGD's momentum (default: 0).")
    var momentum: Float?

    @Flag(inversion: .prefixedNo, help: "Nesterov momentum with sgd (default: off).")
    var nesterov: Bool?

    @Option(help: "Weight decay: L2 for adam and sgd, decoupled for adamw (default: 0).")
    var weightDecay: Float?

    @Option(help: "constant, step (x0.1 every 10 epochs), cosine (to lr/100), plateau (multiply by --plateau-factor after --plateau-patience epochs without a lower validation loss) or one_cycle (default: constant).")
    var schedule: String?

    @Option(help: "Epochs of linear warm-up before a cosine schedule (default: 0).")
    var warmup: Int?

    @Option(help: "What the plateau schedule multiplies the rate by (default: 0.5).")
    var plateauFactor: Float?

    @Option(help: "Epochs without a lower validation loss before the plateau schedule lowers the rate (default: 3).")
    var plateauPatience: Int?

    @Option(help: "Share of each target spread over all classes, e.g. 0.1 (default: 0).")
    var labelSmoothing: Float?

    @Option(help: "Mixup's Beta(α, α) parameter, e.g. 0.2 (default: 0, off).")
    var mixup: Float?

    @Option(help: "CutMix's Beta(α, α) parameter, e.g. 1 (default: 0, off).")
    var cutmix: Float?

    @Option(help: """
        A saved model (NAME or NAME.safetensors) to distill: the training targets take --distill of its \
        class probabilities of each training image, averaged with the image's mirror image. Repeat it for \
        an ensemble. It must have been trained on the same split (--validation, --split-seed).
        """)
    var teacher: [String] = []

    @Option(help: "Share of each training target taken from the teacher's probabilities (default: 0.5 with --teacher, else 0).")
    var distill: Float?

    @Option(help: "Decay of a moving average of the weights that validation scores and the model ends with, e.g. 0.999 (default: 0, off).")
    var ema: Float?

    @OptionGroup var split: SplitOptions

    @Option(help: "Seed for the split, initialization, shuffling, dropout and augmentation (default: 1).")
    var seed: UInt64?

    @Flag(inversion: .prefixedNo, help: "Weight the loss by balanced class weights (default: on).")
    var classWeights: Bool?

    @Flag(inversion: .prefixedNo, help: "Augment: flip training images horizontally at random (default: off).")
    var flip: Bool?

    @Option(help: "Augment: shift training images by up to this many pixels (default: 0).")
    var shift: Int?

    @Option(help: "Augment: rotate training images by up to this many degrees (default: 0).")
    var rotate: Float?

    @Option(help: "Augment: zoom training images by up to this fraction, 0.1 = ±10% (default: 0).")
    var zoom: Float?

    @Option(help: "Augment: pad training images with this many black pixels and cut a random window of their size (default: 0).")
    var crop: Int?

    @Option(help: "Augment: probability of filling a random rectangle (2-40% of the image) with its mean (default: 0).")
    var erasing: Float?

    @Option(help: "Stop after this many epochs without a better monitored score (default: never).")
    var patience: Int?

    @Option(help: "val_accuracy or val_loss: what early stopping and the best weights follow (default: val_accuracy).")
    var monitor: String?

    @Flag(inversion: .prefixedNo, help: "At the end, keep the weights of the best validation epoch (default: on).")
    var restoreBest: Bool?

    @Option(help: "Batches that recompute batch-norm statistics after each epoch, dropout off as at inference; 0 keeps running averages (default: 10).")
    var bnBatches: Int?

    @Option(help: "Test-time augmentation for validation: none, mirror or tencrop (default: none).")
    var tta: String?

    @Option(help: "f32, or bf16: convolutions multiply in bfloat16 on CPUs with AMX (Intel Xeon 4th gen+), 1.3-1.5x faster training; f32 elsewhere (default: FERN_PRECISION, else f32).")
    var precision: String?

    @Option(help: "Checkpoint file written after every epoch.")
    var checkpoint: String?

    @Flag(help: "Continue from --checkpoint instead of starting over.")
    var resume = false

    @Option(help: "Where to save the trained model (NAME.safetensors + NAME.json).")
    var output: String?

    @OptionGroup var results: ResultOptions

    func run() throws {
        if let warning = BLASKernel.slowKernelWarning() { FileHandle.standardError.write(Data((warning + "\n").utf8)) }
        let started = Date()
        var recipe = Self.defaults
        if resume {
            guard let checkpoint else { throw ValidationError("--resume needs --checkpoint") }
            guard FileManager.default.fileExists(atPath: checkpoint) else { throw ValidationError("--resume: there is no checkpoint \(checkpoint)") }
            recipe = try TrainingRecipe.stored(in: checkpoint)
        }
        try apply(to: &recipe)
        // Before the data: a teacher that does not load is said at once, not after the model summary.
        let teachers = try teacher.map { name in
            do { return try Sequential.load(from: name) } catch { throw ValidationError("--teacher \(name): \(error)") }
        }
        let source = try loadFaces(data, syntheticCount: syntheticCount, seed: recipe.seed)
        let (train, held) = try split.apply(to: source)
        print("data: \(source.count) images, training on \(train.count), validating on \(held.count)")

        let trainer = try explained {
            if resume, let checkpoint {
                let trainer = try Trainer.resume(from: checkpoint, recipe: recipe)
                if let model, Architecture(of: try ReferenceModel(named: model).make(classes: source.classNames.count, seed: 0))
                    != Architecture(of: trainer.model) {
                    throw ValidationError("--model \(model): the checkpoint \(checkpoint) holds another model")
                }
                print(trainer.resumedLine(checkpoint) { Self.optionName($0) })
                return trainer
            }
            let network = try ReferenceModel(named: model ?? "seed-cnn").make(classes: source.classNames.count, seed: recipe.seed)
            print(network.summary)
            return try recipe.makeTrainer(for: network)
        }
        // Trained, scored and reported in the recipe's precision (run.json's kernels say which ran).
        try ConvolutionPrecision.using(trainer.recipe.precision) {
            // Say what a bf16 request gives (without AMX, a warning has just said why not).
            if ConvolutionPrecision.requested == .bf16 {
                let ran = ConvolutionPrecision.inEffect
                print("convolutions in \(ran)" + (ran == .bf16 ? " on AMX" : ""))
            }
            let teacherProbabilities = try teacherProbabilities(of: train, from: teachers)
            let history = try explained {
                try trainer.fit(images: train.images, labels: train.labels, validation: (held.images, held.labels),
                                teacher: teacherProbabilities)
            }
            let scores = try ValidationScores(model: trainer.model, held: held)
            print(scores.summary(names: source.classNames, epochs: history.epochs, best: history.bestValidationAccuracy,
                                 wallSeconds: Date().timeIntervalSince(started)))
            if let output {
                try trainer.model.save(to: output)
                print("saved \(output).safetensors and \(output).json")
            }
            if let report = results.report {
                let testFaces = try results.test.map { try loadFaces($0) }
                let epochs = RunReport.epochs(of: trainer.history)
                var run = RunReport(command: RunReport.commandLine, model: ReferenceModel.name(of: trainer.model),
                                    data: data, split: split.described(train: train, held: held),
                                    recipe: trainer.recipe, validation: scores, epochs: epochs,
                                    trainingMinutes: epochs.last?.minutesSoFar, wallSeconds: Date().timeIntervalSince(started))
                run.testTimeAugmentation = trainer.recipe.testTimeAugmentation
                try run.write(to: report, model: trainer.model, test: testFaces)
                print("wrote \((report as NSString).appendingPathComponent("run.json"))" + (testFaces == nil ? "" : " and submission.csv"))
            }
        }
    }

    /// The options given, over `recipe`.
    private func apply(to recipe: inout TrainingRecipe) throws {
        try explained {
            if let epochs { recipe.epochs = epochs }
            if let batch { recipe.batchSize = batch }
            if let optimizer { recipe.optimizer = try TrainingRecipe.optimizer(named: optimizer) }
            if let learningRate { recipe.learningRate = learningRate }
            if let momentum { recipe.momentum = momentum }
            if let nesterov { recipe.nesterov = nesterov }
            if let weightDecay { recipe.weightDecay = weightDecay }
            if let schedule { recipe.switchSchedule(to: try TrainingRecipe.schedule(named: schedule)) }
            if let warmup { recipe.warmupEpochs = warmup }
            if let plateauFactor { recipe.plateauFactor = plateauFactor }
            if let plateauPatience { recipe.plateauPatience = plateauPatience }
            if let labelSmoothing { recipe.labelSmoothing = labelSmoothing }
            if let mixup { recipe.mixup = mixup }
            if let cutmix { recipe.cutMix = cutmix }
            if let distill { recipe.distillation = distill } else if !teacher.isEmpty && recipe.distillation == 0 {
                recipe.distillation = TrainingRecipe.usualDistillation
            }
            if let ema { recipe.averaging = ema }
            if let seed { recipe.seed = seed }
            if let classWeights { recipe.classWeighting = classWeights ? .balanced : .none }
            if let flip { recipe.augmentation.horizontalFlip = flip }
            if let shift { recipe.augmentation.maxShift = shift }
            if let rotate { recipe.augmentation.maxRotationDegrees = rotate }
            if let zoom { recipe.augmentation.maxZoom = zoom }
            if let crop { recipe.augmentation.maxCrop = crop }
            if let erasing { recipe.augmentation.erasing = erasing }
            if let patience { recipe.earlyStoppingPatience = patience }
            if let monitor { recipe.monitor = try TrainingRecipe.monitor(named: monitor) }
            if let restoreBest { recipe.restoreBestWeights = restoreBest }
            if let bnBatches { recipe.batchNormRecalibrationBatches = bnBatches }
            if let tta { recipe.testTimeAugmentation = try TrainingRecipe.testTimeAugmentation(named: tta) }
            if let precision { recipe.precision = try TrainingRecipe.precision(named: precision) }
            recipe.checkpointPath = checkpoint
            try recipe.validate()
        }
    }

    /// The teacher's (or the teachers' ensemble's) class probabilities of the training images,
    /// each averaged with its mirror image; nil without --teacher.
    private func teacherProbabilities(of train: Dataset, from members: [Sequential]) throws -> Tensor? {
        guard !members.isEmpty else { return nil }
        let started = Date()
        let probabilities = try Sequential.teacherProbabilities(of: members, images: train.images, classes: train.classNames.count)
        print("teacher: \(teacher.joined(separator: ", ")), its probabilities of the \(train.count) training images "
              + String(format: "in %.0f s", Date().timeIntervalSince(started)))
        return probabilities
    }

    /// Runs `body`, saying a recipe error in terms of this command's options.
    private func explained<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as RecipeError {
            throw ValidationError(error.message(calling: Self.optionName(error.setting)))
        }
    }

    /// What this command calls each setting (a switch, so a new setting cannot go unnamed).
    static func optionName(_ setting: RecipeError.Setting) -> String {
        switch setting {
        case .epochs: "--epochs"
        case .batchSize: "--batch"
        case .learningRate: "--learning-rate"
        case .optimizer: "--optimizer"
        case .momentum: "--momentum"
        case .weightDecay: "--weight-decay"
        case .schedule: "--schedule"
        case .shift: "--shift"
        case .rotate: "--rotate"
        case .zoom: "--zoom"
        case .classWeights: "--class-weights"
        case .patience: "--patience"
        case .monitor: "--monitor"
        case .batchNormBatches: "--bn-batches"
        case .testTimeAugmentation: "--tta"
        case .warmup: "--warmup"
        case .plateauFactor: "--plateau-factor"
        case .plateauPatience: "--plateau-patience"
        case .labelSmoothing: "--label-smoothing"
        case .mixup: "--mixup"
        case .cutMix: "--cutmix"
        case .distillation: "--distill"
        case .averaging: "--ema"
        case .crop: "--crop"
        case .erasing: "--erasing"
        case .precision: "--precision"
        case .nesterov: "--nesterov"
        case .flip: "--flip"
        case .restoreBest: "--restore-best"
        case .seed: "--seed"
        }
    }
}
