import Foundation

/// A matrix drawn as colored cells with each cell's value printed on it
/// (dark text on light cells, white on dark ones), row labels on the left,
/// column labels below and a color bar. As a confusion matrix, rows are the
/// true classes and columns the predicted ones.
public struct Heatmap: Panel {
    /// The values as given, one array per row.
    public let values: [[Double]]
    public let rowLabels: [String]
    public let columnLabels: [String]
    public var title: String?
    public var xLabel: String?
    public var yLabel: String?
    public var colormap = Colormap.viridis
    /// Show each row divided by its sum (0...1, two decimals) instead of the values.
    public var normalizeRows: Bool
    /// Values at the ends of the colormap; nil: 0...1 when rows are
    /// normalized, the smallest to the largest value otherwise.
    public var range: ClosedRange<Double>?
    public var showsValues = true
    public var showsColorBar = true

    /// Labels default to the row and column numbers. Throws when the matrix
    /// is empty or ragged, a label count differs, or a value is not finite.
    public init(values: [[Double]], rowLabels: [String]? = nil, columnLabels: [String]? = nil,
                title: String? = nil, normalizeRows: Bool = false) throws {
        guard let width = values.first?.count, width > 0 else { throw PlotError("heatmap: the matrix is empty") }
        if let ragged = values.firstIndex(where: { $0.count != width }) {
            throw PlotError("heatmap: row \(ragged) has \(values[ragged].count) values but row 0 has \(width)")
        }
        guard values.allSatisfy({ $0.allSatisfy(\.isFinite) }) else { throw PlotError("heatmap: values must be finite numbers") }
        let rowLabels = rowLabels ?? values.indices.map(String.init)
        let columnLabels = columnLabels ?? (0..<width).map(String.init)
        guard rowLabels.count == values.count else {
            throw PlotError("heatmap: \(rowLabels.count) row labels for \(values.count) rows")
        }
        guard columnLabels.count == width else {
            throw PlotError("heatmap: \(columnLabels.count) column labels for \(width) columns")
        }
        self.values = values
        self.rowLabels = rowLabels
        self.columnLabels = columnLabels
        self.title = title
        self.normalizeRows = normalizeRows
    }

    /// A confusion matrix: `counts[true class][predicted class]`, labelled
    /// with the class names and "True label" / "Predicted label" axes.
    public static func confusionMatrix(_ counts: [[Double]], classNames: [String], normalizeRows: Bool = false,
                                       title: String? = nil) throws -> Heatmap {
        var heatmap = try Heatmap(values: counts, rowLabels: classNames, columnLabels: classNames,
                                  title: title, normalizeRows: normalizeRows)
        heatmap.xLabel = "Predicted label"
        heatmap.yLabel = "True label"
        return heatmap
    }

    /// The values shown: rows divided by their sums when normalizing (a row
    /// of zeros stays zero).
    var shownValues: [[Double]] {
        guard normalizeRows else { return values }
        return values.map { row in
            let sum = row.reduce(0, +)
            return row.map { sum == 0 ? 0 : $0 / sum }
        }
    }

    public func draw(in canvas: Canvas, rect: CGRect) {
        let shown = shownValues
        let scale = ValueScale(range ?? (normalizeRows ? 0...1 : nil), values: shown.joined())
        let colorBar = showsColorBar ? ColorBar(colormap: colormap, scale: scale) : nil
        let axes = Axes(title: title,
                        x: Axis(scale: .categorical(columnLabels), label: xLabel),
                        y: Axis(scale: .categorical(rowLabels.reversed()), label: yLabel),
                        reservedRight: colorBar?.width(canvas: canvas, height: rect.height) ?? 0,
                        equalAspect: true)
        let layout = axes.layout(in: rect, canvas: canvas)
        let texts = valueLabels(Array(shown.joined()), decimals: normalizeRows ? 2 : nil)
        let rows = shown.count, columns = shown[0].count
        for row in 0..<rows {
            for column in 0..<columns {
                let y = Double(rows - 1 - row), x = Double(column)
                let cell = rectangle(layout.point(x - 0.5, y - 0.5), layout.point(x + 0.5, y + 0.5))
                let color = colormap.color(at: scale.fraction(shown[row][column]))
                canvas.fill(cell, color: color)
                if showsValues {
                    drawValue(texts[row * columns + column], in: cell, on: color, canvas: canvas)
                }
            }
        }
        layout.drawFrame(on: canvas)
        colorBar?.draw(on: canvas, beside: layout.plot)
    }

    /// Prints a cell's value in its middle, smaller in small cells, and not
    /// at all where even the smallest text would not fit.
    private func drawValue(_ text: String, in cell: CGRect, on color: Color, canvas: Canvas) {
        let room = cell.width * 0.9
        let size = canvas.fittingSize(text, size: min(Theme.annotationSize, cell.height * 0.45), width: room)
        guard size >= Theme.smallestTextSize, canvas.measure(text, size: size).width <= room else { return }
        canvas.text(text, at: CGPoint(x: cell.midX, y: cell.midY), size: size, color: color.contrastingText,
                    horizontal: .center, vertical: .middle)
    }
}
