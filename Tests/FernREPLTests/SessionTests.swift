import FernLang
import FernTestSupport
import Foundation
import Testing
@testable import FernREPL

/// A session whose output and errors are kept for inspection.
final class RecordedSession {
    private(set) var output: [String] = []
    private(set) var errors: [String] = []
    private(set) var session: Session!

    init() {
        let interpreter = Interpreter(output: { [unowned self] in output.append($0) })
        session = Session(interpreter: interpreter, out: { [unowned self] in output.append($0) },
                          error: { [unowned self] in errors.append($0) })
    }

    @discardableResult
    func type(_ input: String) -> Session.Outcome {
        session.handle(input)
    }
}

@Suite struct SessionTests {
    @Test func testExpressionValueIsPrinted() {
        let recorded = RecordedSession()
        recorded.type("x = 20")
        recorded.type("x + 1")
        #expect(recorded.output == ["21"])
    }

    @Test func testErrorShowsCaretAndTheSessionContinues() {
        let recorded = RecordedSession()
        recorded.type("y = 2")
        recorded.type("y + nope")
        #expect(recorded.errors == ["<input>:1:5: error: unknown name 'nope'\n    y + nope\n        ^"])
        recorded.type("y * 3")
        #expect(recorded.output == ["6"])
    }

    @Test func testVarsListsNameTypeAndSummary() {
        let recorded = RecordedSession()
        recorded.type(":vars")
        #expect(recorded.output == ["no variables yet"])
        recorded.type("name = \"faces\"\nn = 3\ndef f(a) { return a }")
        recorded.type(":vars")
        #expect(recorded.output.dropFirst() == ["f     function  <function f(a)>",
                                                "n     number    3",
                                                "name  string    \"faces\""])
    }

    @Test func testTimePrintsValueThenWallTime() {
        let recorded = RecordedSession()
        recorded.type(":time 6 * 7")
        #expect(recorded.output.count == 2)
        #expect(recorded.output[0] == "42")
        #expect(recorded.output[1].hasPrefix("time: "))
    }

    @Test func testHelpNameShowsTheBuiltinsDoc() {
        let recorded = RecordedSession()
        recorded.type(":help len")
        #expect(recorded.output.first?.hasPrefix("len(x)") == true)
        recorded.type(":help")
        #expect(recorded.output.last?.contains("Ctrl-C") == true)
        recorded.type(":help for")
        #expect(recorded.output.last?.hasPrefix("'for' is a keyword") == true)
        #expect(recorded.errors.isEmpty)
    }

    @Test func testResetForgetsVariables() {
        let recorded = RecordedSession()
        recorded.type("a = 1")
        recorded.type(":reset")
        recorded.type("a")
        #expect(recorded.errors.first?.contains("unknown name 'a'") == true)
    }

    @Test func testQuitEndsTheSession() {
        #expect(RecordedSession().type(":quit") == .quit)
        #expect(RecordedSession().type("1") == .proceed)
    }

    @Test func testBadMetaCommandIsAnErrorNotACrash() {
        let recorded = RecordedSession()
        #expect(recorded.type(":nonsense") == .proceed)
        #expect(recorded.errors.first?.hasPrefix("error: unknown command") == true)
    }

    @Test func testLoadRunsNotebookCodeCellsInOrder() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("small.fernb")
        try """
        #%% md
        # A small notebook
        #%% parameters
        n = 4
        #%%
        squares = list(0..n)
        len(squares)
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let recorded = RecordedSession()
        recorded.type(":load \(path)")
        #expect(recorded.errors.isEmpty)
        #expect(recorded.output == ["4", "loaded \(path): 2 code cells run"])
        recorded.type("n")
        #expect(recorded.output.last == "4")
    }

    @Test func testLoadStopsAtAFailingCellWithTheFilesLineNumber() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("broken.fernb")
        try "#%%\nok = 1\n#%%\n\nbad = nope + 1\n#%%\nnever = 1\n".write(toFile: path, atomically: true, encoding: .utf8)
        let recorded = RecordedSession()
        recorded.type(":load \(path)")
        #expect(recorded.errors.first?.hasPrefix("\(path):5:7: error: unknown name 'nope'") == true)
        #expect(recorded.errors.last == "stopped at cell 2 of \(path)")
        #expect(recorded.session.interpreter.globals["ok"] != nil)
        #expect(recorded.session.interpreter.globals["never"] == nil)
    }

    @Test func testLoadRunsAPlainScriptAndReportsAMissingFile() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("script.fern")
        try "print(\"hello\")\n2 + 2\n".write(toFile: path, atomically: true, encoding: .utf8)
        let recorded = RecordedSession()
        recorded.type(":load \(path)")
        #expect(recorded.output == ["hello", "4"])
        recorded.type(":load \(folder.path("missing.fern"))")
        #expect(recorded.errors.first?.hasPrefix("error: cannot read") == true)
    }

    @Test func testVariableSummaryIsOneShortLine() {
        #expect(ValueSummary.line(for: .list((0..<100).map { .number(Double($0)) })).count == ValueSummary.maxLength)
        #expect(ValueSummary.line(for: .string("a\nb")) == "\"a…")
    }
}

@Suite struct FigureFolderTests {
    @Test func testNumbersContinueAfterFiguresAlreadyThere() throws {
        let folder = try TemporaryFolder()
        try Data().write(to: folder.url.appendingPathComponent("figure-7.png"))
        let figures = FigureFolder(path: folder.url.path)
        #expect(try figures.nextPath(named: nil) == folder.path("figure-8.png"))
        #expect(try figures.nextPath(named: nil) == folder.path("figure-9.png"))
        #expect(try figures.nextPath(named: "classes") == folder.path("classes.png"))
        #expect(try figures.nextPath(named: "curves.svg") == folder.path("curves.svg"))
    }

    @Test func testFolderIsMadeOnFirstSave() throws {
        let folder = try TemporaryFolder()
        let figures = FigureFolder(path: folder.path("figures"))
        #expect(!FileManager.default.fileExists(atPath: folder.path("figures")))
        _ = try figures.nextPath(named: nil)
        #expect(FileManager.default.fileExists(atPath: folder.path("figures")))
    }
}

@Suite struct HistoryPathTests {
    @Test func testEnvironmentOverridesTheHomeFile() {
        #expect(REPL.historyPath(environment: ["HOME": "/home/a"]) == "/home/a/.fern_history")
        #expect(REPL.historyPath(environment: ["HOME": "/home/a", "FERN_HISTORY": "/tmp/h"]) == "/tmp/h")
        #expect(REPL.historyPath(environment: ["FERN_HISTORY": ""]) == nil)
    }
}
