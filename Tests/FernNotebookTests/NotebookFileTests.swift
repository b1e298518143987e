import FernNotebook
import Testing

@Suite struct NotebookFileTests {
    @Test func markersSplitCellsAndKeepFileLineNumbers() {
        let text = """
            #%% md
            # Title
            Some prose.
            #%% parameters
            epochs = 3
            # %% [markdown]
            More prose.
            #%% cache  Train the model
            m = 1
            n = 2
            """
        let notebook = NotebookFile.parse(text, path: "t.fernb")
        #expect(notebook.cells.map(\.kind) == [.markdown, .parameters, .markdown, .code])
        #expect(notebook.cells.map(\.number) == [1, 2, 3, 4])
        #expect(notebook.cells[0].source == "# Title\nSome prose.")
        #expect(notebook.cells[1].firstLine == 5)
        #expect(notebook.cells[3].cached)
        #expect(!notebook.cells[1].cached)
        #expect(notebook.cells[3].title == "Train the model")
        #expect(notebook.cells[3].firstLine == 9)
        #expect(notebook.cells[3].source == "m = 1\nn = 2")
        #expect(notebook.parametersCell?.source == "epochs = 3")
    }

    @Test func textBeforeTheFirstMarkerIsACodeCellUnlessBlank() {
        #expect(NotebookFile.parse("x = 1\n#%%\ny = 2").cells.map(\.source) == ["x = 1", "y = 2"])
        #expect(NotebookFile.parse("\n\n#%%\ny = 2").cells.count == 1)
        #expect(NotebookFile.parse("").cells.isEmpty)
    }

    @Test func aHashCommentIsNotAMarker() {
        let notebook = NotebookFile.parse("#%%\n# a comment\n#% not a marker\nx = 1")
        #expect(notebook.cells.count == 1)
        #expect(notebook.cells[0].source == "# a comment\n#% not a marker\nx = 1")
    }

    @Test func unreadableFileIsAClearError() {
        #expect(throws: NotebookError.self) { try NotebookFile.read(path: "/nonexistent/x.fernb") }
    }
}
