import ArgumentParser
import FernData
import FernNN
import FernTensor
import Foundation

/// `fern train`: trains a reference model on FER2013 or the synthetic faces,
/// with a checkpoint after every epoch so a long run can be resumed.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train the assignment's CNN or DNN on a FER2013 CSV or the synthetic faces.")

    @Option(help: "seed-cnn, seed-dnn or tuned-cnn.")
    var model = "seed-cnn"

    @Option(help: "A train.csv(.gz) in the assignment's format, or 'synthetic'.")
    var data = "synthetic"

    @Option(help: "Number of synthetic faces (with --data synthetic).")
    var syntheticCount = 6000

    @Option(help: "Total epochs (a resumed run continues up to this number).")
    var epochs = 30

    @Option(help: "Mini-batch size.")
    var batch = 64

    @Option(help: "Adam learning rate (default 0.001; on --resume, restarts the schedule from this rate).")
    var learningRate: Float?

    @Option(help: "Learning-rate schedule: constant, plateau (halve after 3 epochs without a lower validation loss) or cosine.")
    var schedule: String?

    @Option(help: "Share of each class held out for validation.")
    var validation = 0.1

    @Option(help: "Seed for the split, initialization, shuffling, dropout and augmentation.")
    var seed: UInt64 = 1

    @Flag(inversion: .prefixedNo, help: "Weight the loss by balanced class weights.")
    var classWeights = true

    @Flag(help: "Augment: flip training images horizontally at random.")
    var flip = false

    @Option(help: "Augment: shift training images by up to this many pixels.")
    var shift = 0

    @Option(help: "Augment: rotate training images by up to this many degrees.")
    var rotate: Float = 0

    @Option(help: "Augment: zoom training images by up to this fraction (0.1 = ±10%).")
    var zoom: Float = 0

    @Option(help: "Stop after this many epochs without a better validation accuracy.")
    var patience: Int?

    @Option(help: "Checkpoint file written after every epoch.")
    var checkpoint: String?

    @Flag(help: "Continue from --checkpoint instead of starting over.")
    var resume = false

    @Option(help: "Where to save the trained model (NAME.safetensors + NAME.json).")
    var output: String?

    func run() throws {
        if let warning = BLASKernel.slowKernelWarning() { FileHandle.standardError.write(Data((warning + "\n").utf8)) }
        let started = Date()
        let source = try loadData()
        let (train, held) = try source.stratifiedSplit(validationFraction: validation, seed: seed)
        print("data: \(source.count) images, training on \(train.count), validating on \(held.count)")
        let weights = classWeights ? train.classWeights() : nil

        let trainer: Trainer
        if resume {
            guard let checkpoint else { throw ValidationError("--resume needs --checkpoint") }
            trainer = try Trainer.resume(from: checkpoint)
            trainer.options.epochs = epochs
            if schedule != nil || learningRate != nil {
                trainer.schedule = try makeSchedule(startingAt: learningRate ?? trainer.optimizer.learningRate)
            }
            print("resumed \(checkpoint) after epoch \(trainer.epochsDone)")
        } else {
            let network: Sequential
            switch model {
            case "seed-cnn": network = try .seedCNN(classes: source.classNames.count, seed: seed)
            case "seed-dnn": network = try .seedDNN(classes: source.classNames.count, seed: seed)
            case "tuned-cnn": network = try .tunedCNN(classes: source.classNames.count, seed: seed)
            default: throw ValidationError("unknown model '\(model)' (choose seed-cnn, seed-dnn or tuned-cnn)")
            }
            var options = TrainingOptions()
            options.epochs = epochs
            options.batchSize = batch
            options.seed = seed
            options.classWeights = weights
            options.earlyStoppingPatience = patience
            options.checkpointPath = checkpoint
            let rate = learningRate ?? 1e-3
            trainer = Trainer(model: network, optimizer: try Adam(learningRate: rate),
                              schedule: try makeSchedule(startingAt: rate), options: options)
            print(network.summary)
        }
        let augmentation = Augmentation(horizontalFlip: flip, maxShift: shift, maxRotationDegrees: rotate, maxZoom: zoom)
        if !augmentation.isIdentity {
            trainer.options.augment = { batch, generator in try augmentation.apply(batch, using: &generator) }
        }
        let history = try trainer.fit(images: train.images, labels: train.labels,
                                      validation: (held.images, held.labels))
        let predicted = try trainer.model.predictClasses(held.images)
        print(recallTable(predicted: predicted, labels: held.labels, names: source.classNames))
        let accuracy = zip(predicted, held.labels).filter { $0 == $1 }.count
        let mirrored = try trainer.model.predictClasses(held.images, mirrorAveraged: true)
        let mirroredAccuracy = zip(mirrored, held.labels).filter { $0 == $1 }.count
        print(String(format: "validation accuracy %.4f (%d/%d) after %d epochs; best epoch %.4f; "
                     + "averaged with mirror images %.4f; wall time %.0f s",
                     Double(accuracy) / Double(max(held.count, 1)), accuracy, held.count, history.epochs,
                     Double(history.bestValidationAccuracy ?? 0),
                     Double(mirroredAccuracy) / Double(max(held.count, 1)), Date().timeIntervalSince(started)))
        if let output {
            try trainer.model.save(to: output)
            print("saved \(output).safetensors and \(output).json")
        }
    }

    private func makeSchedule(startingAt rate: Float) throws -> LearningRateSchedule {
        switch schedule ?? "constant" {
        case "constant": return .constant(rate)
        case "plateau": return try .reduceOnPlateau(rate, factor: 0.5, patience: 3, minimumRate: 1e-5)
        case "cosine": return try .cosine(rate, totalEpochs: epochs, minimumRate: rate / 100)
        case let other: throw ValidationError("unknown schedule '\(other)' (choose constant, plateau or cosine)")
        }
    }

    /// Pixels scaled to [0, 1], as the assignment's Keras code did.
    private func loadData() throws -> Dataset {
        let raw = data == "synthetic" ? try Dataset.syntheticFaces(count: syntheticCount, seed: seed)
                                      : try Dataset.loadFER(path: data)
        return try Normalization.scaled(by: 1.0 / 255).apply(to: raw)
    }
}

/// Per-class recall and support, like the diagonal of a row-normalized confusion matrix.
func recallTable(predicted: [Int], labels: [Int], names: [String]) -> String {
    var lines = ["class      recall  support"]
    for (c, name) in names.enumerated() {
        let support = labels.filter { $0 == c }.count
        let hits = zip(predicted, labels).filter { $1 == c && $0 == c }.count
        lines.append(name.padding(toLength: 10, withPad: " ", startingAt: 0)
                     + String(format: " %6.3f  %7d", support > 0 ? Double(hits) / Double(support) : 0, support))
    }
    return lines.joined(separator: "\n")
}
