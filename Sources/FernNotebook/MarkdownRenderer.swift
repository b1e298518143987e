/// Renders the Markdown of notebook prose as HTML: ATX headings,
/// paragraphs, emphasis and strong, inline code, fenced code blocks,
/// nested bullet and numbered lists, pipe tables with alignment, block
/// quotes, rules, links and images. Everything else is text, and all text
/// is HTML-escaped, so a `<script>` in a notebook shows as written.
public struct MarkdownRenderer {
    /// Maps an image's source as written to the one to use, e.g. a data URI
    /// for a local file so that the page needs no other files.
    public var imageSource: (String) -> String

    public init(imageSource: @escaping (String) -> String = { $0 }) {
        self.imageSource = imageSource
    }

    public func html(_ markdown: String) -> String {
        blocks(markdown.split(separator: "\n", omittingEmptySubsequences: false).map {
            String($0).replacingOccurrences(of: "\t", with: "    ")
        })
    }

    // MARK: Blocks

    private func blocks(_ lines: [String]) -> String {
        var html: [String] = []
        var paragraph: [String] = []
        func closeParagraph() {
            guard !paragraph.isEmpty else { return }
            html.append("<p>" + inline(paragraph.map { $0.trimmingSpaces }.joined(separator: "\n")) + "</p>")
            paragraph = []
        }
        var i = 0
        while i < lines.count {
            let line = lines[i]
            let text = line.trimmingSpaces
            if text.isEmpty {
                closeParagraph()
                i += 1
            } else if let fence = Fence(text) {
                closeParagraph()
                var code: [String] = []
                i += 1
                while i < lines.count, !lines[i].trimmingSpaces.hasPrefix(fence.marker) {
                    code.append(lines[i])
                    i += 1
                }
                i += 1
                let language = fence.language.isEmpty ? "" : " class=\"language-\(escape(fence.language))\""
                html.append("<pre><code\(language)>" + escape(code.joined(separator: "\n")) + "</code></pre>")
            } else if let (level, title) = heading(text) {
                closeParagraph()
                html.append("<h\(level)>\(inline(title))</h\(level)>")
                i += 1
            } else if isRule(text) {
                closeParagraph()
                html.append("<hr>")
                i += 1
            } else if text.hasPrefix(">") {
                closeParagraph()
                var quoted: [String] = []
                while i < lines.count, lines[i].trimmingSpaces.hasPrefix(">") {
                    var inner = lines[i].trimmingSpaces.dropFirst()
                    if inner.first == " " { inner = inner.dropFirst() }
                    quoted.append(String(inner))
                    i += 1
                }
                html.append("<blockquote>\n" + blocks(quoted) + "\n</blockquote>")
            } else if paragraph.isEmpty, i + 1 < lines.count, text.contains("|"), let alignments = tableDelimiter(lines[i + 1]) {
                var rows: [String] = []
                i += 2
                while i < lines.count, lines[i].contains("|"), !lines[i].trimmingSpaces.isEmpty {
                    rows.append(lines[i])
                    i += 1
                }
                html.append(table(header: line, alignments: alignments, rows: rows))
            } else if ListMarker(line) != nil {
                closeParagraph()
                let end = listEnd(lines, from: i)
                html.append(list(Array(lines[i..<end])))
                i = end
            } else {
                paragraph.append(line)
                i += 1
            }
        }
        closeParagraph()
        return html.joined(separator: "\n")
    }

    private func heading(_ text: String) -> (Int, String)? {
        let hashes = text.prefix { $0 == "#" }.count
        guard (1...6).contains(hashes) else { return nil }
        let rest = text.dropFirst(hashes)
        guard rest.isEmpty || rest.first == " " else { return nil }
        var title = rest.trimmingSpaces
        while title.hasSuffix("#") { title.removeLast() }
        return (hashes, title.trimmingSpaces)
    }

    private func isRule(_ text: String) -> Bool {
        let compact = text.filter { $0 != " " }
        guard compact.count >= 3, let first = compact.first, "-*_".contains(first) else { return false }
        return compact.allSatisfy { $0 == first }
    }

