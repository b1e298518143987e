import FernTestSupport
import Foundation
import Testing

/// The built `fern` executable, run as a user would: under a pseudo-terminal
/// (the prompt) and with a pipe on standard input (a script).
@Suite struct InteractivePromptTests {
    /// `fern` sits next to the test bundle in the build folder (SwiftPM builds
    /// it with the tests); FERN_EXECUTABLE overrides.
    static var executable: String {
        if let given = ProcessInfo.processInfo.environment["FERN_EXECUTABLE"] { return given }
        let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return testBinary.deletingLastPathComponent().appendingPathComponent("fern").path
    }

    static func requireExecutable() throws -> String {
        let path = executable
        guard FileManager.default.isExecutableFile(atPath: path) else {
            Issue.record("no fern executable at \(path): build fern first (swift build), or set FERN_EXECUTABLE")
            throw CancellationError()
        }
        return path
    }

    static func environment(_ folder: TemporaryFolder) -> [String: String] {
        ["HOME": folder.url.path, "FERN_HISTORY": folder.path("history"), "TERM": "xterm",
         "INPUTRC": "/dev/null", "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"]
    }

    @Test(.timeLimit(.minutes(2)))
    func testTypingCompletingFailingInterruptingAndLeaving() throws {
        let folder = try TemporaryFolder()
        let fern = try TerminalSession(executable: try Self.requireExecutable(),
                                       environment: Self.environment(folder), directory: folder.url.path)
        try fern.expect("Fern 0.1.0 — :help for help, :quit to leave")
        try fern.expect("fern> ")

        // A multi-line function and loop: the continuation prompt while the block is open.
        fern.type("def square(x) {\r")
        try fern.expect("  ... ")
        fern.type("return x * x\r}\r")
        try fern.expect("fern> ")
        fern.type("total = 0\rfor i in 1..4 {\rtotal = total + square(i)\r}\r")
        fern.type("total\r")
        try fern.expect("\n14\n")

        // Tab completes a built-in (with its parenthesis) and a member.
        fern.type("faces = synth\t")
        try fern.expect("etic_faces(")
        fern.type("20, seed=1)\r")
        try fern.expect("fern> ")
        fern.type("faces.im\t")
        try fern.expect("ages")
        fern.type(".shape\r")
        try fern.expect("[20, 48, 48, 1]")
        #expect(fern.screenText.contains("faces = synthetic_faces(20, seed=1)"))
        #expect(fern.screenText.contains("faces.images.shape"))

        // An error shows a caret, and the next command works.
        fern.type("total + nope\r")
        try fern.expect("<input>:1:9: error: unknown name 'nope'")
        try fern.expect("^")
        fern.type("total + 1\r")
        try fern.expect("\n15\n")

        // Ctrl-C stops a long loop; the prompt returns with every variable intact.
        // (The loop announces itself so that Ctrl-C is not sent before it runs;
        // "loop" + "ing" keeps the echo of the typed line from matching.)
        let loop = "for i in 0..100000000 { if i == 1 { print(\"loop\" + \"ing\") }; x = i }\r"
        fern.type(loop)
        try fern.expect("looping")
        fern.type("\u{03}")
        try fern.expect("error: interrupted")
        try fern.expect("fern> ")
        fern.type("x > 0 and total == 14\r")
        try fern.expect("true")

        // Two quick presses during a command do not end the process. Only the prompt is awaited:
        // the signal of the second press makes the terminal flush output not yet read, as any
        // terminal does, which on a busy machine can take the first press's error message with it.
        fern.type(loop)
        try fern.expect("looping")
        fern.type("\u{03}")
        fern.type("\u{03}")
        try fern.expect("fern> ")
        Thread.sleep(forTimeInterval: 0.3)

        // Ctrl-C while typing drops the half-typed line and the open block.
        fern.type("for j in 0..3 {\rgarbage")
        try fern.expect("garbage")
        fern.type("\u{03}")
        try fern.expect("^C")
        try fern.expect("fern> ")
        fern.type("square(total)\r")
        try fern.expect("\n196\n")
        try fern.expect("fern> ") // a Ctrl-D typed ahead, in cooked mode, would be lost

        // Ctrl-D leaves cleanly; the lines typed are in the history file.
        fern.type("\u{04}")
        #expect(try fern.waitForExit() == 0)
        let history = try String(contentsOfFile: folder.path("history"), encoding: .utf8)
        #expect(history.contains("def square(x) {\n"))
        #expect(history.contains("faces = synthetic_faces(20, seed=1)\n"))
        #expect(!history.contains("garbage"))
    }

    @Test(.timeLimit(.minutes(1)))
    func testHistoryFromAnEarlierSessionIsRecalled() throws {
        let folder = try TemporaryFolder()
        try "answer = 6 * 7\n".write(toFile: folder.path("history"), atomically: true, encoding: .utf8)
        let fern = try TerminalSession(executable: try Self.requireExecutable(),
                                       environment: Self.environment(folder), directory: folder.url.path)
        try fern.expect("fern> ")
        fern.type("\u{1B}[A\r") // Up arrow recalls the last line
        fern.type("answer\r")
        try fern.expect("\n42\n")
        try fern.expect("fern> ")
        fern.type(":quit\r")
        #expect(try fern.waitForExit() == 0)
    }

    /// Runs `fern` with `script` on a pipe; returns exit status, output and errors.
    static func runScript(_ script: String, in folder: TemporaryFolder, environment extra: [String: String] = [:]) throws -> (Int32, String, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try requireExecutable())
        process.currentDirectoryURL = folder.url
        process.environment = environment(folder).merging(extra) { $1 }
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data(script.utf8))
        try input.fileHandleForWriting.close()
        let printed = output.fileHandleForReading.readDataToEndOfFile()
        let reported = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: printed, as: UTF8.self), String(decoding: reported, as: UTF8.self))
    }

    @Test func testWithoutATerminalStandardInputIsAScript() throws {
        let folder = try TemporaryFolder()
        let (status, output, errors) = try Self.runScript("print(1 + 1)\nx = 3\nx\nx * 2\n", in: folder)
        #expect(status == 0)
        #expect(output == "2\n6\n")
        #expect(errors.isEmpty)
    }

    @Test func testScriptErrorGoesToStandardErrorWithExitStatusOne() throws {
        let folder = try TemporaryFolder()
        let (status, output, errors) = try Self.runScript("print(\"before\")\ny = 1 + nope\nprint(\"after\")\n", in: folder)
        #expect(status == 1)
        #expect(output == "before\n")
        #expect(errors == "<stdin>:2:9: error: unknown name 'nope'\n    y = 1 + nope\n            ^\n")
    }
}
