import FernNN
import FernNotebook
import FernTensor
import FernTestSupport
import Foundation
import Testing

/// notebooks/hw3.fernb, the assignment's report, run end to end on a small
/// synthetic setting, its report and figures checked.
@Suite struct AssignmentNotebookTests {
    static let notebook = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("notebooks/hw3.fernb").path

    static let figures = [
        "class-counts", "examples", "cnn-curves", "dnn-curves", "confusion", "confusion-counts", "misclassified",
        "saliency", "hirescam", "best-saliency", "first-layer-weights", "feature-maps-conv2d", "feature-maps-conv2d_1",
        "feature-maps-conv2d_2", "filters-conv2d", "filters-conv2d_1", "filters-conv2d_2",
    ]

    static let sections = [
        "1. Data analysis", "2. The CNN", "3. The DNN", "4. Confusion matrices", "5. Saliency maps",
        "6. Filter visualization", "7. Predictions for the test set",
    ]

    /// A test.csv in the assignment's format (`id,feature`), five faces.
    static func writeTestCSV(to path: String) throws {
        var lines = ["id,feature"]
        for id in 0..<5 { lines.append("\(id)," + (0..<2304).map { String(($0 * 7 + id * 31) % 256) }.joined(separator: " ")) }
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// Runs the notebook on 420 synthetic faces for one epoch with these extra parameters, writing a
    /// five-row submission; returns the folder and report.md.
    static func run(_ parameters: [String]) throws -> (folder: TemporaryFolder, report: String) {
        let folder = try TemporaryFolder()
        try writeTestCSV(to: folder.path("test.csv"))
        var options = NotebookRunOptions(outputFolder: folder.url.appendingPathComponent("out"))
        options.parameters = try (["faces=420", "epochs=1", "dnn_epochs=1", "batch=32",
                                   "checkpoints=\(folder.path("runs"))", "test=\(folder.path("test.csv"))",
                                   "submission=\(folder.path("submission.csv"))"] + parameters).map(ParameterOverride.init(parsing:))
        let run = try NotebookRunner.run(try NotebookFile.read(path: notebook), options: options)
        #expect(run.failure == nil, "\(String(describing: run.failure))")
        return (folder, try String(contentsOf: folder.url.appendingPathComponent("out/report.md"), encoding: .utf8))
    }

    /// The figure is a real picture (not blank) and the report shows it.
    static func expectFigure(_ name: String, in folder: TemporaryFolder, report: String) throws {
        let png = try DecodedPNG(path: folder.path("out/\(name).png"))
        #expect(png.width >= 300 && png.height >= 200, "\(name).png is \(png.width)x\(png.height)")
        // Line charts on white are mostly white; anything drawn brings anti-aliased colors.
        #expect(png.inkedFraction > 0.02 && png.distinctColors > 20,
                "\(name).png looks blank: \(png.inkedFraction) inked, \(png.distinctColors) colors")
        #expect(report.contains("(\(name).png)"), "report.md does not show \(name).png")
    }

    /// The submission has a header and one valid label per test face.
    static func expectSubmission(in folder: TemporaryFolder) throws {
        let submission = try String(contentsOfFile: folder.path("submission.csv"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        #expect(submission.first == "id,label")
        #expect(submission.count == 6)
        #expect(submission.dropFirst().allSatisfy { line in
            let parts = line.split(separator: ",")
            return parts.count == 2 && Int(parts[1]).map { (0..<7).contains($0) } == true
        })
    }

    /// The training recipe a checkpoint's metadata records (`fern.training`'s `recipe`).
    static func trainingRecipe(ofCheckpoint path: String) throws -> [String: Any]? {
        let metadata = try Safetensors.read(path).metadata
        let state = try metadata["fern.training"].map { try JSONSerialization.jsonObject(with: Data($0.utf8)) } as? [String: Any]
        return state?["recipe"] as? [String: Any]
    }

