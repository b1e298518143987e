import ArgumentParser
import FernLang
import FernNotebook
import FernREPL
import Foundation

/// `fern run FILE.fernb`: runs a notebook in batch and writes its figures
/// and report.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a .fernb notebook and write its figures and report (report.md, report.html; NAME.ipynb with --ipynb).",
        discussion: """
            Cells run in order in one session. The parameters cell runs as written, then each -p \
            replaces one of its variables; a value is read as a Fern literal (30, 0.001, true, [32, 64], \
            "text") when it is one, and as a string otherwise, so paths need no quotes. \
            Cells marked `#%% cache` are skipped when their source and every value and file they read \
            are unchanged since the last run; their output, figures and variables come from OUT/.cache. \
            A failing cell stops the run; the report is still written and the exit status is 1. \
            Ctrl-C (or SIGTERM) stops the running cell at its next step, writes the report up to it \
            and exits with status 130 (143); a second one exits at once.
            """)

    @Argument(help: "The notebook to run.")
    var notebook: String

    @Option(name: [.customShort("p"), .customLong("param")], help: ArgumentHelp(
        "Set a parameter of the notebook's parameters cell, e.g. -p epochs=30 -p data=fer/train.csv.",
        valueName: "name=value"))
    var parameters: [String] = []

    @Option(name: .customLong("out"), help: ArgumentHelp(
        "Output folder for figures, reports and the cache (default: NAME-out in the working directory).",
        valueName: "dir"))
    var output: String?

    @Flag(name: .customLong("no-cache"), help: "Re-run every cached cell and refresh its cache entry.")
    var noCache = false

    @Flag(name: .customLong("ipynb"), help: "Also write the run as a Jupyter notebook, NAME.ipynb in the output folder: cells, printed output and figures.")
    var ipynb = false

    @Option(name: .customLong("display"), help: ArgumentHelp(
        "Also draw each figure in this terminal: inline (pixels where the terminal speaks kitty, iTerm2 or sixel, else symbols), symbols, or path (the default: paths only). Never on a pipe or TERM=dumb.",
        valueName: "mode"))
    var display: String = "path"

    func validate() throws {
        do {
            _ = try DisplayMode(parsing: display, source: "--display")
        } catch {
            throw ValidationError("\(error)")
        }
    }

    func run() throws {
        let file = try NotebookFile.read(path: notebook)
        var options = NotebookRunOptions(outputFolder: output.map { URL(fileURLWithPath: $0) }
            ?? NotebookRunOptions.defaultOutputFolder(for: notebook))
        options.parameters = try parameters.map(ParameterOverride.init(parsing:))
        options.useCache = !noCache
        options.log = { text in
            FileHandle.standardOutput.write(Data(text.utf8))
        }
        let mode = try DisplayMode(parsing: display, source: "--display")
        if mode != .path, case let terminal = TerminalAbilities.detect(), terminal.isTerminal {
            let figures = FigureDisplay(mode: mode, terminal: terminal)
            options.figureShown = { path in
                do {
                    try figures.draw(pngAt: path)
                } catch {
                    FileHandle.standardError.write(Data("fern run: cannot draw \(path): \(error)\n".utf8))
                }
            }
        }
        Interrupts.install(signals: [SIGINT, SIGTERM], exitOnRepeat: "\nfern run: stopped at once; no report written\n")
        options.shouldStop = { Interrupts.isPending ? .now : nil }
        let result: NotebookRun
        do {
            result = try NotebookRunner.run(file, options: options)
        } catch let error as NotebookError {
            FileHandle.standardError.write(Data("fern run: error: \(error.description)\n".utf8))
            throw ExitCode.validationFailure
        }
        if ipynb {
            let destination = JupyterNotebook.url(for: result)
            try JupyterNotebook(run: result).write(to: destination)
            print("wrote \(destination.path)")
        }
        if let stop = result.stop {
            FileHandle.standardError.write(Data("fern run: \(stop) of \(notebook)\nreport: \(result.htmlReport.path)\n".utf8))
            throw ExitCode(128 + (Interrupts.pendingSignal ?? SIGINT))
        }
        if let failure = result.failure {
            FileHandle.standardError.write(Data("fern run: stopped by an error in \(failure.description)\nreport: \(result.htmlReport.path)\n".utf8))
            throw ExitCode.failure
        }
        print("\(notebook): \(result.cells.count) cells in \(String(format: "%.1f", result.seconds)) s; report: \(result.htmlReport.path)")
    }
}
