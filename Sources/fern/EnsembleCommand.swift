import ArgumentParser
import FernData
import FernNN
import FernTensor
import Foundation

/// `fern ensemble`: saved models as one that averages their class probabilities, scored on
/// the same validation split as `fern train` holds out, with run.json and a submission.
struct EnsembleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ensemble",
        abstract: "Average saved models' class probabilities (or their weights): validation accuracy, run.json and a submission.",
        discussion: """
            The models must have been trained with the same --validation and --split-seed as given here, \
            so that no member saw the validation faces.
            """)

    @Argument(help: "Saved models (NAME, NAME.safetensors or NAME.json) or training checkpoints (as their last epoch was scored); one is scored as it is.")
    var models: [String]

    @Option(help: "The train.csv(.gz) the members were trained on, or 'synthetic'.")
    var data: String

    @Option(help: "Number of synthetic faces (with --data synthetic).")
    var syntheticCount = 6000

    @OptionGroup var split: SplitOptions

    @Option(help: "Seed of the synthetic faces (as fern train's --seed).")
    var seed: UInt64 = 1

    @Option(help: "Test-time augmentation for the submission: none, mirror or tencrop.")
    var tta = "none"

    @OptionGroup var results: ResultOptions

    @Option(help: "Where to save the ensemble as one model (NAME.safetensors + NAME.json).")
    var output: String?

    @Flag(help: """
        Average the models' weights into one network instead of their probabilities (checkpoint \
        averaging, as stochastic weight averaging does: give checkpoints of one run after several \
        epochs), batch-norm statistics recomputed on the training faces.
        """)
    var averageWeights = false

    func run() throws {
        let started = Date()
        let augmentation: TestTimeAugmentation
        do {
            augmentation = try TrainingRecipe.testTimeAugmentation(named: tta)
        } catch let error as RecipeError {
            throw ValidationError(error.message(calling: "--tta"))
        }
        let members = try models.map { try Sequential.load(from: $0) }
        let source = try loadFaces(data, syntheticCount: syntheticCount, seed: seed)
        let (train, held) = try split.apply(to: source)
        let combined: Sequential
        if averageWeights {
            combined = try Sequential.averagingWeights(of: members)
            var generator = SeededGenerator(seed: seed)
            let batchSize = 64
            try combined.recalibrateBatchNorm(images: train.images, batchSize: batchSize,
                                              batches: (train.count + batchSize - 1) / batchSize, generator: &generator)
        } else {
            combined = members.count == 1 ? members[0] : try EnsembleLayer.model(of: members)
        }
        let scores = try ValidationScores(model: combined, held: held)
        print(scores.summary(names: source.classNames, wallSeconds: Date().timeIntervalSince(started)))
        if let output {
            try combined.save(to: output)
            print("saved \(output).safetensors and \(output).json")
        }
        if let report = results.report {
            let described = models.count == 1 ? models[0]
                : (averageWeights ? "weights averaged over " : "ensemble of ") + models.joined(separator: ", ")
            var run = RunReport(command: RunReport.commandLine, model: described, data: data,
                                split: split.described(train: train, held: held),
                                recipe: nil, validation: scores, wallSeconds: Date().timeIntervalSince(started))
            run.testTimeAugmentation = augmentation
            try run.write(to: report, model: combined, test: try results.test.map { try loadFaces($0) })
            print("wrote \((report as NSString).appendingPathComponent("run.json"))" + (results.test == nil ? "" : " and submission.csv"))
        }
    }
}
