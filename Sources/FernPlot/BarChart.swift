import Foundation

/// Bars for a few categories, e.g. the number of images per class. Each bar
/// carries its value as a label; bars grow up from zero, or to the right
/// when `horizontal` (first category at the top).
public struct BarChart: Panel {
    public let labels: [String]
    public let values: [Double]
    public var title: String?
    /// Label of the horizontal axis.
    public var xLabel: String?
    /// Label of the vertical axis.
    public var yLabel: String?
    public var horizontal: Bool
    /// Print each bar's value at its end.
    public var showsValues = true
    /// Bar colors, used in turn; by default every bar takes the first palette color.
    public var colors = [Color.palette(0)]

    /// Throws when the counts differ, there are no bars or a value is not finite.
    public init(labels: [String], values: [Double], title: String? = nil, horizontal: Bool = false) throws {
        guard labels.count == values.count else {
            throw PlotError("bar chart: \(labels.count) labels but \(values.count) values")
        }
        guard !values.isEmpty else { throw PlotError("bar chart: no bars to draw") }
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw PlotError("bar chart: value \(values[bad]) for '\(labels[bad])' is not a finite number")
        }
        self.labels = labels
        self.values = values
        self.title = title
        self.horizontal = horizontal
    }

    /// Fraction of a category slot a bar fills (matplotlib's default).
    static let barWidth = 0.8

    public func draw(in canvas: Canvas, rect: CGRect) {
        let texts = showsValues ? valueLabels(values) : []
        let lowest = min(0, values.min()!), highest = max(0, values.max()!)
        // Past the end of a bar: a line of text when vertical, the widest label when horizontal.
        let room = texts.isEmpty ? 0 : Theme.padding + (horizontal
            ? texts.map { canvas.measure($0, size: Theme.annotationSize).width }.max()!
            : canvas.lineHeight(size: Theme.annotationSize))
        var valueAxis = Axis(scale: .continuous(lowest...highest), label: horizontal ? xLabel : yLabel, showsGrid: true)
        valueAxis.margins = (lower: lowest < 0 ? Theme.dataMargin : 0, upper: highest > 0 ? Theme.dataMargin : 0)
        valueAxis.extraSpace = (lower: lowest < 0 ? room : 0, upper: highest > 0 ? room : 0)
        let categoryAxis = Axis(scale: .categorical(horizontal ? labels.reversed() : labels), label: horizontal ? yLabel : xLabel)
        let layout = Axes(title: title, x: horizontal ? valueAxis : categoryAxis, y: horizontal ? categoryAxis : valueAxis)
            .layout(in: rect, canvas: canvas)
        layout.drawGrid(on: canvas)

        for (index, value) in values.enumerated() {
            let slot = Double(horizontal ? values.count - 1 - index : index)
            let (near, far) = (slot - Self.barWidth / 2, slot + Self.barWidth / 2)
            let bar = horizontal
                ? rectangle(layout.point(0, near), layout.point(value, far))
                : rectangle(layout.point(near, 0), layout.point(far, value))
            canvas.fill(bar, color: colors.isEmpty ? Color.palette(0) : colors[index % colors.count])
            guard !texts.isEmpty else { continue }
            if horizontal {
                let end = value < 0 ? bar.minX - Theme.padding : bar.maxX + Theme.padding
                canvas.text(texts[index], at: CGPoint(x: end, y: bar.midY), size: Theme.annotationSize,
                            horizontal: value < 0 ? .right : .left, vertical: .middle)
            } else {
                let end = value < 0 ? bar.maxY + Theme.padding / 2 : bar.minY - Theme.padding / 2
                canvas.text(texts[index], at: CGPoint(x: bar.midX, y: end), size: Theme.annotationSize,
                            horizontal: .center, vertical: value < 0 ? .top : .bottom)
            }
        }
        layout.drawFrame(on: canvas)
    }
}

/// The rectangle with corners `a` and `b`, whichever way round they are.
func rectangle(_ a: CGPoint, _ b: CGPoint) -> CGRect {
    CGRect(x: min(a.x, b.x), y: min(a.y, b.y), width: abs(a.x - b.x), height: abs(a.y - b.y))
}
