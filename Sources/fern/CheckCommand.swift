import ArgumentParser
import FernNotebook
import Foundation

/// `fern check FILE.fernb`: parses every cell without running any.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a .fernb notebook's cells for syntax errors without running them.")

    @Argument(help: "The notebook to check.")
    var notebook: String

    func run() throws {
        let file = try NotebookFile.read(path: notebook)
        let errors = file.syntaxErrors()
        for error in errors { FileHandle.standardError.write(Data("syntax error in \(error.description)\n".utf8)) }
        guard errors.isEmpty else {
            FileHandle.standardError.write(Data("\(notebook): \(errors.count) cell\(errors.count == 1 ? "" : "s") with syntax errors\n".utf8))
            throw ExitCode.failure
        }
        let code = file.cells.filter { $0.kind != .markdown }.count
        print("\(notebook): \(file.cells.count) cells OK (\(code) code, \(file.cells.count - code) markdown)")
    }
}
