import FernTestSupport
import Foundation
import Testing

/// Every subcommand's `--help`, as a user reads it.
@Suite struct CommandHelpTests {
    static let commands = ["repl", "run", "watch", "check", "help", "bench", "train", "ensemble", "curves", "export"]

    @Test(arguments: commands) func helpStatesEachDefaultOnce(command: String) throws {
        let folder = try TemporaryFolder()
        let text = try TrainCommandTests.fern([command, "--help"], in: folder)
        #expect(text.contains("USAGE: fern \(command)"))
        // ArgumentParser appends "(default: X)" to an option with a default value; help text must not say it again.
        let flattened = text.replacing(/\s+/, with: " ")
        if let repeated = flattened.firstMatch(of: /\(default: [^)]*\)\.? \(default: [^)]*\)/) {
            Issue.record("fern \(command) --help says its default twice: \(repeated.output)")
        }
    }
}
