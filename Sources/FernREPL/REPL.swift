import FernLang
import FernPlot
import Foundation

/// The `fern` prompt: interactive with a terminal, a script reader without one.
public enum REPL {
    /// Runs the prompt until `:quit` or Ctrl-D; returns the exit status.
    public static func runInteractive(version: String) -> Int32 {
        Interrupts.install()
        let interpreter = makeInterpreter()
        interpreter.shouldStop = { Interrupts.isPending }
        let figureDisplay = makeFigureDisplay(default: .inline)
        // The terminal echoes a Ctrl-C that stops a command as `^C` with no newline.
        let session = Session(interpreter: interpreter, figureDisplay: figureDisplay, out: Console.out, error: { text in
            Console.error(Interrupts.isPending ? "\n" + text : text)
        })
        let completer = Completer.forInterpreter(interpreter)
        let editor = LineEditor(historyPath: historyPath(), completer: completer.complete)
        Console.out("Fern \(version) — :help for help, :quit to leave")
        var buffer = InputBuffer()
        while true {
            Interrupts.clear()
            switch editor.readLine(prompt: buffer.prompt) {
            case .interrupted:
                buffer.clear()
            case .endOfInput:
                Console.out("")
                if buffer.isEmpty { return 0 }
                buffer.clear() // Ctrl-D in a block drops the block; a second one leaves
            case .line(let line):
                editor.addToHistory(line)
                guard let input = buffer.add(line) else { continue }
                Interrupts.clear()
                if session.handle(input) == .quit { return 0 }
            }
        }
    }

    /// Runs `source` (standard input that is not a terminal) as a script:
    /// prints what it prints and the value of its last statement, reports
    /// an error on standard error; returns 1 after an error.
    public static func runScript(_ source: String, file: String = "<stdin>") -> Int32 {
        let session = Session(interpreter: makeInterpreter(), out: Console.out, error: Console.error)
        return session.evaluate(source, file: file) ? 0 : 1
    }

    /// How figures appear on this standard output: `FERN_DISPLAY`, else `fallback`; nil where
    /// standard output is no terminal that can draw (a pipe, a file, TERM=dumb).
    public static func makeFigureDisplay(default fallback: DisplayMode) -> FigureDisplay? {
        let mode: DisplayMode
        do {
            mode = try DisplayMode.fromEnvironment() ?? fallback
        } catch {
            Console.error("warning: \(error); showing figures as \(fallback.rawValue)")
            mode = fallback
        }
        guard mode != .path || fallback != .path else { return nil }
        let terminal = TerminalAbilities.detect()
        return terminal.isTerminal ? FigureDisplay(mode: mode, terminal: terminal) : nil
    }

    /// An interpreter that prints to standard output (and, by default,
    /// saves figures in `fern-figures/`).
    private static func makeInterpreter() -> Interpreter {
        Interpreter(output: Console.out)
    }

    /// `FERN_HISTORY` if set (empty: keep no history), else `~/.fern_history`.
    static func historyPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let path = environment["FERN_HISTORY"] { return path.isEmpty ? nil : path }
        return (environment["HOME"] ?? NSHomeDirectory()) + "/.fern_history"
    }
}

extension Completer {
    /// Completion of the interpreter's built-ins and variables, and of the
    /// members of its variables.
    static func forInterpreter(_ interpreter: Interpreter) -> Completer {
        Completer(
            names: {
                let builtins = Builtins.all.map { Name(name: $0.name, isFunction: true) }
                let variables = interpreter.globals.map { name, value in
                    Name(name: name, isFunction: value.typeName == "function")
                }
                return builtins + variables
            },
            members: { name in interpreter.globals[name].map(Interpreter.memberNames(of:)) ?? [] })
    }
}
