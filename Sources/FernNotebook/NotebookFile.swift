import Foundation

/// A `.fernb` notebook: plain text cut into cells by marker lines, in
/// jupytext's percent format.
///
///     #%% md                 a markdown cell (also `# %% [markdown]`)
///     #%% parameters         the parameters cell, overridable with `-p`
///     #%% cache              a code cell whose results may be reused
///     #%%  Title words       a code cell (text after the marker is its title)
///
/// Lines before the first marker form a code cell when they hold anything
/// but blank lines.
public struct NotebookFile: Sendable {
    public enum Kind: Sendable, Equatable {
        case markdown
        case code
        case parameters
    }

    public struct Cell: Sendable {
        public var kind: Kind
        /// Whether the cell is marked `cache`.
        public var cached: Bool
        /// The words after the marker that are not options, e.g. a heading.
        public var title: String
        /// The cell's text without its marker line.
        public var source: String
        /// 1-based line in the file of the cell's first source line, so
        /// errors inside the cell point at the file's line.
        public var firstLine: Int
        /// 1-based position among all cells.
        public var number: Int
    }

    public var path: String
    public var cells: [Cell]

    public init(path: String, cells: [Cell]) {
        self.path = path
        self.cells = cells
    }

    public static func read(path: String) throws -> NotebookFile {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw NotebookError("cannot read notebook '\(path)': \(error.localizedDescription)")
        }
        return parse(text, path: path)
    }

    public static func parse(_ text: String, path: String = "<notebook>") -> NotebookFile {
        var cells: [Cell] = []
        var current: Cell?
        var lines: [Substring] = []
        func close() {
            if var cell = current {
                cell.source = lines.joined(separator: "\n")
                cells.append(cell)
            } else if lines.contains(where: { !$0.allSatisfy(\.isWhitespace) }) {
                cells.append(Cell(kind: .code, cached: false, title: "", source: lines.joined(separator: "\n"),
                                  firstLine: 1, number: 0))
            }
            lines = []
        }
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard let marker = Marker(line) else {
                lines.append(line)
                continue
            }
            close()
            current = Cell(kind: marker.kind, cached: marker.cached, title: marker.title, source: "",
                           firstLine: index + 2, number: 0)
        }
        close()
        for i in cells.indices { cells[i].number = i + 1 }
        return NotebookFile(path: path, cells: cells)
    }

    /// The parameters cell, if the notebook has one.
    public var parametersCell: Cell? { cells.first { $0.kind == .parameters } }
}

/// A parsed `#%%` marker line.
private struct Marker {
    var kind = NotebookFile.Kind.code
    var cached = false
    var title = ""

    init?(_ line: Substring) {
        var rest = line.drop { $0 == " " }
        guard rest.hasPrefix("#") else { return nil }
        rest = rest.dropFirst().drop { $0 == " " }
        guard rest.hasPrefix("%%") else { return nil }
        var words: [String] = []
        for word in rest.dropFirst(2).split(separator: " ") {
            switch word.lowercased() {
            case "md", "markdown", "[markdown]", "[md]": kind = .markdown
            case "parameters", "[parameters]", "tags=[\"parameters\"]": kind = .parameters
            case "cache", "[cache]": cached = true
            default: words.append(String(word))
            }
        }
        title = words.joined(separator: " ")
    }
}
