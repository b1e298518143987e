import Foundation

/// The HTML report: one self-contained page with a table of contents built
/// from the prose's headings, code that folds under each cell's caption,
/// and figures that open full size on click.
extension NotebookReport {
    /// The report as one HTML page that needs no other file: figures and
    /// local images are embedded as data URIs, styles and script inline.
    /// `extraHead` goes at the end of `<head>` and `extraBody` at the end of
    /// `<body>`, e.g. a script that reloads the page when the notebook changes.
    public func html(extraHead: String = "", extraBody: String = "") -> String {
        let renderer = MarkdownRenderer(imageSource: embeddedImage)
        var anchors = HeadingAnchors(reserved: Set(["top", "contents", "lightbox"] + run.cells.map(cellID)))
        var headings: [MarkdownHeading] = []
        var sections = ""
        for outcome in run.cells {
            if outcome.cell.kind == .markdown {
                let prose = renderer.render(outcome.cell.source, anchors: &anchors)
                headings += prose.headings
                sections += "<section class=\"prose\" id=\"\(cellID(outcome))\">\n\(prose.html)\n</section>\n"
            } else {
                sections += cellSection(outcome)
            }
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
            \(extraHead)
            </head>
            <body>
            <div class="page">
            \(header)\(contents(headings))<main>
            \(sections)</main>
            </div>
            <div class="lightbox" id="lightbox" hidden><img alt=""></div>
            <script>
            \(NotebookReport.script)
            </script>
            \(extraBody)
            </body>
            </html>

            """
    }

    private var header: String {
        var html = "<header id=\"top\">\n<h1>\(escape(notebookName))</h1>\n<dl>\n"
        html += "<dt>Notebook</dt><dd><code>\(escape(run.notebook.path))</code></dd>\n"
        html += "<dt>Run</dt><dd>\(escape(NotebookReport.format(run.started)))</dd>\n"
        html += "<dt>Total time</dt><dd>\(escape(NotebookReport.format(seconds: run.seconds)))</dd>\n"
        html += "<dt>Status</dt><dd class=\"\(run.succeeded ? "ok" : "failed")\">\(escape(status))</dd>\n"
        if !run.parameters.isEmpty {
            html += "<dt>Parameters</dt><dd>" + run.parameters.map {
                "<code>\(escape($0.name)) = \(escape($0.value))</code>\($0.overridden ? " <span class=\"tag\">-p</span>" : "")"
            }.joined(separator: "<br>") + "</dd>\n"
        }
        return html + "</dl>\n</header>\n"
    }

    /// The table of contents: the prose's headings, three levels deep from
    /// the highest, and the cell where the run ended when it ended early.
    private func contents(_ headings: [MarkdownHeading]) -> String {
        let top = headings.map(\.level).min() ?? 1
        var html = "<nav class=\"contents\" id=\"contents\" aria-label=\"Contents\">\n"
        html += "<a class=\"contents-title\" href=\"#top\">Contents</a>\n"
        var entries = headings.filter { $0.level - top < 3 }.map {
            "<li class=\"depth-\($0.level - top)\"><a href=\"#\(escape($0.id))\">\(escape($0.title))</a></li>\n"
        }
        if !run.succeeded, let last = run.cells.last {
            entries.append("<li class=\"failed\"><a href=\"#\(cellID(last))\">\(escape(status))</a></li>\n")
        }
        if !entries.isEmpty { html += "<ol>\n" + entries.joined() + "</ol>\n" }
        html += "<div class=\"fold-all\" hidden>Code: <button type=\"button\" data-fold=\"show\">show</button>"
        html += " <button type=\"button\" data-fold=\"hide\">hide</button></div>\n"
        return html + "</nav>\n"
    }

    /// A code cell: its source folding under its caption, then what it printed and drew.
    private func cellSection(_ outcome: CellOutcome) -> String {
        let ending = outcome.error == nil ? "" : outcome.interrupted ? " interrupted" : " failed"
        var html = "<section class=\"cell\(ending)\" id=\"\(cellID(outcome))\">\n"
        html += "<details open>\n<summary class=\"caption\">\(escape(caption(outcome)))</summary>\n"
        html += "<pre class=\"source\"><code class=\"language-fern\">\(escape(trimmed(outcome.cell.source)))</code></pre>\n"
        html += "</details>\n"
        if let note = outcome.cacheNote { html += "<div class=\"cache\">\(escape(note))</div>\n" }
        if !outcome.output.isEmpty { html += "<pre class=\"output\">\(escape(trimmed(outcome.output)))</pre>\n" }
        for figure in outcome.figures {
            html += "<figure><img class=\"zoomable\" tabindex=\"0\" src=\"\(escape(embeddedImage(figure)))\" alt=\"\(escape(figure))\">"
            html += "<figcaption>\(escape(figure))</figcaption></figure>\n"
        }
        if let error = outcome.error { html += "<pre class=\"error\">\(escape(error))</pre>\n" }
        return html + "</section>\n"
    }

    private func cellID(_ outcome: CellOutcome) -> String { "cell\(outcome.cell.number)" }

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
            case "webp": "image/webp"
            default: "image/png"
            }
            return "data:\(type);base64," + data.base64EncodedString()
        }
        return source
    }
}

/// HTML-escapes text for element content and quoted attribute values.
func escape(_ text: String) -> String {
    var escaped = ""
    escaped.reserveCapacity(text.count)
    for character in text {
        switch character {
        case "&": escaped += "&amp;"
        case "<": escaped += "&lt;"
        case ">": escaped += "&gt;"
        case "\"": escaped += "&quot;"
        case "'": escaped += "&#39;"
        default: escaped.append(character)
        }
    }
    return escaped
}
