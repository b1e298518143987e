import ArgumentParser
import FernData
import FernNN
import FernTensor
import Foundation

/// What a trained model (or ensemble) scores on the held-out faces: accuracy plain and with
/// each kind of test-time augmentation, per-class recall and the confusion matrix.
struct ValidationScores: Encodable {
    var accuracy: Double
    var mirrorAccuracy: Double
    var tenCropAccuracy: Double
    /// Recall of each class, by name.
    var recall: [String: Double]
    /// Counts [true class][predicted class], without test-time augmentation.
    var confusionMatrix: [[Int]]
    var images: Int

    init(model: Sequential, held: Dataset) throws {
        let predicted = try model.predictClassesForEachAugmentation(held.images)
        func share(_ augmentation: TestTimeAugmentation) -> Double {
            Double(zip(predicted[augmentation]!, held.labels).filter { $0 == $1 }.count) / Double(max(held.count, 1))
        }
        let plain = predicted[.none]!
        (accuracy, mirrorAccuracy, tenCropAccuracy) = (share(.none), share(.mirror), share(.tenCrop))
        let classes = held.classNames.count
        var matrix = [[Int]](repeating: [Int](repeating: 0, count: classes), count: classes)
        for (label, guess) in zip(held.labels, plain) { matrix[label][guess] += 1 }
        confusionMatrix = matrix
        recall = Dictionary(uniqueKeysWithValues: held.classNames.enumerated().map { c, name in
            (name, Double(matrix[c][c]) / Double(max(matrix[c].reduce(0, +), 1)))
        })
        images = held.count
    }

    /// The lines `fern train` and `fern ensemble` print.
    func summary(names: [String], epochs: Int? = nil, best: Float? = nil, wallSeconds: Double) -> String {
        var lines = ["class      recall  support"]
        for (c, name) in names.enumerated() {
            let support = confusionMatrix[c].reduce(0, +)
            lines.append(name.padding(toLength: 10, withPad: " ", startingAt: 0)
                         + String(format: " %6.3f  %7d", support > 0 ? Double(confusionMatrix[c][c]) / Double(support) : 0, support))
        }
        let after = epochs.map { " after \($0) epochs" } ?? ""
        let bestEpoch = best.map { String(format: "; best epoch %.4f", Double($0)) } ?? ""
        lines.append(String(format: "validation accuracy %.4f (%d images)", accuracy, images) + after + bestEpoch
                     + String(format: "; averaged with mirror images %.4f, over ten crops %.4f; wall time %.0f s",
                              mirrorAccuracy, tenCropAccuracy, wallSeconds))
        return lines.joined(separator: "\n")
    }
}

/// `run.json`: how a result was made and what it scored, beside its `submission.csv`
/// (`fern train --report DIR`, `fern ensemble --report DIR`).
struct RunReport: Encodable {
    struct Split: Encodable {
        var validationFraction: Double
        var seed: UInt64
        var trainingImages: Int
        var validationImages: Int
    }
    /// One epoch of the run, with the wall minutes spent up to its end (time to accuracy).
    struct Epoch: Encodable {
        var epoch: Int
        var loss: Float
        var accuracy: Float
        var validationLoss: Float?
        var validationAccuracy: Float?
        /// The images' own accuracy where `validationAccuracy` is scored with test-time augmentation.
        var plainValidationAccuracy: Float?
        var learningRate: Float
        var seconds: Double
        var minutesSoFar: Double
    }

    var command: String
    var fern = Fern.version
    var cpu = Machine.cpuName
    var kernels = Dictionary(uniqueKeysWithValues: KernelPath.summary.map { ($0.key, $0.value) })
    var model: String
    var data: String
    var split: Split
    var recipe: TrainingRecipe?
    var validation: ValidationScores
    var epochs: [Epoch]?
    /// Training wall minutes over all epochs, across resumed runs: the last epoch's `minutesSoFar`.
    var trainingMinutes: Double?
    /// This command's own wall time, loading and scoring included.
    var wallSeconds: Double
    var submission: String?
    var testImages: Int?
    /// How the submission's classes were chosen.
    var testTimeAugmentation: TestTimeAugmentation = .none

    static func epochs(of history: History) -> [Epoch] {
        var minutes = 0.0
        return (0..<history.epochs).map { k in
            minutes += history.seconds[k] / 60
            return Epoch(epoch: k + 1, loss: history.loss[k], accuracy: history.accuracy[k],
                         validationLoss: history.validationLoss.indices.contains(k) ? history.validationLoss[k] : nil,
                         validationAccuracy: history.validationAccuracy.indices.contains(k) ? history.validationAccuracy[k] : nil,
                         plainValidationAccuracy: history.plainValidationAccuracy.flatMap { $0.indices.contains(k) ? $0[k] : nil },
                         learningRate: history.learningRate[k], seconds: history.seconds[k], minutesSoFar: minutes)
        }
    }

    /// The command line as typed, each argument quoted where the shell needs it.
    static var commandLine: String {
        (["fern"] + CommandLine.arguments.dropFirst()).map { argument in
            argument.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:,+".contains($0) } ? argument : "'\(argument)'"
        }.joined(separator: " ")
    }

    /// Writes DIR/run.json, and DIR/submission.csv with the model's classes for `test` when given.
    mutating func write(to folder: String, model: Sequential, test: Dataset?) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        if let test {
            let path = (folder as NSString).appendingPathComponent("submission.csv")
            try writeSubmission(ids: test.ids, labels: try model.predictClasses(test.images, augmentation: testTimeAugmentation), to: path)
            (submission, testImages) = ("submission.csv", test.count)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let text = String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
        try AtomicFile.write(text, to: URL(fileURLWithPath: (folder as NSString).appendingPathComponent("run.json")))
    }
}

/// Which faces are held out for validation: `fern train` and `fern ensemble` take the same
/// options, so an ensemble is scored on faces none of its members trained on.
struct SplitOptions: ParsableArguments {
    @Option(help: "Share of each class held out for validation.")
    var validation = 0.1

    @Option(help: "Seed of the validation split; keep it across runs that are compared or ensembled.")
    var splitSeed: UInt64 = 1

    func apply(to faces: Dataset) throws -> (train: Dataset, validation: Dataset) {
        try faces.stratifiedSplit(validationFraction: validation, seed: splitSeed)
    }

    func described(train: Dataset, held: Dataset) -> RunReport.Split {
        .init(validationFraction: validation, seed: splitSeed, trainingImages: train.count, validationImages: held.count)
    }
}

/// Where a result goes: run.json and the submission.
struct ResultOptions: ParsableArguments {
    @Option(help: "The assignment's test.csv(.gz): with --report, its classes go to DIR/submission.csv.")
    var test: String?

    @Option(help: "A folder for run.json (the command, validation accuracy plain and with test-time augmentation, per-class recall, the confusion matrix, the epochs with their wall times) and submission.csv.")
    var report: String?
}

/// Faces with pixels scaled to [0, 1], as the assignment's Keras code did: a FER2013 CSV
/// (labelled or not) or, for "synthetic", the built-in faces.
func loadFaces(_ path: String, syntheticCount: Int = 6000, seed: UInt64 = 1) throws -> Dataset {
    let raw = path == "synthetic" ? try Dataset.syntheticFaces(count: syntheticCount, seed: seed) : try Dataset.loadFER(path: path)
    return try Normalization.scaled(by: 1.0 / 255).apply(to: raw)
}