    // MARK: Lists

    /// The index after the list starting at `start`: it goes on through
    /// items, indented continuation lines and blank lines between them.
    private func listEnd(_ lines: [String], from start: Int) -> Int {
        let indent = lines[start].leadingSpaces
        var i = start + 1
        while i < lines.count {
            let line = lines[i]
            if line.trimmingSpaces.isEmpty {
                guard let next = lines[(i + 1)...].first(where: { !$0.trimmingSpaces.isEmpty }),
                      next.leadingSpaces > indent || ListMarker(next) != nil && next.leadingSpaces >= indent else { return i }
            } else if line.leadingSpaces <= indent, ListMarker(line) == nil {
                // A lazy continuation of the item's paragraph unless it starts another block.
                let text = line.trimmingSpaces
                if Fence(text) != nil || heading(text) != nil || isRule(text) || text.hasPrefix(">") { return i }
            }
            i += 1
        }
        return i
    }

    private func list(_ lines: [String]) -> String {
        let first = ListMarker(lines[0])!
        let indent = lines[0].leadingSpaces
        var items: [[String]] = []
        var loose = false
        for (index, line) in lines.enumerated() {
            if let marker = ListMarker(line), line.leadingSpaces <= indent + 1, marker.ordered == first.ordered {
                if index > 0, lines[index - 1].trimmingSpaces.isEmpty { loose = true }
                items.append([marker.content])
            } else if line.trimmingSpaces.isEmpty {
                items[items.count - 1].append("")
            } else {
                // Continuation: drop the item's indentation, keeping deeper nesting.
                let drop = min(line.leadingSpaces, first.contentOffset)
                items[items.count - 1].append(String(line.dropFirst(drop)))
            }
        }
        let tag = first.ordered ? "ol" : "ul"
        let start = first.ordered && first.number != 1 ? " start=\"\(first.number)\"" : ""
        let body = items.map { item -> String in
            var lines = item
            while lines.last?.isEmpty == true { lines.removeLast() }
            var content = blocks(lines)
            if !loose, content.hasPrefix("<p>"), let close = content.range(of: "</p>") {
                content = String(content[content.index(content.startIndex, offsetBy: 3)..<close.lowerBound]) + content[close.upperBound...]
            }
            return "<li>" + content + "</li>"
        }
        return "<\(tag)\(start)>\n" + body.joined(separator: "\n") + "\n</\(tag)>"
    }

    // MARK: Tables

    private enum Alignment { case none, left, center, right }

    private func cells(_ line: String) -> [String] {
        var text = line.trimmingSpaces
        if text.hasPrefix("|") { text.removeFirst() }
        if text.hasSuffix("|"), !text.hasSuffix("\\|") { text.removeLast() }
        var cells: [String] = []
        var current = ""
        var escaped = false
        for character in text {
            if character == "|", !escaped {
                cells.append(current.trimmingSpaces)
                current = ""
            } else {
                if escaped, character != "|" { current.append("\\") }
                if character != "\\" || escaped { current.append(character) }
            }
            escaped = character == "\\" && !escaped
        }
        cells.append(current.trimmingSpaces)
        return cells
    }

    private func tableDelimiter(_ line: String) -> [Alignment]? {
        guard line.contains("-") else { return nil }
        var alignments: [Alignment] = []
        for cell in cells(line) {
            guard !cell.isEmpty, cell.allSatisfy({ "-:".contains($0) }), cell.contains("-") else { return nil }
            switch (cell.hasPrefix(":"), cell.hasSuffix(":")) {
            case (true, true): alignments.append(.center)
            case (true, false): alignments.append(.left)
            case (false, true): alignments.append(.right)
            case (false, false): alignments.append(.none)
            }
        }
        return alignments
    }

