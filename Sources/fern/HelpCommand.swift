import ArgumentParser
import FernLang

/// `fern help [topic]`: a command's usage, or the language's built-in
/// functions from the same table the REPL's `help()` and tab completion use.
struct Help: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "help",
        abstract: "Help on a command or a built-in function; --all prints the language reference as Markdown.")

    @Argument(help: "A command (run, train, ...) or a built-in function (zeros, fit, ...).")
    var name: String?

    @Flag(help: "Print the whole reference as Markdown (what docs/reference.md holds).")
    var all = false

    func run() throws {
        if all {
            print(Builtins.referenceMarkdown())
        } else if let name, let command = Fern.configuration.subcommands.first(where: { $0._commandName == name }) {
            print(Fern.helpMessage(for: command))
        } else if let name {
            let text = Builtins.help(for: name)
            print(text)
            if text.hasPrefix("no built-in") { throw ExitCode(1) }
        } else {
            print(Fern.helpMessage())
            print("\nBUILT-IN FUNCTIONS:")
            for (title, builtins) in Builtins.sections {
                print("\(title):")
                for builtin in builtins {
                    print("  \(builtin.signature.padding(toLength: 44, withPad: " ", startingAt: 0)) \(builtin.doc)")
                }
            }
            print("\n  'fern help NAME' explains one; 'fern help --all' prints the reference as Markdown.")
        }
    }
}
