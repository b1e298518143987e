import FernTestSupport
import Foundation
import Testing

/// Every subcommand's `--help`, as a user reads it.
@Suite struct CommandHelpTests {
    @Test func helpStatesEachDefaultOnce() throws {
        let folder = try TemporaryFolder()
        // The subcommands as `fern --help` lists them: two-space indent, the name, then its abstract.
        let commands = try TrainCommandTests.fern(["--help"], in: folder).split(separator: "SUBCOMMANDS:").last?
            .split(separator: "\n").compactMap { $0.firstMatch(of: /^  ([a-z]+)\s/)?.1 }.map(String.init) ?? []
        #expect(commands.count >= 10 && commands.contains("ensemble"), "\(commands)")
        for command in commands {
            let text = try TrainCommandTests.fern([command, "--help"], in: folder)
            #expect(text.contains("USAGE: fern \(command)"))
            // ArgumentParser appends "(default: X)" to an option with a default value; help text must not say it again.
            let flattened = text.replacing(/\s+/, with: " ")
            if let repeated = flattened.firstMatch(of: /\(default: [^)]*\)\.? \(default: [^)]*\)/) {
                Issue.record("fern \(command) --help says its default twice: \(repeated.output)")
            }
        }
    }
}
