import FernTensor
import Foundation

/// Mini-batch training of a classifier with validation each epoch, early
/// stopping, best-weight keeping, checkpoints and resumption, as its
/// `TrainingRecipe` says (`TrainingRecipe.makeTrainer` makes one).
public final class Trainer {
    public let model: Sequential
    public let optimizer: Optimizer
    public var schedule: LearningRateSchedule
    public var recipe: TrainingRecipe
    public var progress: ProgressReporter
    /// Polled between batches; returning true ends training cleanly (Ctrl-C).
    public var shouldStop: () -> Bool = { false }

    public internal(set) var history = History()
    public internal(set) var epochsDone = 0
    /// The loss's class weights, from the recipe and the labels of the last `fit`.
    public internal(set) var classWeights: [Float]?
    /// Best monitored value so far and the weights that reached it.
    public internal(set) var bestScore: Float?
    var bestWeights: [String: Tensor]?
    /// The exponential moving average of the weights (with `recipe.averaging`), which
    /// validation scores and the model ends with.
    var averageWeights: [String: Tensor]?
    var epochsSinceBest = 0
    /// What a resumed run was given differently from its checkpoint (empty for a new run).
    public internal(set) var changesOnResume: [RecipeChange] = []

    /// A trainer with this optimizer and schedule (constant by default) instead of the ones
    /// `recipe` would make; its `recipe` says which they are.
    public init(model: Sequential, optimizer: Optimizer, schedule: LearningRateSchedule? = nil,
                recipe: TrainingRecipe = TrainingRecipe(), progress: ProgressReporter = .automatic()) {
        self.model = model
        self.optimizer = optimizer
        self.schedule = schedule ?? .constant(optimizer.learningRate)
        self.recipe = recipe.describing(optimizer: optimizer.config, schedule: self.schedule)
        self.progress = progress
    }

    /// Trains until `recipe.epochs` epochs are done in total (a resumed
    /// trainer continues where its checkpoint left off), its convolutions in
    /// the recipe's precision. `teacher`: a teacher's `[images, classes]` probabilities of
    /// the training images, which the targets take `recipe.distillation` of (and only then).
    @discardableResult
    public func fit(images: Tensor, labels: [Int], validation: (images: Tensor, labels: [Int])? = nil,
                    teacher: Tensor? = nil) throws -> History {
        try ConvolutionPrecision.using(recipe.precision) {
            try train(images: images, labels: labels, validation: validation, teacher: teacher)
        }
    }

