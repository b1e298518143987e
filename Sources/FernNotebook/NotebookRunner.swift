import FernLang
import FernNN
import Foundation

/// Runs a notebook's cells in order in one interpreter, writes its figures
/// and reports into the output folder, and reuses `cache` cells' results
/// whose inputs have not changed (see `CellCache`).
///
/// `options.shouldStop` can end a run early, between cells or in the middle
/// of one (Ctrl-C in `fern run`, a save in `fern watch`); the reports then
/// cover the cells up to there, and `options.events` follows the run.
public final class NotebookRunner {
    let notebook: NotebookFile
    let options: NotebookRunOptions
    private let interpreter: Interpreter
    private let recorder: CellRecorder
    private let cache: CellCache
    /// Cache entries this run used or wrote; the rest are pruned after a successful run.
    private var usedKeys: Set<String> = []
    /// The strongest stop request seen so far: once seen, it holds.
    private var stopRequest: StopRequest?

    public init(notebook: NotebookFile, options: NotebookRunOptions) {
        self.notebook = notebook
        self.options = options
        let recorder = CellRecorder(outputFolder: options.outputFolder, echo: options.log)
        let interpreter = Interpreter(output: { recorder.write($0) })
        interpreter.display = { figure, name in
            let path = try recorder.save(figure, name: name)
            options.figureShown(path)
            return path
        }
        interpreter.makeProgress = { ProgressReporter(style: .epochLines) { recorder.write($0) } }
        self.recorder = recorder
        self.interpreter = interpreter
        self.cache = CellCache(folder: options.outputFolder.appendingPathComponent(".cache"))
        interpreter.globals = options.initialVariables
        interpreter.shouldStop = { [unowned self] in self.pollStop() == .now }
    }

    /// Runs the notebook and writes `report.md` and `report.html`, also when
    /// a cell fails (the run then has a `failure`) or a stop request ends the
    /// run early (it then has a `stop`). Throws only for problems found before
    /// any cell runs (a bad `-p`) or when the output cannot be written.
    public static func run(_ notebook: NotebookFile, options: NotebookRunOptions) throws -> NotebookRun {
        try NotebookRunner(notebook: notebook, options: options).run()
    }

    public func run() throws -> NotebookRun {
        let parameterNames = try checkParameters()
        try FileManager.default.createDirectory(at: options.outputFolder, withIntermediateDirectories: true)
        let runLock = notebook.cells.contains(where: \.cached) ? cache.beginRun() : nil
        var result = NotebookRun(notebook: notebook, outputFolder: options.outputFolder, started: Date())
        let start = ContinuousClock.now
        for cell in notebook.cells {
            if pollStop() != nil {
                result.stop = result.cells.last.map { "stopped after cell \($0.cell.number)" } ?? "stopped before the first cell"
                break
            }
            options.events(.cellStarted(cell))
            var outcome = CellOutcome(cell: cell)
            if cell.kind != .markdown {
                options.log("── cell \(cell.number)\(cell.title.isEmpty ? "" : ": \(cell.title)") (line \(cell.firstLine))\n")
                recorder.begin(cell: cell.number)
                let cellStart = ContinuousClock.now
                do {
                    if cell.cached || (options.cacheEveryCell && cell.kind == .code) {
                        try runCached(cell, &outcome)
                    } else {
                        try execute(cell)
                    }
                    if cell.kind == .parameters {
                        applyOverrides()
                        result.parameters = parameterValues(parameterNames)
                    }
                } catch where stopRequest == .now {
                    let line = (error as? FernError)?.location?.line
                    outcome.error = interruption(error)
                    outcome.interrupted = true
                    result.stop = "interrupted in cell \(cell.number)\(line.map { ", line \($0)" } ?? "")"
                } catch {
                    let failure = self.failure(error, in: cell)
                    outcome.error = failure.message
                    result.failure = failure
                }
                outcome.seconds = (ContinuousClock.now - cellStart).seconds
                outcome.output = recorder.output
                outcome.figures = recorder.figures
            }
            result.cells.append(outcome)
            options.events(.cellFinished(outcome))
            if !result.succeeded { break }
        }
        result.seconds = (ContinuousClock.now - start).seconds
        try NotebookReport(run: result).write()
        if result.succeeded { cache.prune(keeping: usedKeys, run: runLock) }
        withExtendedLifetime(runLock) {}
        options.events(.runFinished(result))
        return result
    }

    /// Asks `options.shouldStop` and returns the strongest request seen in this run.
    private func pollStop() -> StopRequest? {
        if let request = options.shouldStop() { stopRequest = max(stopRequest ?? request, request) }
        return stopRequest
    }

    /// Where a stop request cut a cell short, from the "interrupted" error
    /// the interpreter raised at its next check; a cell whose training was
    /// stopped raised none (`fit` returns the epochs it finished).
    private func interruption(_ error: any Error) -> String {
        guard let error = error as? FernError, let location = error.location else {
            return "interrupted before the cell finished"
        }
        var text = "interrupted at line \(location.line)"
        if let sourceLine = error.sourceLine {
            text += "\n    \(sourceLine)\n    " + String(repeating: " ", count: max(0, location.column - 1)) + "^"
        }
        return text
    }

    // MARK: Parameters

