import ArgumentParser
import FernREPL
import Foundation

/// `fern` with no subcommand: the interactive prompt on a terminal, or a
/// script read from standard input when that is not a terminal.
struct Repl: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The interactive prompt (the default). Reads a script from standard input when it is not a terminal.")

    func run() throws {
        let status: Int32
        if isatty(0) != 0 {
            status = REPL.runInteractive(version: Fern.version)
        } else {
            let input = FileHandle.standardInput.readDataToEndOfFile()
            status = REPL.runScript(String(decoding: input, as: UTF8.self))
        }
        if status != 0 { throw ExitCode(status) }
    }
}
