/// A command to the prompt itself, typed after `:`.
enum MetaCommand: Equatable {
    case help(String?)
    case vars
    case time(String)
    case load(String)
    case display(DisplayMode?)
    case reset
    case quit

    /// How a meta command is spelled and explained by `:help`.
    struct Spec {
        var name: String
        var usage: String
        var summary: String
        var takesArgument: Bool { usage.contains(" ") }
    }

    static let specs = [
        Spec(name: "help", usage: ":help [name]", summary: "this list, or what a built-in does (same as help(name))"),
        Spec(name: "vars", usage: ":vars", summary: "the variables defined so far, with type and summary"),
        Spec(name: "time", usage: ":time expr", summary: "run expr and print the wall time it took"),
        Spec(name: "load", usage: ":load file", summary: "run a .fernb notebook's code cells, or a .fern script, here"),
        Spec(name: "display", usage: ":display [inline|symbols|path]",
             summary: "how shown figures appear: drawn in the terminal, in symbols, or as paths (FERN_DISPLAY sets the default)"),
        Spec(name: "reset", usage: ":reset", summary: "forget every variable"),
        Spec(name: "quit", usage: ":quit", summary: "leave the prompt (Ctrl-D too)"),
    ]

    /// The command named `name`, or by a prefix of one name (`:h`, `:q`).
    static func spec(named name: String) -> Spec? {
        if let exact = specs.first(where: { $0.name == name }) { return exact }
        if name == "exit" { return specs.first { $0.name == "quit" } }
        let matching = specs.filter { $0.name.hasPrefix(name) }
        return !name.isEmpty && matching.count == 1 ? matching[0] : nil
    }

    /// Parses a line that starts with `:`.
    init(parsing line: String) throws(MetaCommandError) {
        let text = line.drop(while: \.isWhitespace).dropFirst().drop(while: \.isWhitespace)
        let name = String(text.prefix { !$0.isWhitespace })
        var argument = text.dropFirst(name.count).trimmingWhitespace()
        guard let spec = MetaCommand.spec(named: name) else {
            throw MetaCommandError("unknown command ':\(name)'; the commands are "
                                   + MetaCommand.specs.map { ":" + $0.name }.joined(separator: ", "))
        }
        if !spec.takesArgument && !argument.isEmpty {
            throw MetaCommandError("':\(spec.name)' takes nothing after it")
        }
        switch spec.name {
        case "help":
            self = .help(argument.isEmpty ? nil : argument)
        case "vars":
            self = .vars
        case "time":
            guard !argument.isEmpty else { throw MetaCommandError("usage: :time expr, e.g. :time fit(model, ds)") }
            self = .time(argument)
        case "load":
            if argument.count >= 2, let quote = argument.first, quote == "\"" || quote == "'", argument.last == quote {
                argument = String(argument.dropFirst().dropLast())
            }
            guard !argument.isEmpty else { throw MetaCommandError("usage: :load file.fernb (or file.fern)") }
            self = .load(argument)
        case "display":
            do {
                self = .display(argument.isEmpty ? nil : try DisplayMode(parsing: argument, source: ":display"))
            } catch {
                throw MetaCommandError("\(error)")
            }
        case "reset":
            self = .reset
        default:
            self = .quit
        }
    }

    /// What `:help` prints.
    static var helpText: String {
        let width = specs.map(\.usage.count).max()! + 3
        let lines = specs.map { "  " + $0.usage.padding(toLength: width, withPad: " ", startingAt: 0) + $0.summary }
        return (["Commands:"] + lines + [
            "help() lists the built-in functions; help(name) or :help name explains one.",
            "Tab completes names, members (ds.<Tab>) and file paths inside strings;",
            "Ctrl-R searches the history; Ctrl-C stops a running command; Ctrl-D leaves.",
        ]).joined(separator: "\n")
    }
}

/// A meta command that cannot be run as typed.
struct MetaCommandError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}

extension Substring {
    func trimmingWhitespace() -> String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
