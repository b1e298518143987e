import FernTensor
import Foundation

/// The report of a notebook run, written into its output folder as
/// `report.md` (figures linked beside it) and `report.html` (one
/// self-contained page: figures and local images embedded as data URIs,
/// built in ReportPage.swift).
public struct NotebookReport {
    public let run: NotebookRun

    public init(run: NotebookRun) {
        self.run = run
    }

    /// Writes `report.md` and `report.html` into the run's output folder.
    public func write() throws {
        try AtomicFile.write(markdown(), to: run.markdownReport)
        try AtomicFile.write(html(), to: run.htmlReport)
    }

    var notebookName: String { URL(fileURLWithPath: run.notebook.path).lastPathComponent }

    static func format(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: date)
    }

    static func format(seconds: Double) -> String {
        seconds < 60 ? String(format: "%.2f s", seconds) : String(format: "%d min %02d s", Int(seconds) / 60, Int(seconds) % 60)
    }

    /// "cell 3 · line 9 · 0.42 s", plus the cell's title.
    func caption(_ outcome: CellOutcome) -> String {
        var parts = ["cell \(outcome.cell.number)"]
        if outcome.cell.kind == .parameters { parts.append("parameters") }
        if !outcome.cell.title.isEmpty { parts.append(outcome.cell.title) }
        parts.append("line \(outcome.cell.firstLine)")
        parts.append(NotebookReport.format(seconds: outcome.seconds))
        return parts.joined(separator: " · ")
    }

    var status: String {
        if let stop = run.stop { return stop }
        guard let failure = run.failure else { return "completed" }
        return "failed in cell \(failure.cellNumber)\(failure.line.map { " (line \($0))" } ?? "")"
    }

    // MARK: Markdown

    /// The report as Markdown, figures linked by file name.
    public func markdown() -> String {
        var text = "# \(notebookName)\n\n"
        text += "- Notebook: `\(run.notebook.path)`\n"
        text += "- Run: \(NotebookReport.format(run.started)), \(NotebookReport.format(seconds: run.seconds)) in all, \(status)\n"
        if !run.parameters.isEmpty {
            text += "- Parameters: " + run.parameters.map { "`\($0.name) = \($0.value)`\($0.overridden ? " (from -p)" : "")" }
                .joined(separator: ", ") + "\n"
        }
        for outcome in run.cells {
            text += "\n"
            guard outcome.cell.kind != .markdown else {
                text += outcome.cell.source.trimmingCharacters(in: .newlines) + "\n"
                continue
            }
            text += "**\(caption(outcome))**\n\n" + fenced(outcome.cell.source, language: "fern")
            if let note = outcome.cacheNote { text += "\n> \(note)\n" }
            if !outcome.output.isEmpty { text += "\n" + fenced(outcome.output, language: "text") }
            for figure in outcome.figures { text += "\n![\(figure)](\(figure))\n" }
            if let error = outcome.error { text += "\n**\(outcome.interrupted ? "Interrupted" : "Error")**\n\n" + fenced(error, language: "text") }
        }
        return text
    }

    /// A fenced block whose fence is longer than any backtick run inside.
    private func fenced(_ body: String, language: String) -> String {
        var longest = 0, run = 0
        for character in body {
            run = character == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        return "\(fence)\(language)\n\(body.trimmingCharacters(in: .newlines))\n\(fence)\n"
    }
}