    private func table(header: String, alignments: [Alignment], rows: [String]) -> String {
        func row(_ line: String, tag: String) -> String {
            var values = cells(line)
            values = Array(values.prefix(alignments.count)) + Array(repeating: "", count: max(0, alignments.count - values.count))
            return "<tr>" + zip(values, alignments).map { value, alignment in
                let style = switch alignment {
                case .none: ""
                case .left: " style=\"text-align:left\""
                case .center: " style=\"text-align:center\""
                case .right: " style=\"text-align:right\""
                }
                return "<\(tag)\(style)>\(inline(value))</\(tag)>"
            }.joined() + "</tr>"
        }
        var html = "<table>\n<thead>\n" + row(header, tag: "th") + "\n</thead>"
        if !rows.isEmpty { html += "\n<tbody>\n" + rows.map { row($0, tag: "td") }.joined(separator: "\n") + "\n</tbody>" }
        return html + "\n</table>"
    }

    // MARK: Inline

    func inline(_ text: String) -> String {
        let characters = Array(text)
        var html = ""
        var i = 0
        while i < characters.count {
            let c = characters[i]
            if c == "\\", i + 1 < characters.count, characters[i + 1].isPunctuation || characters[i + 1].isSymbol {
                html += escape(String(characters[i + 1]))
                i += 2
            } else if c == "`" {
                let run = characters[i...].prefix { $0 == "`" }.count
                if let close = find(String(repeating: "`", count: run), in: characters, from: i + run) {
                    var code = String(characters[(i + run)..<close])
                    if code.hasPrefix(" "), code.hasSuffix(" "), code.count > 2 { code = String(code.dropFirst().dropLast()) }
                    html += "<code>" + escape(code) + "</code>"
                    i = close + run
                } else {
                    html += String(repeating: "`", count: run)
                    i += run
                }
            } else if c == "!" || c == "[", let (link, end) = self.link(characters, at: i) {
                html += link
                i = end
            } else if c == "*" || c == "_", let (emphasis, end) = self.emphasis(characters, at: i) {
                html += emphasis
                i = end
            } else if c == "<", let close = characters[i...].firstIndex(of: ">"),
                      case let url = String(characters[(i + 1)..<close]), url.hasPrefix("http://") || url.hasPrefix("https://"),
                      !url.contains(" ") {
                html += "<a href=\"\(escape(url))\">\(escape(url))</a>"
                i = close + 1
            } else if c == "\n" {
                html += "\n"
                i += 1
            } else {
                html += escape(String(c))
                i += 1
            }
        }
        return html
    }

    /// `[text](url)` or `![alt](src)` starting at `start`, rendered, and the index after it.
    private func link(_ characters: [Character], at start: Int) -> (String, Int)? {
        let isImage = characters[start] == "!"
        let open = isImage ? start + 1 : start
        guard open < characters.count, characters[open] == "[",
              let closeBracket = matching("[", "]", in: characters, from: open),
              closeBracket + 1 < characters.count, characters[closeBracket + 1] == "(",
              let closeParen = matching("(", ")", in: characters, from: closeBracket + 1) else { return nil }
        let label = String(characters[(open + 1)..<closeBracket])
        var target = String(characters[(closeBracket + 2)..<closeParen]).trimmingSpaces
        var title = ""
        if let quote = target.firstIndex(of: "\""), target.hasSuffix("\""), quote != target.index(before: target.endIndex) {
            title = String(target[target.index(after: quote)..<target.index(before: target.endIndex)])
            target = String(target[..<quote]).trimmingSpaces
        }
        if target.hasPrefix("<"), target.hasSuffix(">") { target = String(target.dropFirst().dropLast()) }
        let titleAttribute = title.isEmpty ? "" : " title=\"\(escape(title))\""
        if isImage {
            return ("<img src=\"\(escape(imageSource(target)))\" alt=\"\(escape(label))\"\(titleAttribute)>", closeParen + 1)
        }
        return ("<a href=\"\(escape(safeURL(target)))\"\(titleAttribute)>\(inline(label))</a>", closeParen + 1)
    }

