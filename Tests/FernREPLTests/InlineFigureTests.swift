import FernTestSupport
import Foundation
import Testing

/// The built `fern` drawing a figure at its prompt: pixels where the terminal says it can,
/// symbols where it answers no picture protocol, no escape bytes at all on a pipe or TERM=dumb.
@Suite struct InlineFigureTests {
    static func prompt(_ environment: [String: String], in folder: TemporaryFolder) throws -> TerminalSession {
        try TerminalSession(executable: try InteractivePromptTests.requireExecutable(),
                            environment: InteractivePromptTests.environment(folder).merging(environment) { $1 },
                            directory: folder.url.path)
    }

    @Test(.timeLimit(.minutes(2)))
    func kittyDrawsPixelsBelowTheLine() throws {
        let folder = try TemporaryFolder()
        let fern = try Self.prompt(["TERM": "xterm-kitty"], in: folder)
        try fern.expect("fern> ")
        fern.type("bar_chart([3, 1, 2])\r")
        try fern.expect("saved fern-figures/figure-1.png")
        #expect(fern.rawText.contains("\u{1B}_Ga=T,f=100,q=2,"))
        fern.type(":quit\r")
        #expect(try fern.waitForExit() == 0)
    }

    /// xterm answers no kitty query and no 4 in its attributes here (the test's terminal answers
    /// nothing): after the short timeout, symbols.
    @Test(.timeLimit(.minutes(2)))
    func aSilentTerminalGetsSymbolsAndDumbGetsNothing() throws {
        let folder = try TemporaryFolder()
        let fern = try Self.prompt(["TERM": "xterm", "COLORTERM": "truecolor"], in: folder)
        try fern.expect("fern> ")
        fern.type("bar_chart([3, 1, 2])\r")
        try fern.expect("saved fern-figures/figure-1.png")
        #expect(fern.rawText.contains("\u{1B}[38;2;"))
        #expect(!fern.rawText.contains("\u{1B}_Ga=T") && !fern.rawText.contains("\u{1B}Pq"))
        fern.type(":quit\r")
        #expect(try fern.waitForExit() == 0)

        let dumb = try Self.prompt(["TERM": "dumb", "FERN_DISPLAY": "inline"], in: folder)
        try dumb.expect("fern> ")
        dumb.type("bar_chart([3, 1, 2])\r")
        try dumb.expect("saved fern-figures/figure-2.png")
        #expect(!dumb.rawText.contains("\u{1B}_G") && !dumb.rawText.contains("\u{1B}[38;2;"))
        dumb.type(":quit\r")
        #expect(try dumb.waitForExit() == 0)
    }

    @Test func aPipeGetsThePathOnly() throws {
        let folder = try TemporaryFolder()
        let (status, output, errors) = try InteractivePromptTests.runScript("bar_chart([3, 1, 2])\n", in: folder,
                                                                            environment: ["TERM": "xterm-kitty", "FERN_DISPLAY": "inline"])
        #expect(status == 0 && errors.isEmpty)
        #expect(output == "saved fern-figures/figure-1.png\n")
    }
}
