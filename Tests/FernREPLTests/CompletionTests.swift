import FernLang
import FernTestSupport
import Foundation
import Testing
@testable import FernREPL

@Suite struct CompletionTests {
    /// A completer over a few known names, `ds` with members, and no interpreter.
    let completer = Completer(
        names: {
            [.init(name: "synthetic_faces", isFunction: true), .init(name: "sum", isFunction: true),
             .init(name: "total", isFunction: false), .init(name: "square", isFunction: true)]
        },
        members: { $0 == "ds" ? ["class_names", "count", "images", "labels"] : [] })

    func complete(_ line: String, cursor: Int? = nil) -> Completions {
        completer.complete(line, cursor: cursor ?? line.utf8.count)
    }

    @Test func testBuiltinPrefixCompletesToCallWithParenthesis() {
        #expect(complete("synth") == Completions(start: 0, candidates: [Candidate(text: "synthetic_faces", suffix: "(")]))
    }

    @Test func testWordStartsAfterOperatorsAndBrackets() {
        let completions = complete("x = [tot")
        #expect(completions.start == 5)
        #expect(completions.candidates == [Candidate(text: "total")])
    }

    @Test func testSeveralCandidatesAreSortedAndIncludeKeywords() {
        #expect(complete("s").candidates.map(\.text) == ["square", "sum", "synthetic_faces"])
        #expect(complete("ret").candidates == [Candidate(text: "return")])
    }

    @Test func testMembersAfterDot() {
        let completions = complete("n = ds.im")
        #expect(completions.start == 7)
        #expect(completions.candidates == [Candidate(text: "images")])
        #expect(complete("ds.").candidates.count == 4)
        #expect(complete("nothing.x").candidates.isEmpty)
    }

    @Test func testCompletesOnlyTheWordBeforeTheCursor() {
        let completions = complete("synth + total", cursor: 5)
        #expect(completions.start == 0)
        #expect(completions.candidates.map(\.text) == ["synthetic_faces"])
    }

    @Test func testNothingInsideCommentsOrAfterNumbers() {
        #expect(complete("x = 1 # syn").candidates.isEmpty)
        #expect(complete("x = 12").candidates.isEmpty)
    }

    @Test func testTabAtTheStartOfALineIndents() {
        #expect(complete("  ") == Completions(start: 2, candidates: [Candidate(text: "    ")]))
    }

    @Test func testOffsetsAreUTF8Bytes() {
        let completions = complete("s = \"é\" + tot")
        #expect(completions.start == "s = \"é\" + ".utf8.count)
        #expect(completions.candidates == [Candidate(text: "total")])
    }

    @Test func testMetaCommandNames() {
        #expect(complete(":he") == Completions(start: 1, candidates: [Candidate(text: "help", suffix: " ")]))
        #expect(complete(":r") == Completions(start: 1, candidates: [Candidate(text: "reset")]))
        #expect(complete(":").candidates.map(\.text) == ["help", "vars", "time", "load", "display", "reset", "quit"])
    }

    @Test func testHelpCompletesFunctionNamesAndTimeCompletesCode() {
        #expect(complete(":help sy") == Completions(start: 6, candidates: [Candidate(text: "synthetic_faces")]))
        let timed = complete(":time tot")
        #expect(timed.start == 6)
        #expect(timed.candidates == [Candidate(text: "total")])
    }

    @Test func testFilePathsInsideStrings() throws {
        let folder = try TemporaryFolder()
        try Data().write(to: folder.url.appendingPathComponent("train.csv"))
        try Data().write(to: folder.url.appendingPathComponent("test.csv"))
        try Data().write(to: folder.url.appendingPathComponent(".hidden"))
        try FileManager.default.createDirectory(at: folder.url.appendingPathComponent("tiles"), withIntermediateDirectories: true)
        let line = "ds = load_fer(\"\(folder.url.path)/tr"
        let completions = complete(line)
        #expect(completions.start == "ds = load_fer(\"".utf8.count)
        #expect(completions.arePaths)
        #expect(completions.candidates == [Candidate(text: folder.url.path + "/train.csv", suffix: "\"")])
        let all = complete("load_fer('\(folder.url.path)/t").candidates
        #expect(all == [Candidate(text: folder.url.path + "/test.csv", suffix: "'"),
                        Candidate(text: folder.url.path + "/tiles/"),
                        Candidate(text: folder.url.path + "/train.csv", suffix: "'")])
        #expect(complete("load_fer(\"\(folder.url.path)/.h").candidates.map(\.text) == [folder.url.path + "/.hidden"])
    }

    @Test func testLoadCompletesPathsWithoutQuotes() throws {
        let folder = try TemporaryFolder()
        try Data().write(to: folder.url.appendingPathComponent("hw3.fernb"))
        let completions = complete(":load \(folder.url.path)/h")
        #expect(completions.start == 6)
        #expect(completions.candidates == [Candidate(text: folder.url.path + "/hw3.fernb")])
    }

    @Test func testInterpreterCompleterKnowsVariablesBuiltinsAndMembers() throws {
        let interpreter = Interpreter(output: { _ in })
        _ = try interpreter.run("faces = synthetic_faces(3)\ndef twice(x) { return 2 * x }")
        let completer = Completer.forInterpreter(interpreter)
        #expect(completer.complete("fac", cursor: 3).candidates == [Candidate(text: "faces")])
        #expect(completer.complete("twi", cursor: 3).candidates == [Candidate(text: "twice", suffix: "(")])
        #expect(completer.complete("synthetic_f", cursor: 11).candidates == [Candidate(text: "synthetic_faces", suffix: "(")])
        #expect(completer.complete("faces.im", cursor: 8).candidates == [Candidate(text: "images")])
    }
}
