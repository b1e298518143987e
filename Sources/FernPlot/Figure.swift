import FernTensor
import Foundation

/// A picture made of panels in a grid of `rows` x `columns` equal cells
/// (filled row by row), with an optional title above them, saved as PNG or SVG.
///
///     var figure = try Figure(width: 900, height: 400, title: "Training", columns: 2)
///     try figure.add(LineChart(series: [loss, validationLoss], title: "loss"))
///     try figure.add(LineChart(series: [accuracy, validationAccuracy], title: "accuracy"))
///     try figure.save(to: "out/curves.png")
public struct Figure: Sendable {
    /// Size in figure units; a PNG has `width * scale` x `height * scale` pixels.
    public let width: Int
    public let height: Int
    /// Device pixels per figure unit in PNG output, like matplotlib's dpi / 100.
    public let scale: Double
    public var title: String?
    public let rows: Int
    public let columns: Int
    public private(set) var panels: [any Panel] = []

    /// Cairo's limit on an image side, in pixels.
    static let largestSide = 32767.0

    /// Throws when a size is not positive, the PNG would be too large for
    /// Cairo, or the panels do not fit the grid.
    public init(width: Int = 640, height: Int = 480, scale: Double = 1, title: String? = nil,
                rows: Int = 1, columns: Int = 1, panels: [any Panel] = []) throws {
        guard width > 0, height > 0 else { throw PlotError("figure: size \(width)x\(height) must be positive") }
        guard scale > 0, scale.isFinite else { throw PlotError("figure: scale \(scale) must be a positive number") }
        guard Double(max(width, height)) * scale <= Figure.largestSide else {
            throw PlotError("figure: \(width)x\(height) at scale \(scale) is larger than \(Int(Figure.largestSide)) pixels on a side")
        }
        guard rows > 0, columns > 0 else { throw PlotError("figure: a grid of \(rows)x\(columns) panels needs at least one row and column") }
        (self.width, self.height, self.scale, self.title, self.rows, self.columns) = (width, height, scale, title, rows, columns)
        for panel in panels { try add(panel) }
    }

    /// Puts `panel` in the next free cell (row by row).
    public mutating func add(_ panel: any Panel) throws {
        guard panels.count < rows * columns else {
            throw PlotError("figure: all \(rows)x\(columns) cells are taken; make the figure with more rows or columns")
        }
        panels.append(panel)
    }

    /// Writes the figure to `path`: SVG when the name ends in `.svg`, PNG
    /// otherwise. The file appears whole or not at all (written to a
    /// temporary file in the same folder, then renamed); missing folders are created.
    public func save(to path: String) throws {
        let data = path.lowercased().hasSuffix(".svg") ? try svgData() : try pngData()
        do {
            try AtomicFile.write(data, to: URL(fileURLWithPath: path))
        } catch {
            throw PlotError("figure: cannot write \(path): \(error.localizedDescription)")
        }
    }

    /// The figure encoded as PNG.
    public func pngData() throws -> Data { try render(.png) }

    /// The figure encoded as SVG (vector shapes and text; images embedded).
    public func svgData() throws -> Data { try render(.svg) }

    private func render(_ format: Canvas.Format) throws -> Data {
        guard !panels.isEmpty else { throw PlotError("figure: nothing to draw; add a panel first") }
        return try Canvas.render(format, width: Double(width), height: Double(height), scale: scale) { canvas in
            let page = CGRect(x: 0, y: 0, width: width, height: height)
            var grid = page
            if let title, !title.isEmpty {
                let size = canvas.fittingSize(title, size: Theme.figureTitleSize, width: page.width - 2 * Theme.panelMargin)
                canvas.text(title, at: CGPoint(x: page.midX, y: Theme.panelMargin), size: size, horizontal: .center)
                let used = Theme.panelMargin + canvas.measure(title, size: size).height
                grid = CGRect(x: 0, y: used, width: page.width, height: max(0, page.height - used))
            }
            let cellWidth = grid.width / Double(columns), cellHeight = grid.height / Double(rows)
            for (index, panel) in panels.enumerated() {
                let cell = CGRect(x: grid.minX + Double(index % columns) * cellWidth, y: grid.minY + Double(index / columns) * cellHeight,
                                  width: cellWidth, height: cellHeight)
                panel.draw(in: canvas, rect: cell)
            }
        }
    }
}
