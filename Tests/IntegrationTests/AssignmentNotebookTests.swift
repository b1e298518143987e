import FernNotebook
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
        "saliency", "gradcam", "first-layer-weights", "feature-maps-conv2d", "feature-maps-conv2d_1",
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

    @Test func reportHasEverySectionEveryFigureAndASubmission() throws {
        let folder = try TemporaryFolder()
        try Self.writeTestCSV(to: folder.path("test.csv"))
        var options = NotebookRunOptions(outputFolder: folder.url.appendingPathComponent("out"))
        options.parameters = try ["faces=420", "epochs=1", "dnn_epochs=1", "batch=32",
                                  "checkpoints=\(folder.path("runs"))", "test=\(folder.path("test.csv"))",
                                  "submission=\(folder.path("submission.csv"))"].map(ParameterOverride.init(parsing:))
        let run = try NotebookRunner.run(try NotebookFile.read(path: Self.notebook), options: options)
        #expect(run.failure == nil, "\(String(describing: run.failure))")

        let report = try String(contentsOf: folder.url.appendingPathComponent("out/report.md"), encoding: .utf8)
        let html = try String(contentsOf: folder.url.appendingPathComponent("out/report.html"), encoding: .utf8)
        for section in Self.sections {
            #expect(report.contains("## \(section)"), "report.md lacks \(section)")
            #expect(html.contains(section), "report.html lacks \(section)")
        }
        for words in ["CNN validation accuracy:", "weighted avg", "most confused", "seconds per epoch",
                      "share of saliency on brows, eyes and mouth", "wrote"] {
            #expect(report.contains(words), "report.md lacks '\(words)'")
        }
        #expect(html.components(separatedBy: "data:image/png;base64,").count - 1 >= Self.figures.count)
        for name in Self.figures {
            let png = try DecodedPNG(path: folder.path("out/\(name).png"))
            #expect(png.width >= 300 && png.height >= 200, "\(name).png is \(png.width)x\(png.height)")
            // Line charts on white are mostly white; anything drawn brings anti-aliased colors.
            #expect(png.inkedFraction > 0.02 && png.distinctColors > 20,
                    "\(name).png looks blank: \(png.inkedFraction) inked, \(png.distinctColors) colors")
            #expect(report.contains("(\(name).png)"), "report.md does not show \(name).png")
        }
        let submission = try String(contentsOfFile: folder.path("submission.csv"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        #expect(submission.first == "id,label")
        #expect(submission.count == 6)
        #expect(submission.dropFirst().allSatisfy { line in
            let parts = line.split(separator: ",")
            return parts.count == 2 && Int(parts[1]).map { (0..<7).contains($0) } == true
        })
    }
}