    private func train(images: Tensor, labels: [Int], validation: (images: Tensor, labels: [Int])?,
                       teacher: Tensor?) throws -> History {
        try recipe.validate()
        let count = images.shape.first ?? 0
        guard count == labels.count, count > 0 else {
            throw ModelError("fit needs one label per image (\(count) images, \(labels.count) labels)")
        }
        let classes = model.outputShape.last ?? 0
        if let bad = labels.first(where: { $0 < 0 || $0 >= classes }) {
            throw ModelError("label \(bad) is outside the model's \(classes) classes")
        }
        if recipe.earlyStoppingPatience != nil && validation == nil {
            throw RecipeError(.patience, "(early stopping) needs validation data")
        }
        try checkTeacher(teacher, images: count, classes: classes)
        let augmentation = recipe.augmentation
        if !augmentation.isIdentity {
            guard images.rank == 4 else { throw ModelError("augmentation needs NHWC images, got \(describeShape(images.shape))") }
            try recipe.checkAugmentation(height: images.shape[1], width: images.shape[2])
        }
        classWeights = try recipe.classWeights(labels: labels, classes: classes)
        let batchSize = recipe.batchSize
        let batches = (count + batchSize - 1) / batchSize
        let softTargets = recipe.softTargets
        history.stoppedEarly = false

        while epochsDone < recipe.epochs {
            let epoch = epochsDone
            let rate = schedule.rate(epoch: epoch)
            optimizer.learningRate = rate
            progress.beginEpoch()
            let started = RunningClock.now()

            var order = Array(0..<count)
            var shuffler = epochGenerator(seed: recipe.seed, epoch: epoch, stream: 1)
            order.shuffle(using: &shuffler)
            let context = ForwardContext(training: true, generator: epochGenerator(seed: recipe.seed, epoch: epoch, stream: 2))
            var augmenter = epochGenerator(seed: recipe.seed, epoch: epoch, stream: 3)
            var mixer = epochGenerator(seed: recipe.seed, epoch: epoch, stream: 5)

            var lossSum = 0.0, correct = 0, seen = 0
            for b in 0..<batches {
                if shouldStop() {
                    history.stoppedEarly = true
                    progress.endEpoch("Interrupted in epoch \(epoch + 1) at batch \(b)/\(batches); the model keeps the weights of its last step.")
                    return history
                }
                let rows = Array(order[(b * batchSize)..<min((b + 1) * batchSize, count)])
                var batch = try images.gatherRows(rows)
                if !augmentation.isIdentity { batch = try augmentation.apply(batch, using: &augmenter) }
                let batchLabels = rows.map { labels[$0] }
                var targets: Tensor?
                if !softTargets.isOff {
                    (batch, targets) = try softTargets.apply(batch, labels: batchLabels, classes: classes,
                                                             teacher: try teacher.map { try $0.gatherRows(rows) }, using: &mixer)
                }
                if schedule.changesWithinEpochs {
                    optimizer.learningRate = schedule.rate(progress: Double(epoch) + Double(b) / Double(batches))
                }
                let (loss, hits) = try step(batch, labels: batchLabels, context: context, targets: targets)
                guard loss.isFinite else {
                    throw ModelError("training stopped: the loss became \(loss) in epoch \(epoch + 1), batch \(b + 1); "
                                     + "try a lower learning rate or check the inputs for NaN")
                }
                if recipe.averaging > 0 { try updateAverage() }
                lossSum += Double(loss) * Double(rows.count)
                correct += hits
                seen += rows.count
                progress.batch(epoch: epoch + 1, of: recipe.epochs, batch: b + 1, of: batches,
                               loss: Float(lossSum / Double(seen)), accuracy: Float(correct) / Float(seen), images: seen)
            }

            // Validation scores the averaged weights when there are some.
            let live = averageWeights == nil ? nil : model.weights
            if let averageWeights { try model.loadWeights(averageWeights) }
            var recalibration = epochGenerator(seed: recipe.seed, epoch: epoch, stream: 4)
            try model.recalibrateBatchNorm(images: images, batchSize: batchSize,
                                           batches: recipe.batchNormRecalibrationBatches, generator: &recalibration)
            if live != nil { averageWeights = model.weights }
            history.loss.append(Float(lossSum / Double(seen)))
            history.accuracy.append(Float(correct) / Float(seen))
            history.learningRate.append(rate)
            var line = "Epoch \(epoch + 1)/\(recipe.epochs)  loss \(fmt(history.loss.last!, 4))  acc \(fmt(history.accuracy.last!, 4))"
            if let validation {
                let augmentation = recipe.testTimeAugmentation
                let scores = try model.evaluateWithAndWithout(validation.images, labels: validation.labels,
                                                              classWeights: classWeights, augmentation: augmentation)
                let (vLoss, vAcc) = scores.augmented
                history.validationLoss.append(vLoss)
                history.validationAccuracy.append(vAcc)
                line += "  val_loss \(fmt(vLoss, 4))  val_acc \(fmt(vAcc, 4))"
                if augmentation != .none || history.plainValidationAccuracy != nil {
                    // Epochs before a resumed run turned test-time augmentation on were scored plain.
                    history.plainValidationAccuracy = (history.plainValidationAccuracy ?? history.validationAccuracy.dropLast())
                        + [scores.plain.accuracy]
                }
                if augmentation != .none { line += " (\(augmentation.rawValue); \(fmt(scores.plain.accuracy, 4)) without)" }
                schedule.observe(loss: vLoss)
                noteValidation(score: recipe.monitor == .validationAccuracy ? vAcc : -vLoss)
            }
            if let live { try model.loadWeights(live) }
            let seconds = RunningClock.now() - started
            history.seconds.append(seconds)
            epochsDone += 1
            progress.endEpoch(line + "  lr \(String(format: "%.2g", Double(rate)))  \(String(format: "%.1f", seconds)) s"
                              + timeLeft(epochsLeft: recipe.epochs - epoch - 1))
            if let path = recipe.checkpointPath { try saveCheckpoint(to: path) }
            if let patience = recipe.earlyStoppingPatience, validation != nil, epochsSinceBest > 0, epochsSinceBest >= patience {
                history.stoppedEarly = true
                progress.endEpoch("Early stopping: no improvement in \(epochsSinceBest) epochs.")
                break
            }
        }
        if recipe.restoreBestWeights, let bestWeights {
            try model.loadWeights(bestWeights)
        } else if let averageWeights {
            try model.loadWeights(averageWeights)
        }
        return history
    }

