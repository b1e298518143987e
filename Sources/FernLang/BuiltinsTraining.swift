import FernAnalysis
import FernData
import FernNN
import FernTensor
import Foundation

/// Training and evaluation built-ins: `fit` (optimizer, schedule,
/// augmentation, class weights, early stopping and checkpoints as keyword
/// options), `evaluate`, `predict` and the confusion matrix.
extension Builtins {
    static let training: [Builtin] = [
        Builtin("fit(model, data, epochs=10, batch=64, optimizer=\"adam\", lr=0.001, momentum=0, nesterov=false, weight_decay=0, validation=none, class_weights=false, flip=false, shift=0, rotate=0, zoom=0, crop=0, erasing=0, schedule=\"constant\", warmup=0, plateau_factor=0.5, plateau_patience=3, label_smoothing=0, mixup=0, cutmix=0, ema=0, patience=none, monitor=\"val_accuracy\", restore_best=true, checkpoint=none, resume=false, seed=0, bn_batches=10, tta=\"none\", precision=none, teacher=none, distill=none)",
                "Trains the model in place and returns its history. optimizer: adam, adamw, sgd (momentum and nesterov for sgd); schedule: constant, step (×0.1 every 10 epochs), cosine (to lr/100, after warmup epochs of linear warm-up), plateau (multiply by plateau_factor after plateau_patience epochs without a lower validation loss), one_cycle (up from lr/25 over 30% of the epochs, then down); label_smoothing: share of each target spread over all classes; mixup, cutmix: their Beta(α, α) parameter (0: off); ema: decay of a moving average of the weights that validation scores and the model ends with (0: off, 0.999 usual); crop: pad images with this many black pixels and cut a random image-sized window; erasing: probability of filling a random rectangle (2-40% of the image) with its mean; validation: a dataset or a fraction to hold out; class_weights: true (balanced) or a list; checkpoint: saved every epoch, resume=true continues from it; bn_batches: batches that recompute batch-norm statistics after each epoch, dropout off as at inference (0: Keras' running averages); tta: how validation images are classified, as in predict (then the history's val_accuracy is that score and plain_val_accuracy the images' own, each epoch; none without tta); precision: \"bf16\" multiplies convolutions in bfloat16 on CPUs with AMX (1.3-1.5x faster), \"f32\" never (none: FERN_PRECISION's), kept in the checkpoint; teacher: a trained model, or a list of them averaged as an ensemble (trained without the validation images), to distill: each training target takes distill (0.5 when not given) of its class probabilities of the image, averaged with the mirror image. Ctrl-C stops after the current batch and returns the history so far; the history's seconds leave out time the process spent stopped (Ctrl-Z).") { args, interpreter in
            try fit(args, interpreter)
        },
        Builtin("evaluate(model, data, batch=256, tta=\"none\")", "[loss, accuracy] of the model on a labelled dataset (mean cross-entropy, share classified correctly); tta as in predict.") { args, _ in
            let model = try args.model("model"), data = try args.dataset("data"), batch = try args.positiveInt("batch")
            let tta = try testTimeAugmentation(args)
            let (loss, accuracy) = try args.reporting {
                try model.evaluate(data.images, labels: data.labels, batchSize: batch, augmentation: tta)
            }
            return .list([.number(Double(loss)), .number(Double(accuracy))])
        },
        Builtin("predict(model, data, batch=256, tta=\"none\")", "The most likely class of each image of a dataset or tensor, as a list of class indices. tta (test-time augmentation) averages each image's class probabilities over views of it: \"mirror\" (the image and its mirror image), \"tencrop\" (the image and four copies moved diagonally by 1/16 of its side, edge pixels repeated, each also mirrored).") { args, _ in
            let model = try args.model("model"), images = try args.images("data"), batch = try args.positiveInt("batch")
            let tta = try testTimeAugmentation(args)
            return .list(try args.reporting { try model.predictClasses(images, batchSize: batch, augmentation: tta) }
                .map { .number(Double($0)) })
        },
        Builtin("predict_proba(model, data, batch=256)", "The model's outputs (class probabilities for a softmax model) for a dataset or tensor, as a [count, classes] tensor.") { args, _ in
            let model = try args.model("model"), images = try args.images("data"), batch = try args.positiveInt("batch")
            return .tensor(try args.reporting { try model.predict(images, batchSize: batch) })
        },
        Builtin("confusion_matrix(labels, predicted, classes=none)", "Counts [true class, predicted class] as a tensor; classes defaults to the largest label + 1.") { args, _ in
            let labels = try args.wholeNumberList("labels"), predicted = try args.wholeNumberList("predicted")
            try checkPairs(args, labels, predicted)
            let classes = try args.optionalPositiveInt("classes") ?? ((labels + predicted).max() ?? 0) + 1
            guard classes <= 10_000 else { throw FernError.runtime("confusion_matrix: \(classes) classes is too many (at most 10000)") }
            let matrix = try args.reporting {
                try ConfusionMatrix(predicted: predicted, labels: labels, classNames: (0..<classes).map(String.init))
            }
            return .tensor(try Tensor(shape: [classes, classes], scalars: matrix.counts.joined().map(Float.init)))
        },
        Builtin("accuracy(labels, predicted)", "The share of predictions equal to the labels, between 0 and 1.") { args, _ in
            let labels = try args.wholeNumberList("labels"), predicted = try args.wholeNumberList("predicted")
            try checkPairs(args, labels, predicted)
            guard !labels.isEmpty else { throw FernError.runtime("accuracy: there are no labels") }
            return .number(Double(zip(labels, predicted).filter { $0 == $1 }.count) / Double(labels.count))
        },
    ]