    /// The names the parameters cell assigns, in order; throws when a `-p`
    /// names another or the notebook has no parameters cell.
    private func checkParameters() throws -> [String] {
        guard let cell = notebook.parametersCell else {
            if let first = options.parameters.first {
                throw NotebookError("\(notebook.path) has no parameters cell (`#%% parameters`) for -p \(first.name) to set")
            }
            return []
        }
        guard let usage = try? VariableUsage(of: cell.source) else { return [] }  // the syntax error shows when it runs
        let names = orderOfAppearance(usage.assigns, in: cell.source)
        for override in options.parameters where !usage.assigns.contains(override.name) {
            throw NotebookError("unknown parameter '\(override.name)'; the parameters cell of \(notebook.path) (line \(cell.firstLine)) defines: \(names.joined(separator: ", "))")
        }
        return names
    }

    private func orderOfAppearance(_ names: Set<String>, in source: String) -> [String] {
        func position(_ name: String) -> Int {
            source.split(separator: "\n").firstIndex { line in
                let text = line.drop { $0 == " " }
                return text.hasPrefix(name) && text.dropFirst(name.count).first.map { $0 == " " || $0 == "=" || $0 == "," } == true
            } ?? Int.max
        }
        return names.sorted { (position($0), $0) < (position($1), $1) }
    }

    private func applyOverrides() {
        guard !options.parameters.isEmpty else { return }
        var globals = interpreter.globals
        for override in options.parameters {
            globals[override.name] = override.value
            recorder.write("\(override.name) = \(ParameterValue.source(of: override.value))  # from -p")
        }
        interpreter.globals = globals
    }

    private func parameterValues(_ names: [String]) -> [ParameterValue] {
        let overridden = Set(options.parameters.map(\.name))
        let globals = interpreter.globals
        return names.compactMap { name in
            globals[name].map { ParameterValue(name: name, value: ParameterValue.source(of: $0), overridden: overridden.contains(name)) }
        }
    }

    // MARK: Cells

    /// Runs a code cell. The source is preceded by blank lines so that the
    /// interpreter's line numbers, in errors and in functions the cell
    /// defines, are the notebook file's. A figure left as the last value is
    /// shown; any other value is printed, as in the REPL.
    private func execute(_ cell: NotebookFile.Cell) throws {
        let source = String(repeating: "\n", count: max(0, cell.firstLine - 1)) + cell.source
        let value = try interpreter.run(source, file: notebook.path)
        // A stop seen by a check that does not throw (training) still cuts the cell short.
        if stopRequest == .now { throw CellInterrupted() }
        guard let value else { return }
        switch value {
        case .figure(let figure):
            _ = try interpreter.display(figure, nil)
        case .string(let path) where recorder.savedPaths.contains(path):
            break  // the path `show(...)` returned: the figure is in the report already
        default:
            recorder.write(value.description)
        }
    }

    private func runCached(_ cell: NotebookFile.Cell, _ outcome: inout CellOutcome) throws {
        guard let usage = try? VariableUsage(of: cell.source).includingUsedFiles(from: notebook.path) else { return try execute(cell) }
        let before = interpreter.globals
        let key = cache.key(for: cell, usage: usage, globals: before)
        usedKeys.insert(key.hex)
        var note: String
        if !options.useCache {
            note = "cache: re-running (--no-cache)"
        } else {
            do {
                if let (entry, values) = try cache.restore(key, figuresInto: options.outputFolder) {
                    interpreter.globals = before.merging(values) { _, restored in restored }
                    outcome.ran = false
                    outcome.cacheNote = "cache: reused from \(NotebookReport.format(entry.created))"
                    options.log(outcome.cacheNote! + "\n")
                    recorder.replay(output: entry.output, figures: entry.figures)
                    for figure in entry.figures { options.figureShown(options.outputFolder.appendingPathComponent(figure).path) }
                    return
                }
                note = "cache: re-running (\(cache.missReason(for: key, cellNumber: cell.number)))"
            } catch {
                note = "cache: re-running (the entry could not be read: \(error))"
            }
        }
        outcome.cacheNote = note
        options.log(note + "\n")
        try execute(cell)
        let after = interpreter.globals
        // What the cell bound, plus models it read: training changes a model in place.
        var names = usage.assigns.filter { after[$0] != nil }
        names.formUnion(after.keys.filter { before[$0] == nil })
        names.formUnion(usage.reads.filter { if case .model? = after[$0] { true } else { false } })
        if let unstorable = names.sorted().first(where: { !StoredValue.canStore(after[$0]!) }) {
            outcome.cacheNote = "cache: this cell cannot be cached, so it runs every time: `\(unstorable)` holds a \(StoredValue.unstorableType(after[unstorable]!)), and functions, figures and layer recipes cannot be stored"
            options.log(outcome.cacheNote! + "\n")
            return
        }
        do {
            try cache.store(key: key, cellNumber: cell.number, output: recorder.output, figures: recorder.figures,
                            variables: Dictionary(uniqueKeysWithValues: names.map { ($0, after[$0]!) }),
                            outputFolder: options.outputFolder)
        } catch {
            outcome.cacheNote = note + "; could not save the result: \(error)"
            options.log(outcome.cacheNote! + "\n")
        }
    }

    private func failure(_ error: any Error, in cell: NotebookFile.Cell) -> CellFailure {
        if let error = error as? FernError {
            // An error in a file the cell uses, or in a function defined there, has a line of that file.
            return CellFailure(notebookPath: notebook.path, cellNumber: cell.number,
                               line: error.file == notebook.path ? error.location?.line : nil, message: error.description)
        }
        return CellFailure(notebookPath: notebook.path, cellNumber: cell.number, line: nil,
                           message: "\(notebook.path): error: \(error)")
    }
}

/// A stop request cut a cell short without an error of the interpreter's.
private struct CellInterrupted: Error {}

extension ParameterValue {
    /// A value written as Fern source: strings quoted.
    static func source(of value: Value) -> String {
        guard case .string(let text) = value else { return value.description }
        return "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