    /// A teacher's probabilities go with distillation and only with it, one row per training image.
    private func checkTeacher(_ teacher: Tensor?, images: Int, classes: Int) throws {
        switch (teacher, recipe.distillation > 0) {
        case (nil, true):
            throw RecipeError(.distillation, "needs a teacher: its class probabilities of the training images")
        case (_?, false):
            throw RecipeError(.distillation, "is 0, so the teacher would go unused (\(RecipeError.format(TrainingRecipe.usualDistillation)) is usual)")
        case (let teacher?, true) where teacher.shape != [images, classes]:
            throw ModelError("the teacher's probabilities are \(describeShape(teacher.shape)); "
                             + "the \(images) training images of \(classes) classes need [\(images), \(classes)]")
        default:
            break
        }
    }

    /// One optimizer step on a batch; returns the batch's loss and how many
    /// examples it classified correctly. The graph is released before the
    /// update so weights are changed in place, not copied.
    /// `targets` (soft ones, see `SoftTargets`) replace the labels in the loss; accuracy is
    /// still counted against the labels.
    public func step(_ batch: Tensor, labels: [Int], context: ForwardContext,
                     targets: Tensor? = nil) throws -> (loss: Float, correct: Int) {
        let parameters = model.trainableParameters
        let (loss, hits, grads): (Float, Int, [Tensor]) = try {
            for p in parameters { p.value = p.value.requiringGrad() }
            let logits = try model.logits(batch, context: context)
            let loss: Tensor
            if let targets {
                let classes = targets.shape[1]
                let rowWeights = classWeights.map { weights in
                    (0..<labels.count).map { row in (0..<classes).reduce(Float(0)) { $0 + targets.scalars[row * classes + $1] * weights[$1] } }
                }
                loss = try Tensor.softmaxCrossEntropy(logits: logits, targets: targets, rowWeights: rowWeights)
            } else {
                loss = try Tensor.softmaxCrossEntropy(logits: logits, labels: labels, classWeights: classWeights)
            }
            let grads = try gradients(of: loss, wrt: parameters.map(\.value))
            let hits = Int((try accuracy(logits: logits.detached(), labels: labels) * Float(labels.count)).rounded())
            return (try loss.item(), hits, grads)
        }()
        for p in parameters { p.value = p.value.detached() }
        if loss.isFinite { try optimizer.update(parameters, gradients: grads) }
        return (loss, hits)
    }

    /// One step of the weights' exponential moving average; its decay ramps up over the first
    /// steps, (1 + n) / (10 + n) until it reaches `recipe.averaging`, so early weights fade fast.
    private func updateAverage() throws {
        let current = model.weights
        guard var average = averageWeights else {
            averageWeights = current
            return
        }
        let steps = Float(optimizer.steps)
        let decay = min(recipe.averaging, (1 + steps) / (10 + steps))
        for (name, weight) in current {
            average[name] = try average[name]! * decay + weight * (1 - decay)
        }
        averageWeights = average
    }

    /// "  about 1:31:12 left" after an epoch that is not the last: the epochs still to run at
    /// the median epoch time so far (the first epoch, slower with its kernels' compilation,
    /// or one that something else slowed, sways it less than a mean).
    private func timeLeft(epochsLeft: Int) -> String {
        guard epochsLeft > 0, !history.seconds.isEmpty else { return "" }
        let sorted = history.seconds.sorted(), middle = sorted.count / 2
        let median = sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        return "  about \(clock(median * Double(epochsLeft))) left"
    }

    private func noteValidation(score: Float) {
        if bestScore.map({ score > $0 }) ?? true {
            bestScore = score
            bestWeights = model.weights
            epochsSinceBest = 0
        } else {
            epochsSinceBest += 1
        }
    }
}
