import FernLang
import Foundation

/// How to run a notebook.
public struct NotebookRunOptions {
    /// Where figures, the reports and the cache (`.cache/`) go.
    public var outputFolder: URL
    /// `-p name=value` overrides of the parameters cell, in order.
    public var parameters: [ParameterOverride] = []
    /// False (`--no-cache`) re-runs every `cache` cell and refreshes its entry.
    public var useCache = true
    /// Variables defined before the first cell, for a program that embeds
    /// the runner (and tests that hand a notebook values Fern cannot write).
    public var initialVariables: [String: Value] = [:]
    /// Receives progress as it happens: cell headers, printed output, cache notes.
    public var log: (String) -> Void = { _ in }
    /// Asked before each cell and, while a cell runs, at every check the
    /// interpreter makes for Ctrl-C (each loop iteration, call and training
    /// batch), from the interpreter's own thread: it must be cheap. Nil goes
    /// on; a request, once seen, holds until the run ends with `stop` set.
    public var shouldStop: @Sendable () -> StopRequest? = { nil }
    /// Told when each cell starts and ends, and when the run ends.
    public var events: (NotebookEvent) -> Void = { _ in }
    /// Told the path of each figure a cell shows, as it is saved or replayed from the cache
    /// (`fern run --display` draws them in the terminal).
    public var figureShown: (String) -> Void = { _ in }
    /// Treats every code cell as marked `cache` (`fern watch`: an edit re-runs only the cells
    /// whose source or inputs changed, and those downstream). Cells whose variables cannot be
    /// stored still run every time.
    public var cacheEveryCell = false

    public init(outputFolder: URL) {
        self.outputFolder = outputFolder
    }

    /// `NAME-out` in the working directory for `path/NAME.fernb`.
    public static func defaultOutputFolder(for notebookPath: String) -> URL {
        let name = URL(fileURLWithPath: notebookPath).deletingPathExtension().lastPathComponent
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(name + "-out")
    }
}

/// The result of running a notebook: what each cell produced, and the
/// error or stop request that ended the run early, if one did.
public struct NotebookRun: Sendable {
    public var notebook: NotebookFile
    public var outputFolder: URL
    public var parameters: [ParameterValue] = []
    public var started: Date
    public var seconds = 0.0
    /// Every cell up to the last one run (the failing or interrupted one,
    /// when the run ended there).
    public var cells: [CellOutcome] = []
    public var failure: CellFailure?
    /// Where a stop request (Ctrl-C, a watcher) ended the run early, as the
    /// report says it: "interrupted in cell 2, line 14", "stopped after cell 3".
    public var stop: String?

    /// True when every cell ran: nothing failed and nothing stopped the run.
    public var succeeded: Bool { failure == nil && stop == nil }
    /// A run that has not started its cells yet (a watcher builds a partial one as cells end).
    public init(notebook: NotebookFile, outputFolder: URL, started: Date) {
        (self.notebook, self.outputFolder, self.started) = (notebook, outputFolder, started)
    }

    public var markdownReport: URL { outputFolder.appendingPathComponent("report.md") }
    public var htmlReport: URL { outputFolder.appendingPathComponent("report.html") }
}

/// The error that stopped a notebook run, located in the notebook file.
public struct CellFailure: Error, CustomStringConvertible, Sendable {
    public var notebookPath: String
    public var cellNumber: Int
    /// The line in the notebook file, when the error has one.
    public var line: Int?
    /// The error as Fern renders it: `file:line:column: error: ...`, the
    /// source line and a caret.
    public var message: String

    public var description: String {
        "cell \(cellNumber) of \(notebookPath)\(line.map { ", line \($0)" } ?? ""):\n\(message)"
    }
}
