import FernNotebook
import FernTestSupport
import Foundation
import Testing

/// The .ipynb export, read back as JSON and checked against nbformat 4.5's rules that matter
/// to a viewer (Tests/Interop/ipynb_test.py validates it with nbformat itself and renders it
/// with nbconvert).
@Suite struct JupyterNotebookTests {
    typealias JSON = [String: Any]

    static func decode(_ data: Data) throws -> JSON {
        try #require(try JSONSerialization.jsonObject(with: data) as? JSON)
    }

    static func cells(_ notebook: JSON) throws -> [JSON] {
        try #require(notebook["cells"] as? [JSON])
    }

    static func joined(_ value: Any?) -> String { (value as? [String])?.joined() ?? "" }

    @Test func aRunBecomesCellsWithTheirOutputsAndFigures() throws {
        let fixture = try NotebookFixture()
        let run = try fixture.run(["n=12"])
        let notebook = try Self.decode(try JupyterNotebook(run: run).json())
        #expect(notebook["nbformat"] as? Int == 4 && notebook["nbformat_minor"] as? Int == 5)
        let metadata = try #require(notebook["metadata"] as? JSON)
        #expect((metadata["language_info"] as? JSON)?["name"] as? String == "fern")
        #expect((metadata["kernelspec"] as? JSON)?["language"] as? String == "fern")
        #expect((metadata["fern"] as? JSON)?["status"] as? String == "completed")

        let cells = try Self.cells(notebook)
        #expect(cells.map { $0["cell_type"] as? String } == ["markdown", "code", "code", "code", "code"])
        #expect(Set(cells.compactMap { $0["id"] as? String }).count == cells.count)
        #expect(cells.allSatisfy { ($0["id"] as? String)?.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" } == true })

        let markdown = cells[0]
        #expect(Self.joined(markdown["source"]).hasPrefix("# Tiny notebook\nCounts of *synthetic* faces"))
        #expect(markdown["outputs"] == nil && markdown["execution_count"] == nil)
        // Multi-line strings are lists of lines, every line but the last ending in a newline.
        let lines = try #require(markdown["source"] as? [String])
        #expect(lines.dropLast().allSatisfy { $0.hasSuffix("\n") } && lines.dropLast().allSatisfy { $0.dropLast().contains("\n") == false })

        let parameters = cells[1]
        #expect((parameters["metadata"] as? JSON)?["tags"] as? [String] == ["parameters"])
        #expect(Self.joined(parameters["source"]) == "n = 20\nseed = 1\nlabel = \"faces\"\n")
        let shownParameters = Self.joined((parameters["outputs"] as? [JSON])?.first?["text"])
        #expect(shownParameters.contains("n = 12  # from -p"), "\(shownParameters)")
        let data = cells[2]
        #expect(parameters["execution_count"] as? Int == 1 && data["execution_count"] as? Int == 2)
        let fern = try #require((data["metadata"] as? JSON)?["fern"] as? JSON)
        #expect(fern["title"] as? String == "Data" && fern["line"] as? Int == 15)
        let stream = try #require((data["outputs"] as? [JSON])?.first)
        #expect(stream["output_type"] as? String == "stream" && stream["name"] as? String == "stdout")
        #expect(Self.joined(stream["text"]).hasPrefix("faces 12\n"))

        let last = cells[4]
        #expect(last["execution_count"] as? Int == 4)
        let outputs = try #require(last["outputs"] as? [JSON])
        #expect(outputs.map { $0["output_type"] as? String } == ["stream", "display_data"])
        let figure = try #require(outputs[1]["data"] as? JSON)
        let encoded = try #require(figure["image/png"] as? String)
        let png = try #require(Data(base64Encoded: encoded))
        #expect(png == (try Data(contentsOf: fixture.output.appendingPathComponent("cell05-1.png"))))
        let decoded = try DecodedPNG(path: fixture.output.appendingPathComponent("cell05-1.png").path)
        #expect(decoded.width == 160 && decoded.height == 120)
    }

    @Test func theErrorThatStoppedARunIsAnErrorOutputAndLaterCellsHaveNone() throws {
        let fixture = try NotebookFixture("#%%\nx = 1\nprint(x)\n#%%\ny = undefined_name + 1\n#%%\nprint(\"never\")\n")
        let run = try fixture.run()
        #expect(run.failure != nil)
        let cells = try Self.cells(try Self.decode(try JupyterNotebook(run: run).json()))
        #expect(cells.count == 3)
        let error = try #require((cells[1]["outputs"] as? [JSON])?.first)
        #expect(error["output_type"] as? String == "error" && error["ename"] as? String == "FernError")
        #expect((error["evalue"] as? String)?.contains("undefined_name") == true)
        #expect((error["traceback"] as? [String])?.contains { $0.contains("^") } == true, "the caret line is kept")
        #expect(cells[2]["execution_count"] is NSNull)
        #expect((cells[2]["outputs"] as? [Any])?.isEmpty == true)
        #expect(((try Self.decode(try JupyterNotebook(run: run).json()))["metadata"] as? JSON)
            .flatMap { $0["fern"] as? JSON }?["status"] as? String == "failed in cell 2 (line 5)")
    }

    @Test func aNotebookWithoutARunHasCodeCellsWithoutOutputs() throws {
        let file = NotebookFile.parse(NotebookFixture.text, path: "tiny.fernb")
        let folder = try TemporaryFolder()
        let url = folder.url.appendingPathComponent("tiny.ipynb")
        try JupyterNotebook(notebook: file).write(to: url)
        let cells = try Self.cells(try Self.decode(try Data(contentsOf: url)))
        #expect(cells.count == 5)
        for cell in cells where cell["cell_type"] as? String == "code" {
            #expect(cell["execution_count"] is NSNull)
            #expect((cell["outputs"] as? [Any])?.isEmpty == true)
        }
        #expect(Self.joined(cells[3]["source"]).hasPrefix("w = randn([3, 3], seed=seed)\n"))
        #expect(((cells[3]["metadata"] as? JSON)?["fern"] as? JSON)?["cache"] as? Bool == true)
    }
}
