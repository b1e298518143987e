import FernTensor
import Foundation

/// A notebook as Jupyter's nbformat 4.5 (`.ipynb`), for JupyterLab, nbviewer and GitHub:
/// Markdown cells, code cells with what they printed (a stream) and showed (PNG figures),
/// and the error that stopped a run. The language is named "fern" with no kernel behind
/// it, so viewers show the code as plain text.
///
/// As papermill does, the parameters cell is tagged `parameters`; its output lists the values
/// given with `-p`. A cell's Fern title, `cache` marker, line and seconds go into its
/// metadata under "fern".
public struct JupyterNotebook {
    public let notebook: NotebookFile
    /// The run whose outputs the code cells carry; nil exports the notebook without outputs.
    public let run: NotebookRun?

    public init(notebook: NotebookFile, run: NotebookRun? = nil) {
        (self.notebook, self.run) = (notebook, run)
    }

    public init(run: NotebookRun) {
        self.init(notebook: run.notebook, run: run)
    }

    /// `NAME.ipynb` beside a run's reports.
    public static func url(for run: NotebookRun) -> URL {
        let name = URL(fileURLWithPath: run.notebook.path).deletingPathExtension().lastPathComponent
        return run.outputFolder.appendingPathComponent(name + ".ipynb")
    }

    /// Writes the notebook atomically.
    public func write(to url: URL) throws {
        try AtomicFile.write(try json(), to: url)
    }