    @Test func reportHasEverySectionEveryFigureAndASubmission() throws {
        let (folder, report) = try Self.run([])
        let html = try String(contentsOf: folder.url.appendingPathComponent("out/report.html"), encoding: .utf8)
        for section in Self.sections {
            #expect(report.contains("## \(section)"), "report.md lacks \(section)")
            #expect(html.contains(section), "report.html lacks \(section)")
        }
        for words in ["CNN validation accuracy:", "averaging over ten crops", "weighted avg", "most confused",
                      "seconds per epoch", "share of saliency on brows, eyes and mouth", "the most faithful method on these 30 faces:", "wrote"] {
            #expect(report.contains(words), "report.md lacks '\(words)'")
        }
        #expect(html.components(separatedBy: "data:image/png;base64,").count - 1 >= Self.figures.count)
        for name in Self.figures { try Self.expectFigure(name, in: folder, report: report) }
        try Self.expectSubmission(in: folder)
    }

    /// `cnn=best` trains the VGG variant as results/fer2013/best was (Adam, cosine schedule, shifts of up to 8 pixels,
    /// zooms up to 20%, random erasing, label smoothing, epochs chosen with mirror images), taught by saved models if
    /// given (here one untrained dense network, as only the plumbing is checked);
    /// `cnn=resnet` puts a residual network through every section, its feature maps and filters shown for its
    /// first convolutions and first residual block.
    @Test(arguments: [("best", ["conv2d", "conv2d_1", "conv2d_2"]), ("resnet", ["conv2d", "conv2d_1", "residual"])])
    func otherModelsRunTheWholeReport(cnn: String, featureLayers: [String]) throws {
        let teachers = try TemporaryFolder(), teacher = teachers.path("teacher")
        defer { withExtendedLifetime(teachers) {} }
        if cnn == "best" { try ReferenceModel(named: "seed-dnn").make(classes: 7, seed: 1).save(to: teacher) }
        let (folder, report) = try Self.run(["cnn=\(cnn)"] + (cnn == "best" ? ["epochs=2", "teachers=[\"\(teacher)\"]"] : []))
        for words in ["CNN validation accuracy:", "averaging over ten crops", "weighted avg", "wrote"] {
            #expect(report.contains(words), "report.md lacks '\(words)'")
        }
        if cnn == "best" {
            // The cosine schedule starts at Adam's 0.001 and has fallen by the second of two epochs; the
            // plateau schedule of the other models would still be at 0.001 (it halves only after `patience` epochs).
            let line = report.split(separator: "\n").last { $0.contains("learning rate by epoch, cosine:") && !$0.contains("print(") }
            let words = line.map { $0.split(separator: " ") } ?? []
            let first = words.count > 4 ? Double(words[words.count - 4]) : nil, last = words.last.flatMap { Double($0) }
            #expect(first == 0.001, "\(String(describing: line))")
            #expect(last.map { $0 > 0 && $0 < 0.0009 } == true, "\(String(describing: line))")
            #expect(report.contains("conv2d_7 (Conv2D)"), "cnn=best is the VGG variant, whose eighth convolution the summary lists")
            // The regularizers leave no mark two epochs can show; the recipe the checkpoint records has them.
            let checkpoints = try FileManager.default.contentsOfDirectory(atPath: folder.path("runs"))
                .filter { $0.hasPrefix("best-") && $0.hasSuffix(".ckpt") }
            #expect(checkpoints.count == 1 && checkpoints[0].contains("-taught-by-"), "\(checkpoints)")
            let recipe = try checkpoints.first.flatMap { try Self.trainingRecipe(ofCheckpoint: folder.path("runs/\($0)")) }
            #expect(recipe?["distillation"] as? Double == 0.5, "\(String(describing: recipe))")
            #expect(recipe?["labelSmoothing"] as? Double == 0.1, "\(String(describing: recipe))")
            let augmentation = recipe?["augmentation"] as? [String: Any]
            #expect(augmentation?["erasing"] as? Double == 0.5, "\(String(describing: recipe))")
            #expect(augmentation?["maxShift"] as? Int == 8, "\(String(describing: recipe))")
            #expect(augmentation?["maxZoom"] as? Double == 0.2, "\(String(describing: recipe))")
            #expect(recipe?["testTimeAugmentation"] as? String == "mirror", "\(String(describing: recipe))")
        } else {
            #expect(report.contains("residual_3 (Residual)"), "the summary lacks the last residual block")
        }
        for name in ["hirescam", "best-saliency", "confusion"] + featureLayers.flatMap({ ["feature-maps-\($0)", "filters-\($0)"] }) {
            try Self.expectFigure(name, in: folder, report: report)
        }
        try Self.expectSubmission(in: folder)
    }
}
