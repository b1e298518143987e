import FernPlot
import Foundation

/// Collects what the running cell prints and shows: its output text and
/// the figures it saves into the output folder under stable names
/// (`cell03-1.png`, or the name the program gave `show`).
final class CellRecorder {
    let outputFolder: URL
    /// Also receives the output as it is produced, for a live console.
    let echo: (String) -> Void
    private(set) var output = ""
    private(set) var figures: [String] = []
    /// Every figure path written so far, as `show` returned it.
    private(set) var savedPaths: Set<String> = []
    private var cellNumber = 0
    private var unnamedFigures = 0

    init(outputFolder: URL, echo: @escaping (String) -> Void) {
        self.outputFolder = outputFolder
        self.echo = echo
    }

    func begin(cell number: Int) {
        cellNumber = number
        unnamedFigures = 0
        output = ""
        figures = []
    }

    /// Appends `text` as one or more whole lines.
    func write(_ text: String) {
        let line = text.hasSuffix("\n") ? text : text + "\n"
        output += line
        echo(line)
    }

    /// Saves `figure` as PNG (SVG when the name ends in `.svg`) and returns its path.
    func save(_ figure: Figure, name: String?) throws -> String {
        let fileName = name.map(CellRecorder.fileName) ?? {
            unnamedFigures += 1
            return String(format: "cell%02d-%d.png", cellNumber, unnamedFigures)
        }()
        let url = outputFolder.appendingPathComponent(fileName)
        try figure.save(to: url.path)
        figures.removeAll { $0 == fileName }
        figures.append(fileName)
        savedPaths.insert(url.path)
        echo("[figure: \(url.path)]\n")
        return url.path
    }

    /// Adds figures and output replayed from the cache.
    func replay(output text: String, figures names: [String]) {
        output += text
        echo(text)
        figures += names
    }

    /// A file name safe in the output folder: path separators and odd
    /// characters become `-`; `.png` is added unless it ends in `.png`/`.svg`.
    static func fileName(_ name: String) -> String {
        var safe = String(name.map { $0.isLetter || $0.isNumber || "-_.".contains($0) ? $0 : "-" })
        while safe.hasPrefix(".") { safe.removeFirst() }
        if safe.isEmpty { safe = "figure" }
        let lower = safe.lowercased()
        return lower.hasSuffix(".png") || lower.hasSuffix(".svg") ? safe : safe + ".png"
    }
}
