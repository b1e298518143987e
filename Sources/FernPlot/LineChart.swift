import Foundation

/// Lines for one or more series (loss and accuracy curves), with a legend,
/// nice ticks and grid lines. Whole-number x values (epochs) get whole-number ticks.
public struct LineChart: Panel {
    public let series: [Series]
    public var title: String?
    public var xLabel: String?
    public var yLabel: String?
    public var showsLegend = true
    public var showsGrid = true

    /// Throws when there is no series or no finite value to plot.
    public init(series: [Series], title: String? = nil, xLabel: String? = nil, yLabel: String? = nil) throws {
        guard !series.isEmpty else { throw PlotError("line chart: no series to draw") }
        guard series.contains(where: { !$0.runs.isEmpty }) else { throw PlotError("line chart: no finite values to draw") }
        self.series = series
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
    }

    public func draw(in canvas: Canvas, rect: CGRect) {
        let points = series.flatMap { $0.runs.joined() }
        let xs = points.map(\.x), ys = points.map(\.y)
        let wholeX = series.allSatisfy { $0.x.allSatisfy { $0 == $0.rounded() } }
        let axes = Axes(title: title,
                        x: Axis(scale: .continuous(xs.min()!...xs.max()!), label: xLabel, showsGrid: showsGrid, integerTicks: wholeX),
                        y: Axis(scale: .continuous(ys.min()!...ys.max()!), label: yLabel, showsGrid: showsGrid))
        let layout = axes.layout(in: rect, canvas: canvas)
        layout.drawGrid(on: canvas)
        var paths: [[CGPoint]] = []
        for (index, line) in series.enumerated() {
            let color = line.color ?? Color.palette(index)
            for run in line.runs {
                let path = run.map { layout.point($0.x, $0.y) }
                canvas.polyline(path, color: color, width: Theme.lineWidth)
                if line.showsMarkers || run.count == 1 {
                    for point in path { canvas.fillCircle(center: point, radius: Theme.markerRadius, color: color) }
                }
                paths.append(path)
            }
        }
        layout.drawFrame(on: canvas)
        if showsLegend {
            let entries = series.enumerated().map { index, line in
                Legend.Entry(name: line.name, color: line.color ?? Color.palette(index), showsMarker: line.showsMarkers)
            }
            Legend(entries: entries).draw(on: canvas, in: layout.plot, avoiding: paths)
        }
    }
}
