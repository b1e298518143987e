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
        Builtin("fit(model, data, epochs=10, batch=64, optimizer=\"adam\", lr=0.001, momentum=0, weight_decay=0, validation=none, class_weights=false, flip=false, shift=0, rotate=0, zoom=0, schedule=\"constant\", patience=none, monitor=\"val_accuracy\", restore_best=true, checkpoint=none, resume=false, seed=0, bn_batches=10)",
                "Trains the model in place and returns its history. optimizer: adam, adamw, sgd; schedule: constant, step, cosine, plateau; validation: a dataset or a fraction to hold out; class_weights: true (balanced) or a list; checkpoint: saved every epoch, resume=true continues from it; bn_batches: batches that recompute batch-norm statistics after each epoch (0: Keras' running averages). Ctrl-C stops after the current batch and returns the history so far.") { args, interpreter in
            try fit(args, interpreter)
        },
        Builtin("evaluate(model, data, batch=256)", "[loss, accuracy] of the model on a labelled dataset (mean cross-entropy, share classified correctly).") { args, _ in
            let model = try args.model("model"), data = try args.dataset("data"), batch = try args.positiveInt("batch")
            let (loss, accuracy) = try args.reporting { try model.evaluate(data.images, labels: data.labels, batchSize: batch) }
            return .list([.number(Double(loss)), .number(Double(accuracy))])
        },
        Builtin("predict(model, data, batch=256, mirror=false)", "The most likely class of each image of a dataset or tensor, as a list of class indices; mirror=true averages each image's class probabilities with its mirror image's (test-time augmentation).") { args, _ in
            let model = try args.model("model"), images = try args.images("data"), batch = try args.positiveInt("batch")
            let mirror = args.bool("mirror")
            return .list(try args.reporting { try model.predictClasses(images, batchSize: batch, mirrorAveraged: mirror) }
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

        var options = TrainingOptions()
        options.epochs = try args.int("epochs", default: 10)
        guard (0...100_000).contains(options.epochs) else { throw FernError.runtime("fit: 'epochs' must be between 0 and 100000, got \(options.epochs)") }
        options.batchSize = try args.optionalPositiveInt("batch") ?? 64
        options.seed = seed
        options.classWeights = try classWeights(args, train, classes: model.outputShape.last ?? 0)
        options.earlyStoppingPatience = try args.optional("patience").map { _ in try args.int("patience") }
        if options.earlyStoppingPatience != nil && validation == nil {
            throw FernError.runtime("fit: 'patience' (early stopping) needs validation data")
        }
        options.monitor = try monitor(args)
        options.restoreBestWeights = args.bool("restore_best", default: true)
        options.batchNormRecalibrationBatches = try args.int("bn_batches", default: 10)
        guard (0...10_000).contains(options.batchNormRecalibrationBatches) else {
            throw FernError.runtime("fit: 'bn_batches' must be between 0 and 10000, got \(options.batchNormRecalibrationBatches)")
        }
        options.checkpointPath = try args.optionalString("checkpoint")
        options.augment = try augmentation(args)
        let rate = Float(try args.number("lr", default: 0.001))
        guard rate > 0, rate.isFinite else { throw FernError.runtime("fit: 'lr' must be a positive number, got \(Value.number(Double(rate)))") }

        let trainer = try args.reporting { () -> Trainer in
            if args.bool("resume", default: false), let path = options.checkpointPath, FileManager.default.fileExists(atPath: path) {
                return try resumedTrainer(model, path, options)
            }
            return Trainer(model: model, optimizer: try optimizer(args, rate), schedule: try schedule(args, rate, epochs: options.epochs),
                           options: options)
        }
        trainer.progress = interpreter.makeProgress()
        trainer.shouldStop = interpreter.shouldStop
        // A resumed trainer trains its own copy; the user's model gets the weights back even when stopped.
        defer { if trainer.model !== model { try? model.loadWeights(trainer.model.weights) } }
        let history = try args.reporting {
            try trainer.fit(images: train.images, labels: train.labels, validation: validation.map { ($0.images, $0.labels) })
        }
        return .history(history)
    }

    /// The trainer a checkpoint recorded, continuing up to this call's epochs
    /// with this call's data options; the checkpoint must be of this model's architecture.
    private static func resumedTrainer(_ model: Sequential, _ path: String, _ options: TrainingOptions) throws -> Trainer {
        let trainer = try Trainer.resume(from: path)
        guard Architecture(of: trainer.model) == Architecture(of: model) else {
            throw FernError.runtime("fit: the checkpoint \(path) holds a different model; delete it or train without resume=true")
        }
        trainer.options.epochs = options.epochs
        trainer.options.augment = options.augment
        trainer.options.batchNormRecalibrationBatches = options.batchNormRecalibrationBatches
        trainer.options.checkpointPath = path
        return trainer
    }

    private static func optimizer(_ args: Arguments, _ rate: Float) throws -> Optimizer {
        let decay = Float(try args.number("weight_decay", default: 0))
        let name = try args.optionalString("optimizer") ?? "adam"
        switch name.lowercased() {
        case "adam": return try Adam(learningRate: rate, weightDecay: decay)
        case "adamw": return try Adam(learningRate: rate, weightDecay: decay, decoupled: true)
        case "sgd": return try SGD(learningRate: rate, momentum: Float(try args.number("momentum", default: 0)), weightDecay: decay)
        default: throw FernError.runtime("fit: unknown optimizer \"\(name)\" (choose adam, adamw or sgd)")
        }
    }

    /// constant; step (×0.1 every 10 epochs); cosine (to lr/100 over the
    /// epochs); plateau (halve after 3 epochs without a lower validation loss).
    private static func schedule(_ args: Arguments, _ rate: Float, epochs: Int) throws -> LearningRateSchedule {
        let name = try args.optionalString("schedule") ?? "constant"
        switch name.lowercased() {
        case "constant": return .constant(rate)
        case "step": return try .step(rate, every: 10, factor: 0.1)
        case "cosine": return try .cosine(rate, totalEpochs: max(epochs, 1), minimumRate: rate / 100)
        case "plateau": return try .reduceOnPlateau(rate, factor: 0.5, patience: 3, minimumRate: min(1e-5, rate))
        default: throw FernError.runtime("fit: unknown schedule \"\(name)\" (choose constant, step, cosine or plateau)")
        }
    }

    private static func monitor(_ args: Arguments) throws -> TrainingOptions.Monitor {
        let name = try args.optionalString("monitor") ?? "val_accuracy"
        switch name {
        case "val_accuracy": return .validationAccuracy
        case "val_loss": return .validationLoss
        default: throw FernError.runtime("fit: 'monitor' must be \"val_accuracy\" or \"val_loss\", got \"\(name)\"")
        }
    }

    /// true: balanced weights from the training set; a list: one weight per class.
    private static func classWeights(_ args: Arguments, _ train: Dataset, classes: Int) throws -> [Float]? {
        switch args.optional("class_weights") {
        case nil, .bool(false)?: return nil
        case .bool(true)?:
            guard train.classNames.count == classes else {
                throw FernError.runtime("fit: the data has \(train.classNames.count) classes but the model \(classes) outputs")
            }
            return train.classWeights()
        default:
            let weights = try args.numbers("class_weights").map(Float.init)
            guard weights.count == classes, weights.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
                throw FernError.runtime("fit: 'class_weights' needs \(classes) non-negative numbers (one per class), got \(weights.count)")
            }
            return weights
        }
    }

    private static func augmentation(_ args: Arguments) throws -> ((Tensor, inout SeededGenerator) throws -> Tensor)? {
        let augmentation = Augmentation(horizontalFlip: args.bool("flip", default: false), maxShift: try args.int("shift", default: 0),
                                        maxRotationDegrees: Float(try args.number("rotate", default: 0)),
                                        maxZoom: Float(try args.number("zoom", default: 0)))
        guard augmentation.maxShift >= 0, augmentation.maxShift < 48 else { throw FernError.runtime("fit: 'shift' must be between 0 and 47 pixels") }
        guard (0...180).contains(augmentation.maxRotationDegrees) else { throw FernError.runtime("fit: 'rotate' must be between 0 and 180 degrees") }
        guard augmentation.maxZoom >= 0 && augmentation.maxZoom < 1 else { throw FernError.runtime("fit: 'zoom' must be in [0, 1)") }
        guard !augmentation.isIdentity else { return nil }
        return { batch, generator in try augmentation.apply(batch, using: &generator) }
    }
}