    private static func checkPairs(_ args: Arguments, _ labels: [Int], _ predicted: [Int]) throws {
        guard labels.count == predicted.count else {
            throw FernError.runtime("\(args.function): \(labels.count) labels but \(predicted.count) predictions")
        }
    }

    // MARK: fit

    private static func fit(_ args: Arguments, _ interpreter: Interpreter) throws -> Value {
        let model = try args.model("model")
        var train = try args.dataset("data")
        guard train.isLabelled, train.count > 0 else { throw FernError.runtime("fit: the training data has no labelled images") }
        let seed = try args.seed("seed")
        var validation: Dataset?
        switch args.optional("validation") {
        case nil: break
        case .dataset(let held)?: validation = held
        case .number?: (train, validation) = try stratifiedSplit(train, args, "validation", seed: seed)
        case let other?: throw args.failure("validation", expected: "a dataset or a fraction such as 0.1", got: other)
        }
        if let held = validation, !held.isLabelled || held.count == 0 {
            throw FernError.runtime("fit: the validation data has no labelled images")
        }
        let recipe = try explained(args) { try makeRecipe(args, train, model: model, seed: seed) }
        let trainer = try args.reporting {
            try explained(args) { try recipe.makeTrainer(for: model, resume: args.bool("resume")) }
        }
        trainer.progress = interpreter.makeProgress()
        trainer.shouldStop = interpreter.shouldStop
        // A resumed trainer trains its own copy; the user's model gets the weights back even when stopped.
        let resumed = trainer.model !== model
        defer { if resumed { try? model.loadWeights(trainer.model.weights) } }
        if resumed, let checkpoint = recipe.checkpointPath {
            interpreter.output("fit: " + trainer.resumedLine(checkpoint) { "'\(parameterName($0))'" })
        }
        let teacher = try teacherProbabilities(args, train, classes: model.outputShape.last ?? 0)
        let history = try args.reporting {
            try explained(args) {
                try trainer.fit(images: train.images, labels: train.labels, validation: validation.map { ($0.images, $0.labels) },
                                teacher: teacher)
            }
        }
        return .history(history)
    }

