import FernNotebook
import Testing

@Suite struct NotebookCheckTests {
    @Test func aBrokenCellIsReportedWithItsNumberLineAndCaret() {
        let notebook = NotebookFile.parse("""
            #%% md
            Prose with (unbalanced brackets is fine here.
            #%%
            a = 1
            #%%
            b = (a +
            c = 2
            """, path: "broken.fernb")
        let errors = notebook.syntaxErrors()
        #expect(errors.count == 1)
        let error = errors[0]
        #expect(error.cellNumber == 3)
        #expect(error.line == 7)
        #expect(error.message.hasPrefix("broken.fernb:7:"))
        #expect(error.message.contains("\n    c = 2\n"))
        #expect(error.message.contains("^"))
        #expect(error.description.hasPrefix("cell 3 of broken.fernb, line 7:\n"))
    }

    @Test func aGoodNotebookHasNoErrorsAndNothingRuns() {
        let notebook = NotebookFile.parse("#%%\nprint(\"would print\")\nx = undefined_name + 1", path: "ok.fernb")
        #expect(notebook.syntaxErrors().isEmpty)
    }
}
