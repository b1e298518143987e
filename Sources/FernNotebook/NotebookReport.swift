import FernTensor
import Foundation

/// The report of a notebook run, written into its output folder as
/// `report.md` (figures linked beside it) and `report.html` (one
/// self-contained page: figures and local images embedded as data URIs).
struct NotebookReport {
    let run: NotebookRun

    func write() throws {
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

    func markdown() -> String {
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

    // MARK: HTML

    func html() -> String {
        let renderer = MarkdownRenderer(imageSource: embeddedImage)
        var body = "<header>\n<h1>\(escape(notebookName))</h1>\n<dl>\n"
        body += "<dt>Notebook</dt><dd><code>\(escape(run.notebook.path))</code></dd>\n"
        body += "<dt>Run</dt><dd>\(escape(NotebookReport.format(run.started)))</dd>\n"
        body += "<dt>Total time</dt><dd>\(escape(NotebookReport.format(seconds: run.seconds)))</dd>\n"
        body += "<dt>Status</dt><dd class=\"\(run.succeeded ? "ok" : "failed")\">\(escape(status))</dd>\n"
        if !run.parameters.isEmpty {
            body += "<dt>Parameters</dt><dd>" + run.parameters.map {
                "<code>\(escape($0.name)) = \(escape($0.value))</code>\($0.overridden ? " <span class=\"tag\">-p</span>" : "")"
            }.joined(separator: "<br>") + "</dd>\n"
        }
        body += "</dl>\n</header>\n"
        for outcome in run.cells {
            if outcome.cell.kind == .markdown {
                body += "<section class=\"prose\">\n\(renderer.html(outcome.cell.source))\n</section>\n"
                continue
            }
            body += "<section class=\"cell\(outcome.error == nil ? "" : " failed")\" id=\"cell\(outcome.cell.number)\">\n"
            body += "<div class=\"caption\">\(escape(caption(outcome)))</div>\n"
            body += "<pre class=\"source\"><code class=\"language-fern\">\(escape(trimmed(outcome.cell.source)))</code></pre>\n"
            if let note = outcome.cacheNote { body += "<div class=\"cache\">\(escape(note))</div>\n" }
            if !outcome.output.isEmpty { body += "<pre class=\"output\">\(escape(trimmed(outcome.output)))</pre>\n" }
            for figure in outcome.figures {
                body += "<figure><img src=\"\(escape(embeddedImage(figure)))\" alt=\"\(escape(figure))\"><figcaption>\(escape(figure))</figcaption></figure>\n"
            }
            if let error = outcome.error { body += "<pre class=\"error\">\(escape(error))</pre>\n" }
            body += "</section>\n"
        }
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(notebookName))</title>
            <style>
            \(NotebookReport.css)
            </style>
            </head>
            <body>
            <main>
            \(body)</main>
            </body>
            </html>

            """
    }

    private func trimmed(_ text: String) -> String { text.trimmingCharacters(in: .newlines) }

    /// A data URI for a figure in the output folder or an image file named
    /// relative to the notebook; other sources (web addresses) stay as they are.
    func embeddedImage(_ source: String) -> String {
        guard !source.contains("://"), !source.hasPrefix("data:") else { return source }
        let notebookFolder = URL(fileURLWithPath: run.notebook.path).deletingLastPathComponent()
        let candidates = source.hasPrefix("/") ? [URL(fileURLWithPath: source)]
            : [run.outputFolder.appendingPathComponent(source), notebookFolder.appendingPathComponent(source)]
        for url in candidates {
            guard let data = FileManager.default.contents(atPath: url.path) else { continue }
            let type = switch url.pathExtension.lowercased() {
            case "svg": "image/svg+xml"
            case "jpg", "jpeg": "image/jpeg"
            case "gif": "image/gif"
            default: "image/png"
            }
            return "data:\(type);base64," + data.base64EncodedString()
        }
        return source
    }

    static let css = """
        :root { --ink: #1d2327; --muted: #62707a; --line: #dde3e8; --code: #f5f7f9; --accent: #2f6f4f; --bad: #b3261e; }
        * { box-sizing: border-box; }
        body { margin: 0; background: #fbfcfc; color: var(--ink);
               font: 16px/1.6 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
        main { max-width: 980px; margin: 0 auto; padding: 2rem 1.5rem 4rem; }
        header { border-bottom: 2px solid var(--accent); margin-bottom: 2rem; }
        header h1 { margin: 0 0 .5rem; }
        dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0 0 1rem; }
        dt { color: var(--muted); }
        dd { margin: 0; }
        dd.ok { color: var(--accent); } dd.failed { color: var(--bad); font-weight: 600; }
        .tag { font-size: .75em; background: var(--accent); color: white; border-radius: 3px; padding: 0 .3em; }
        h1, h2, h3, h4 { line-height: 1.25; }
        code, pre { font-family: "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: .88em; }
        :not(pre) > code { background: var(--code); padding: .1em .3em; border-radius: 3px; }
        pre { background: var(--code); border: 1px solid var(--line); border-radius: 6px; padding: .8rem 1rem;
              overflow-x: auto; line-height: 1.45; margin: .5rem 0; }
        .cell { margin: 1.5rem 0; }
        .caption { color: var(--muted); font-size: .85em; }
        pre.source { border-left: 4px solid var(--accent); }
        pre.output { background: white; }
        pre.error { background: #fdf0ef; border-color: #f0c4c0; color: var(--bad); }
        .cell.failed pre.source { border-left-color: var(--bad); }
        .cache { color: var(--muted); font-size: .85em; font-style: italic; }
        figure { margin: .8rem 0; text-align: center; }
        figure img, .prose img { max-width: 100%; height: auto; border: 1px solid var(--line); border-radius: 4px; }
        figcaption { color: var(--muted); font-size: .8em; }
        table { border-collapse: collapse; margin: .8rem 0; }
        th, td { border: 1px solid var(--line); padding: .3rem .7rem; }
        th { background: var(--code); }
        blockquote { margin: .8rem 0; padding: 0 1rem; border-left: 4px solid var(--line); color: var(--muted); }
        hr { border: none; border-top: 1px solid var(--line); }
        a { color: var(--accent); }
        """
}