    /// The notebook as JSON, keys sorted as Jupyter writes them.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(document())
        data.append(contentsOf: Array("\n".utf8))
        return data
    }

    func document() throws -> Document {
        let outcomes = Dictionary((run?.cells ?? []).map { ($0.cell.number, $0) }, uniquingKeysWith: { _, last in last })
        var cells: [Cell] = []
        var executionCount = 0
        for cell in notebook.cells {
            let outcome = outcomes[cell.number]
            if cell.kind == .markdown {
                cells.append(Cell(type: "markdown", id: "cell-\(cell.number)", source: Self.lines(cell.source)))
                continue
            }
            var entry = Cell(type: "code", id: "cell-\(cell.number)", source: Self.lines(cell.source))
            entry.outputs = []
            entry.metadata.fern = CellInfo(title: cell.title.isEmpty ? nil : cell.title, cache: cell.cached ? true : nil,
                                           line: cell.firstLine, seconds: outcome.map { Self.milliseconds($0.seconds) },
                                           fromCache: outcome?.ran == false ? true : nil)
            if cell.kind == .parameters { entry.metadata.tags = ["parameters"] }
            if let outcome {
                executionCount += 1
                entry.executionCount = executionCount
                entry.outputs = try outputs(of: outcome)
            }
            cells.append(entry)
        }
        var fern = RunInfo(notebook: notebook.path)
        if let run {
            fern.run = NotebookReport.format(run.started)
            fern.seconds = Self.milliseconds(run.seconds)
            fern.status = NotebookReport(run: run).status
        }
        return Document(cells: cells, metadata: .init(fern: fern))
    }

    private func outputs(of outcome: CellOutcome) throws -> [Output] {
        var outputs: [Output] = []
        if let note = outcome.cacheNote, !note.isEmpty {
            outputs.append(.stream(name: "stderr", text: Self.lines(note + "\n")))
        }
        if !outcome.output.isEmpty {
            outputs.append(.stream(name: "stdout", text: Self.lines(outcome.output.hasSuffix("\n") ? outcome.output : outcome.output + "\n")))
        }
        for figure in outcome.figures {
            let url = (run?.outputFolder ?? URL(fileURLWithPath: ".")).appendingPathComponent(figure)
            let png: Data
            do {
                png = try Data(contentsOf: url)
            } catch {
                throw NotebookError("cannot read figure '\(url.path)' for the .ipynb: \(error.localizedDescription)")
            }
            outputs.append(.figure(png: png.base64EncodedString(), name: figure))
        }
        if let error = outcome.error {
            let name = outcome.interrupted ? "Interrupted" : "FernError"
            let first = error.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? error
            outputs.append(.error(name: name, value: first, traceback: error.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)))
        }
        return outputs
    }

    /// Seconds rounded to the millisecond, for the metadata.
    static func milliseconds(_ seconds: Double) -> Double { (seconds * 1000).rounded() / 1000 }

    /// nbformat's multi-line strings: a list of lines, each but the last ending in "\n".
    static func lines(_ text: String) -> [String] {
        var lines: [String] = []
        var current = ""
        for character in text {
            current.append(character)
            if character == "\n" {
                lines.append(current)
                current = ""
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    // MARK: nbformat 4.5 as Codable

    struct Document: Encodable {
        var cells: [Cell]
        var metadata: NotebookMetadata
        var nbformat = 4
        var nbformatMinor = 5

        enum CodingKeys: String, CodingKey {
            case cells, metadata, nbformat
            case nbformatMinor = "nbformat_minor"
        }
    }

    struct NotebookMetadata: Encodable {
        var kernelspec = KernelSpec()
        var languageInfo = LanguageInfo()
        var fern: RunInfo

        enum CodingKeys: String, CodingKey {
            case kernelspec, fern
            case languageInfo = "language_info"
        }
    }

    struct KernelSpec: Encodable {
        var name = "fern", displayName = "Fern", language = "fern"

        enum CodingKeys: String, CodingKey {
            case name, language
            case displayName = "display_name"
        }
    }

    /// No highlighter knows Fern, so viewers are told to show it as text.
    struct LanguageInfo: Encodable {
        var name = "fern", fileExtension = ".fernb", mimetype = "text/plain", pygmentsLexer = "text", codemirrorMode = "text/plain"

        enum CodingKeys: String, CodingKey {
            case name, mimetype
            case fileExtension = "file_extension"
            case pygmentsLexer = "pygments_lexer"
            case codemirrorMode = "codemirror_mode"
        }
    }

    struct RunInfo: Encodable {
        var notebook: String
        var run: String?
        var seconds: Double?
        var status: String?
    }

    struct CellInfo: Encodable {
        var title: String?
        var cache: Bool?
        var line: Int
        var seconds: Double?
        var fromCache: Bool?

        enum CodingKeys: String, CodingKey {
            case title, cache, line, seconds
            case fromCache = "from_cache"
        }
    }

    struct CellMetadata: Encodable {
        var tags: [String]?
        var fern: CellInfo?
    }

    struct Cell: Encodable {
        var type: String
        var id: String
        var source: [String]
        var metadata = CellMetadata()
        /// Code cells only (nil leaves the key out of Markdown cells).
        var outputs: [Output]?
        var executionCount: Int?

        init(type: String, id: String, source: [String]) {
            (self.type, self.id, self.source) = (type, id, source)
        }

        enum CodingKeys: String, CodingKey {
            case id, source, metadata, outputs
            case type = "cell_type"
            case executionCount = "execution_count"
        }

        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(type, forKey: .type)
            try container.encode(id, forKey: .id)
            try container.encode(source, forKey: .source)
            try container.encode(metadata, forKey: .metadata)
            if let outputs {
                // A code cell always has both keys; execution_count is null where it did not run.
                try container.encode(outputs, forKey: .outputs)
                if let executionCount {
                    try container.encode(executionCount, forKey: .executionCount)
                } else {
                    try container.encodeNil(forKey: .executionCount)
                }
            }
        }
    }

    enum Output: Encodable {
        case stream(name: String, text: [String])
        case figure(png: String, name: String)
        case error(name: String, value: String, traceback: [String])

        private struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(_ string: String) { stringValue = string }
            init?(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            switch self {
            case .stream(let name, let text):
                try container.encode("stream", forKey: Key("output_type"))
                try container.encode(name, forKey: Key("name"))
                try container.encode(text, forKey: Key("text"))
            case .figure(let png, let name):
                try container.encode("display_data", forKey: Key("output_type"))
                try container.encode(["image/png": png, "text/plain": "<Figure \(name)>"], forKey: Key("data"))
                try container.encode([String: String](), forKey: Key("metadata"))
            case .error(let name, let value, let traceback):
                try container.encode("error", forKey: Key("output_type"))
                try container.encode(name, forKey: Key("ename"))
                try container.encode(value, forKey: Key("evalue"))
                try container.encode(traceback, forKey: Key("traceback"))
            }
        }
    }
}
