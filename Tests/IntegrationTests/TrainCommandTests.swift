import FernNN
import FernTensor
import FernTestSupport
import Foundation
import Testing

/// `fern train` as a separate process: it fills in the same training recipe as `fit`, and
/// `--resume` goes on with every training setting stored in the checkpoint without repeating them.
@Suite struct TrainCommandTests {
    /// Runs `fern train` with `arguments` in `folder`; its standard output, or an issue when it fails.
    private func train(_ arguments: [String], in folder: TemporaryFolder) throws -> String {
        try Self.fern(["train"] + arguments, in: folder)
    }

    /// Runs `fern` with `arguments` in `folder`; its standard output, or an issue when it fails.
    static func fern(_ arguments: [String], in folder: TemporaryFolder) throws -> String {
        try fernPrinting(arguments, in: folder).output
    }

    /// Runs `fern` with `arguments` in `folder`; its standard output and error, or an issue when it fails.
    static func fernPrinting(_ arguments: [String], in folder: TemporaryFolder) throws -> (output: String, errors: String) {
        let run = try runFern(arguments, in: folder)
        #expect(run.status == 0, "fern \(arguments.joined(separator: " ")) failed: \(run.errors)")
        return (run.output, run.errors)
    }

    /// Runs `fern` with `arguments` in `folder`, expecting it to fail; its standard error.
    static func fernFailing(_ arguments: [String], in folder: TemporaryFolder) throws -> String {
        let run = try runFern(arguments, in: folder)
        #expect(run.status != 0, "fern \(arguments.joined(separator: " ")) succeeded")
        return run.errors
    }