    /// The training recipe the arguments describe.
    private static func makeRecipe(_ args: Arguments, _ train: Dataset, model: Sequential, seed: UInt64) throws -> TrainingRecipe {
        var recipe = TrainingRecipe()
        recipe.epochs = try args.int("epochs")
        recipe.batchSize = try args.positiveInt("batch")
        recipe.seed = seed
        recipe.optimizer = try TrainingRecipe.optimizer(named: try args.string("optimizer"))
        recipe.learningRate = Float(try args.number("lr"))
        recipe.momentum = Float(try args.number("momentum"))
        recipe.nesterov = args.bool("nesterov")
        recipe.weightDecay = Float(try args.number("weight_decay"))
        recipe.schedule = try TrainingRecipe.schedule(named: try args.string("schedule"))
        recipe.warmupEpochs = try args.int("warmup")
        recipe.plateauFactor = Float(try args.number("plateau_factor"))
        recipe.plateauPatience = try args.int("plateau_patience")
        recipe.labelSmoothing = Float(try args.number("label_smoothing"))
        recipe.mixup = Float(try args.number("mixup"))
        recipe.cutMix = Float(try args.number("cutmix"))
        recipe.distillation = args.optional("distill") != nil ? Float(try args.number("distill"))
            : args.optional("teacher") != nil ? TrainingRecipe.usualDistillation : 0
        recipe.averaging = Float(try args.number("ema"))
        recipe.augmentation = Augmentation(horizontalFlip: args.bool("flip"), maxShift: try args.int("shift"),
                                           maxRotationDegrees: Float(try args.number("rotate")), maxZoom: Float(try args.number("zoom")),
                                           maxCrop: try args.int("crop"), erasing: Float(try args.number("erasing")))
        recipe.classWeighting = try classWeighting(args, train, classes: model.outputShape.last ?? 0)
        recipe.earlyStoppingPatience = try args.optional("patience").map { _ in try args.int("patience") }
        recipe.monitor = try TrainingRecipe.monitor(named: try args.string("monitor"))
        recipe.restoreBestWeights = args.bool("restore_best")
        recipe.batchNormRecalibrationBatches = try args.int("bn_batches")
        recipe.testTimeAugmentation = try TrainingRecipe.testTimeAugmentation(named: try args.string("tta"))
        recipe.checkpointPath = try args.optionalString("checkpoint")
        recipe.precision = try args.optionalString("precision").map { try TrainingRecipe.precision(named: $0) }
        try recipe.validate()
        return recipe
    }

    /// The teacher's (or the teachers' ensemble's) class probabilities of the training images, or nil without a teacher.
    private static func teacherProbabilities(_ args: Arguments, _ train: Dataset, classes: Int) throws -> Tensor? {
        guard args.optional("teacher") != nil else { return nil }
        let teachers = try args.models("teacher")
        return try args.reporting { try Sequential.teacherProbabilities(of: teachers, images: train.images, classes: classes) }
    }

    /// true: balanced weights from the training set; a list: one weight per class.
    private static func classWeighting(_ args: Arguments, _ train: Dataset, classes: Int) throws -> TrainingRecipe.ClassWeighting {
        switch args.optional("class_weights") {
        case .bool(false)?, nil: return .none
        case .bool(true)?:
            guard train.classNames.count == classes else {
                throw FernError.runtime("fit: the data has \(train.classNames.count) classes but the model \(classes) outputs")
            }
            return .balanced
        default:
            return .given(try args.numbers("class_weights").map(Float.init))
        }
    }

    /// The `tta` argument of predict and evaluate.
    private static func testTimeAugmentation(_ args: Arguments) throws -> TestTimeAugmentation {
        try explained(args) { try TrainingRecipe.testTimeAugmentation(named: try args.string("tta")) }
    }

    /// Runs `body`, saying a recipe error in terms of fit's parameters.
    private static func explained<T>(_ args: Arguments, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as RecipeError {
            throw FernError.runtime("\(args.function): " + error.message(calling: "'\(parameterName(error.setting))'"))
        }
    }

    /// What fit calls each setting (a switch, so a new setting cannot go unnamed).
    private static func parameterName(_ setting: RecipeError.Setting) -> String {
        switch setting {
        case .epochs: "epochs"
        case .batchSize: "batch"
        case .learningRate: "lr"
        case .optimizer: "optimizer"
        case .momentum: "momentum"
        case .weightDecay: "weight_decay"
        case .schedule: "schedule"
        case .shift: "shift"
        case .rotate: "rotate"
        case .zoom: "zoom"
        case .classWeights: "class_weights"
        case .patience: "patience"
        case .monitor: "monitor"
        case .batchNormBatches: "bn_batches"
        case .testTimeAugmentation: "tta"
        case .warmup: "warmup"
        case .plateauFactor: "plateau_factor"
        case .plateauPatience: "plateau_patience"
        case .labelSmoothing: "label_smoothing"
        case .mixup: "mixup"
        case .cutMix: "cutmix"
        case .distillation: "distill"
        case .averaging: "ema"
        case .crop: "crop"
        case .erasing: "erasing"
        case .precision: "precision"
        case .nesterov: "nesterov"
        case .flip: "flip"
        case .restoreBest: "restore_best"
        case .seed: "seed"
        }
    }
}
