import FernLang
import FernNotebook
import Foundation

/// What the prompt does with each complete input: runs meta commands,
/// evaluates code and shows its value, and reports errors without ever
/// ending the session. Knows nothing of the terminal.
final class Session {
    enum Outcome {
        case proceed
        case quit
    }

    let interpreter: Interpreter
    /// Draws shown figures in the terminal; nil where there is no terminal to draw in.
    let figureDisplay: FigureDisplay?
    private let out: (String) -> Void
    private let error: (String) -> Void

    /// With `figureDisplay`, every figure the interpreter shows is also drawn below the line.
    init(interpreter: Interpreter, figureDisplay: FigureDisplay? = nil,
         out: @escaping (String) -> Void, error: @escaping (String) -> Void) {
        self.interpreter = interpreter
        self.figureDisplay = figureDisplay
        self.out = out
        self.error = error
        if let figureDisplay {
            let save = interpreter.display
            interpreter.display = { figure, name in
                let path = try save(figure, name)
                do {
                    try figureDisplay.draw(pngAt: path)
                } catch let drawing {
                    error("error: saved \(path) but cannot draw it here: \(drawing)")
                }
                return path
            }
        }
    }

    func handle(_ input: String) -> Outcome {
        guard input.drop(while: \.isWhitespace).hasPrefix(":") else {
            evaluate(input)
            return .proceed
        }
        do {
            return perform(try MetaCommand(parsing: input))
        } catch {
            self.error("error: \(error)")
            return .proceed
        }
    }

    /// Runs `source`, shows the value it ends with, reports its error; true when it ran without one.
    @discardableResult
    func evaluate(_ source: String, file: String = "<input>") -> Bool {
        do {
            if let value = try interpreter.run(source, file: file) { show(value) }
            return true
        } catch {
            self.error(error is FernError ? "\(error)" : "\(file): error: \(error)")
            return false
        }
    }

    /// Prints a value; a figure is saved through `interpreter.display` and its path printed.
    func show(_ value: Value) {
        guard case .figure(let figure) = value else {
            out(value.description)
            return
        }
        do {
            out("saved \(try interpreter.display(figure, nil))")
        } catch {
            self.error("error: cannot save the figure: \(error)")
        }
    }

    private func perform(_ command: MetaCommand) -> Outcome {
        switch command {
        case .help(nil):
            out(MetaCommand.helpText)
        case .help(let name?):
            guard name.first.map({ $0.isLetter || $0 == "_" }) == true,
                  name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                error("error: :help takes a name, e.g. :help fit")
                break
            }
            guard !Completer.keywords.contains(name) else {
                out("'\(name)' is a keyword of the language, not a function; help() lists the built-in functions")
                break
            }
            evaluate("help(\(name))")
        case .vars:
            listVariables()
        case .time(let source):
            let start = DispatchTime.now().uptimeNanoseconds
            evaluate(source)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            out("time: " + Session.format(seconds: seconds))
        case .load(let path):
            load(path)
        case .display(nil):
            out(figureDisplay?.summary ?? "display: path — standard output is not a terminal that can draw")
        case .display(let mode?):
            guard let figureDisplay else {
                error("error: figures cannot be drawn here (standard output is not a terminal); they are saved and their paths printed")
                break
            }
            figureDisplay.mode = mode
            out(figureDisplay.summary)
        case .reset:
            interpreter.reset()
            out("all variables forgotten")
        case .quit:
            return .quit
        }
        return .proceed
    }

    private func listVariables() {
        let globals = interpreter.globals.sorted { $0.key < $1.key }
        guard !globals.isEmpty else {
            out("no variables yet")
            return
        }
        let nameWidth = globals.map(\.key.count).max()! + 2
        let typeWidth = globals.map(\.value.typeName.count).max()! + 2
        for (name, value) in globals {
            out(name.padding(toLength: nameWidth, withPad: " ", startingAt: 0)
                + value.typeName.padding(toLength: typeWidth, withPad: " ", startingAt: 0)
                + ValueSummary.line(for: value))
        }
    }

    /// Runs a `.fernb` notebook's code and parameters cells in order (the
    /// last value of each shown, as a notebook would), or a whole script file.
    private func load(_ typed: String) {
        let path = (typed as NSString).expandingTildeInPath
        guard path.hasSuffix(".fernb") else {
            do {
                evaluate(try String(contentsOfFile: path, encoding: .utf8), file: path)
            } catch {
                self.error("error: cannot read '\(typed)': \(error.localizedDescription)")
            }
            return
        }
        let notebook: NotebookFile
        do {
            notebook = try NotebookFile.read(path: path)
        } catch {
            self.error("error: \(error)")
            return
        }
        let cells = notebook.cells.filter { $0.kind != .markdown }
        for cell in cells {
            // Blank lines in front keep error line numbers those of the file.
            let source = String(repeating: "\n", count: max(0, cell.firstLine - 1)) + cell.source
            guard evaluate(source, file: path) else {
                error("stopped at cell \(cell.number) of \(typed)")
                return
            }
        }
        out("loaded \(typed): \(cells.count) code cell\(cells.count == 1 ? "" : "s") run")
    }

    static func format(seconds: Double) -> String {
        seconds < 1 ? String(format: "%.1f ms", seconds * 1000) : String(format: "%.2f s", seconds)
    }
}