    /// Runs `fern` with `arguments` in `folder`, `environment` added to the test's own: its exit
    /// status, standard output and error (`interleaved`: both into one pipe, as `> log 2>&1` does,
    /// returned as the output).
    private static func runFern(_ arguments: [String], in folder: TemporaryFolder, environment: [String: String] = [:],
                                interleaved: Bool = false) throws -> (status: Int32, output: String, errors: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: RunCommandTests.FernRun.executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.currentDirectoryURL = folder.url
        let output = Pipe(), errors = interleaved ? nil : Pipe()
        (process.standardOutput, process.standardError) = (output, errors ?? output)
        try process.run()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let reported = String(decoding: errors?.fileHandleForReading.readDataToEndOfFile() ?? Data(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, printed, reported)
    }

    /// The epoch lines without their times (the epoch's, and the estimate of the time left).
    private func epochs(_ output: String) -> [String] {
        output.split(separator: "\n").filter { $0.hasPrefix("Epoch ") }.map { withoutEpochTimes(String($0)) }
    }

    /// Settings off the command's defaults: a step schedule, SGD with Nesterov momentum,
    /// augmentation, no class weights, two batch-norm batches, val_loss monitored.
    static let data = ["--data", "synthetic", "--synthetic-count", "350"]
    static let settings = data + ["--model", "seed-dnn", "--batch", "50",
                           "--optimizer", "sgd", "--learning-rate", "0.02", "--momentum", "0.9", "--nesterov",
                           "--schedule", "step", "--flip", "--shift", "2", "--no-class-weights", "--bn-batches", "2",
                           "--monitor", "val_loss", "--no-restore-best", "--seed", "4"]

    @Test(.timeLimit(.minutes(5)))
    func aResumedRunRepeatsTheUninterruptedOneWithoutRestatingItsSettings() throws {
        let folder = try TemporaryFolder()
        let whole = try train(Self.settings + ["--epochs", "3"], in: folder)
        _ = try train(Self.settings + ["--epochs", "2", "--checkpoint", "run.ckpt"], in: folder)
        // The data is not a training setting: it is given again.
        let resumed = try train(Self.data + ["--resume", "--checkpoint", "run.ckpt", "--epochs", "3"], in: folder)
        #expect(resumed.contains("resumed run.ckpt after epoch 2 (of 3 asked); changed since it was written: --epochs 2 → 3\n"))
        #expect(epochs(whole).count == 3)
        #expect(epochs(resumed) == Array(epochs(whole).suffix(1)))

        let stored = try TrainingRecipe.stored(in: folder.path("run.ckpt"))
        #expect(stored.optimizer == .sgd && stored.nesterov && stored.schedule == .step && stored.epochs == 3)
        #expect(stored.augmentation.horizontalFlip && stored.augmentation.maxShift == 2)
        #expect(stored.classWeighting == .none && stored.batchNormRecalibrationBatches == 2 && stored.monitor == .validationLoss)
    }

    /// The command's learning rates per epoch are the recipe's schedule: the one `fit` uses.
    @Test(.timeLimit(.minutes(5)))
    func scheduleIsTheRecipes() throws {
        let folder = try TemporaryFolder()
        let output = try train(["--model", "seed-dnn", "--synthetic-count", "200", "--epochs", "3", "--learning-rate", "0.004",
                                "--schedule", "cosine"], in: folder)
        var recipe = TrainingRecipe()
        (recipe.learningRate, recipe.epochs, recipe.schedule) = (0.004, 3, .cosine)
        let schedule = try recipe.makeSchedule()
        let printed = epochs(output).map { $0.firstMatch(of: /lr (\S+)/).map { String($0.1) } }
        #expect(printed == (0..<3).map { String(format: "%.2g", Double(schedule.rate(epoch: $0))) })
    }

    /// `--precision bf16` multiplies convolutions in bf16 where oneDNN runs AMX, and says so in
    /// run.json; elsewhere it warns and trains in Float32. The checkpoint keeps it.
    @Test(.timeLimit(.minutes(5)))
    func precisionBF16IsTakenWhereAMXRunsItAndRecorded() throws {
        let folder = try TemporaryFolder()
        let (printed, errors) = try Self.fernPrinting(["train", "--model", "seed-cnn", "--synthetic-count", "200", "--epochs", "1",
                                                       "--precision", "bf16", "--report", "report"], in: folder)
        let run = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.url.appending(path: "report/run.json")))
        let kernels = try #require((run as? [String: Any])?["kernels"] as? [String: String])
        if ConvolutionPrecision.using(.bf16, { ConvolutionPrecision.inEffect == .bf16 }) {
            #expect(kernels["conv_precision"] == "bf16" && kernels["conv_5x5_3x3"] == "onednn-bf16", "\(kernels)")
            #expect(printed.contains("convolutions in bf16 on AMX"), "\(printed)")
            #expect(!errors.contains("bf16"), "\(errors)")
        } else {
            #expect(kernels["conv_precision"] == "f32", "\(kernels)")
            #expect(printed.contains("convolutions in f32"), "\(printed)")
            // Without AMX, or under FERN_KERNELS=builtin: a warning says which.
            #expect(errors.contains("warning: bf16 convolutions need"), "\(errors)")
        }
        // A resumed run keeps the checkpoint's precision without being told again.
        _ = try Self.fern(["train", "--model", "seed-cnn", "--synthetic-count", "200", "--epochs", "1", "--precision", "bf16",
                           "--checkpoint", "run.ckpt"], in: folder)
        _ = try Self.fern(["train", "--synthetic-count", "200", "--epochs", "2", "--resume", "--checkpoint", "run.ckpt",
                           "--report", "resumed"], in: folder)
        let resumed = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.url.appending(path: "resumed/run.json")))
        #expect(((resumed as? [String: Any])?["kernels"] as? [String: String])?["conv_precision"] == kernels["conv_precision"])
        let plain = try Self.fern(["train", "--model", "seed-dnn", "--synthetic-count", "100", "--epochs", "1",
                                   "--report", "plain"], in: folder)
        #expect(plain.contains("wrote"))
        let plainRun = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.url.appending(path: "plain/run.json")))
        #expect(((plainRun as? [String: Any])?["kernels"] as? [String: String])?["conv_precision"] == "f32", "the default")
    }

    /// Fern's own loops have no bf16: a user who chose them (FERN_KERNELS=builtin) and asks
    /// for bf16 is told, once, and trains in Float32, whatever the CPU. In one log (`> log 2>&1`,
    /// both streams into one pipe) the warning comes where it was given: after the model's summary,
    /// just before the line it explains, not inside the summary that was still waiting in a buffer.
    @Test(.timeLimit(.minutes(5)))
    func precisionBF16UnderFernsOwnLoopsWarnsAndTrainsInFloat32() throws {
        let folder = try TemporaryFolder()
        let log = try Self.runFern(["train", "--model", "seed-cnn", "--synthetic-count", "100", "--epochs", "1",
                                    "--precision", "bf16", "--report", "report"], in: folder,
                                   environment: ["FERN_KERNELS": "builtin"], interleaved: true)
        #expect(log.status == 0, "\(log.output)")
        let warning = "warning: bf16 convolutions need oneDNN's kernels (FERN_KERNELS=builtin runs Fern's own loops); using f32"
        #expect(log.output.components(separatedBy: warning).count == 2, "once: \(log.output)")
        let lines = log.output.split(separator: "\n").map(String.init)
        let summaryEnd = lines.firstIndex { $0.hasPrefix("Non-trainable params") }
        let warned = lines.firstIndex(of: warning), explained = lines.firstIndex(of: "convolutions in f32")
        #expect(summaryEnd != nil && warned != nil && explained != nil, "\(log.output)")
        if let summaryEnd, let warned, let explained { #expect(summaryEnd < warned && warned + 1 == explained, "\(log.output)") }
        let run = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.url.appending(path: "report/run.json")))
        #expect(((run as? [String: Any])?["kernels"] as? [String: String])?["conv_precision"] == "f32")
    }

    @Test func badSettingsAreNamedByTheirOptions() throws {
        let reported = try Self.fernFailing(["train", "--learning-rate", "0", "--epochs", "1"], in: try TemporaryFolder())
        #expect(reported.contains("--learning-rate must be a positive number, got 0"), "\(reported)")
        let plateau = try Self.fernFailing(["train", "--schedule", "plateau", "--plateau-factor", "1.5", "--epochs", "1"],
                                           in: try TemporaryFolder())
        #expect(plateau.contains("--plateau-factor must be in (0, 1), got 1.5"), "\(plateau)")
    }

    /// The plateau schedule's settings reach the checkpoint, and a run resumed with another
    /// schedule drops them instead of refusing them.
    @Test(.timeLimit(.minutes(5)))
    func plateauSettingsAreStoredAndDroppedWithTheSchedule() throws {
        let folder = try TemporaryFolder()
        let data = ["--data", "synthetic", "--synthetic-count", "100", "--model", "seed-dnn", "--checkpoint", "run.ckpt"]
        _ = try train(data + ["--epochs", "1", "--schedule", "plateau", "--plateau-factor", "0.75", "--plateau-patience", "5"], in: folder)
        let stored = try TrainingRecipe.stored(in: folder.path("run.ckpt"))
        #expect((stored.schedule, stored.plateauFactor, stored.plateauPatience) == (.plateau, 0.75, 5))
        let resumed = try train(data + ["--resume", "--epochs", "2", "--schedule", "cosine"], in: folder)
        #expect(resumed.contains("--schedule plateau → cosine, --plateau-factor 0.75 → 0.5, --plateau-patience 5 → 3"), "\(resumed)")
        #expect(try TrainingRecipe.stored(in: folder.path("run.ckpt")).schedule == .cosine)
    }

    /// `--teacher` distills a saved model (half of each target by default, kept in the
    /// checkpoint and run.json); a resumed run needs the teacher again.
    @Test(.timeLimit(.minutes(5)))
    func aTeacherIsDistilledAndRecorded() throws {
        let folder = try TemporaryFolder()
        let data = ["--data", "synthetic", "--synthetic-count", "200", "--model", "seed-dnn", "--epochs", "1"]
        _ = try train(data + ["--output", "teacher"], in: folder)
        let printed = try train(data + ["--teacher", "teacher", "--checkpoint", "run.ckpt", "--report", "report"], in: folder)
        #expect(printed.contains("teacher: teacher, its probabilities of the 180 training images in"), "\(printed)")
        #expect(try TrainingRecipe.stored(in: folder.path("run.ckpt")).distillation == 0.5)
        let run = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.url.appending(path: "report/run.json")))
        #expect(((run as? [String: Any])?["recipe"] as? [String: Any])?["distillation"] as? Double == 0.5)
        #expect(epochs(printed) != epochs(try train(data, in: folder)), "the teacher changes training")

        let resumed = try Self.fernFailing(["train", "--data", "synthetic", "--synthetic-count", "200", "--epochs", "2",
                                            "--resume", "--checkpoint", "run.ckpt"], in: folder)
        #expect(resumed.contains("--distill needs a teacher: its class probabilities of the training images"), "\(resumed)")
        let unused = try Self.fernFailing(["train"] + data + ["--teacher", "teacher", "--distill", "0"], in: folder)
        #expect(unused.contains("--distill is 0, so the teacher would go unused"), "\(unused)")
        let missing = try Self.runFern(["train", "--data", "synthetic", "--synthetic-count", "200", "--model", "seed-dnn",
                                        "--teacher", "missing"], in: folder)
        #expect(missing.status != 0 && missing.errors.contains("--teacher missing: cannot read missing.safetensors"), "\(missing.errors)")
        #expect(!missing.output.contains("data:"), "a teacher that does not load is said before the data is loaded: \(missing.output)")
    }
}