    /// `*em*`, `_em_`, `**strong**` or `__strong__` starting at `start`.
    private func emphasis(_ characters: [Character], at start: Int) -> (String, Int)? {
        let marker = characters[start]
        let run = min(characters[start...].prefix { $0 == marker }.count, 2)
        let after = start + run
        guard after < characters.count, !characters[after].isWhitespace else { return nil }
        // `_` inside a word (snake_case) is not emphasis.
        if marker == "_", start > 0, characters[start - 1].isLetter || characters[start - 1].isNumber { return nil }
        let delimiter = String(repeating: marker, count: run)
        var search = after
        while let close = find(delimiter, in: characters, from: search) {
            let closeEnd = close + run
            let followedByWord = closeEnd < characters.count && (characters[closeEnd].isLetter || characters[closeEnd].isNumber)
            let isSameRunLonger = run == 1 && closeEnd < characters.count && characters[closeEnd] == marker
            if close > after, !characters[close - 1].isWhitespace, !(marker == "_" && followedByWord), !isSameRunLonger {
                let tag = run == 2 ? "strong" : "em"
                return ("<\(tag)>" + inline(String(characters[after..<close])) + "</\(tag)>", closeEnd)
            }
            search = isSameRunLonger ? close + 2 : close + 1
        }
        return nil
    }

    private func find(_ needle: String, in characters: [Character], from start: Int) -> Int? {
        let pattern = Array(needle)
        guard start <= characters.count - pattern.count else { return nil }
        for i in start...(characters.count - pattern.count) where Array(characters[i..<(i + pattern.count)]) == pattern {
            return i
        }
        return nil
    }

    private func matching(_ open: Character, _ close: Character, in characters: [Character], from start: Int) -> Int? {
        var depth = 0
        var i = start
        while i < characters.count {
            if characters[i] == "\\" { i += 2; continue }
            if characters[i] == open { depth += 1 }
            if characters[i] == close {
                depth -= 1
                if depth == 0 { return i }
            }
            i += 1
        }
        return nil
    }

    /// Links to `javascript:` and the like become inert.
    private func safeURL(_ url: String) -> String {
        let scheme = url.prefix { $0 != ":" && $0 != "/" && $0 != "?" && $0 != "#" }.lowercased()
        guard url.contains(":"), scheme.count < url.count, url[url.index(url.startIndex, offsetBy: scheme.count)] == ":" else { return url }
        return ["http", "https", "mailto", "ftp"].contains(scheme) ? url : "#"
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

/// An opening code fence: ``` or ~~~, with an optional language.
private struct Fence {
    var marker: String
    var language: String

    init?(_ text: String) {
        guard let first = text.first, first == "`" || first == "~" else { return nil }
        let run = text.prefix { $0 == first }.count
        guard run >= 3 else { return nil }
        marker = String(repeating: first, count: run)
        language = String(text.dropFirst(run)).trimmingSpaces.split(separator: " ").first.map(String.init) ?? ""
        if first == "`", language.contains("`") { return nil }
    }
}

/// A list item's marker: `-`, `*`, `+` or `1.` / `1)`, then a space.
private struct ListMarker {
    var ordered: Bool
    var number = 1
    /// The item's text after the marker.
    var content: String
    /// Columns from the line's start to the item's text.
    var contentOffset: Int

    init?(_ line: String) {
        let indent = line.leadingSpaces
        let rest = line.dropFirst(indent)
        if let first = rest.first, "-*+".contains(first), rest.dropFirst().first == " " {
            ordered = false
            content = String(rest.dropFirst(2))
            contentOffset = indent + 2
        } else {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard (1...9).contains(digits.count), let punctuation = rest.dropFirst(digits.count).first,
                  punctuation == "." || punctuation == ")", rest.dropFirst(digits.count + 1).first == " " else { return nil }
            ordered = true
            number = Int(digits) ?? 1
            content = String(rest.dropFirst(digits.count + 2))
            contentOffset = indent + digits.count + 2
        }
        let extra = content.prefix { $0 == " " }.count
        content.removeFirst(extra)
        contentOffset += extra
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }

    var leadingSpaces: Int { prefix { $0 == " " }.count }
}
