import FernNN
import FernNotebook
import FernTestSupport
import Foundation
import Testing

/// scripts/fer_confusion.fernb, which draws the README's confusion matrix, run end to end on
/// synthetic faces with an untrained saved model: its report, figure and PNG checked.
@Suite struct ConfusionScriptTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/fer_confusion.fernb").path

    @Test func drawsTheMatrixOfASavedModel() throws {
        let folder = try TemporaryFolder()
        try ReferenceModel(named: "seed-cnn").make(classes: 7, seed: 1).save(to: folder.path("model"))
        var options = NotebookRunOptions(outputFolder: folder.url.appendingPathComponent("out"))
        options.parameters = try ["model=\(folder.path("model"))", "png=\(folder.path("matrix.png"))", "title=untrained"]
            .map(ParameterOverride.init(parsing:))
        let run = try NotebookRunner.run(try NotebookFile.read(path: Self.script), options: options)
        #expect(run.failure == nil, "\(String(describing: run.failure))")
        let report = try String(contentsOf: folder.url.appendingPathComponent("out/report.md"), encoding: .utf8)

        // The classification report covers every validation face: 10% of each class of 3,000, each share
        // rounded, so 300 give or take one per class.
        let accuracyLine = report.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("accuracy") }
        let faces = accuracyLine?.split(separator: " ").last.flatMap { Int($0) } ?? 0
        #expect((293...307).contains(faces), "\(String(describing: accuracyLine))")
        // Both accuracies printed, each a share of those faces.
        let scores = report.split(separator: "\n").first { $0.hasPrefix("mirror ") }?
            .split(whereSeparator: { $0 == " " || $0 == "," }).compactMap { Double($0) } ?? []
        #expect(scores.count == 2 && scores.allSatisfy { score in
            abs((score * Double(faces)).rounded() / Double(faces) - score) < 5e-5 && score <= 1
        }, "\(scores) of \(faces) faces")
        // Six confused pairs follow.
        #expect(report.components(separatedBy: " → ").count - 1 == 6, "most_confused(top=6) should list six pairs")

        // The figure: drawn and in the report, two heatmap panels side by side, and at png= byte for byte.
        try AssignmentNotebookTests.expectFigure("confusion", in: folder, report: report)
        let shown = try DecodedPNG(path: folder.path("out/confusion.png"))
        #expect(shown.width > shown.height && shown.inkedFraction > 0.2,
                "\(shown.width)x\(shown.height), \(shown.inkedFraction) inked")
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder.path("matrix.png")))
                == Data(contentsOf: folder.url.appendingPathComponent("out/confusion.png")))
    }
}
