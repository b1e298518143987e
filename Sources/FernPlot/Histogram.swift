import Foundation

/// How many values fall in each of a number of equal bins, e.g. the pixel
/// intensities of the data set or the weights of a layer.
public struct Histogram: Panel {
    /// `bins + 1` bin edges, from the lowest value to the highest.
    public let edges: [Double]
    /// Values per bin; the last bin includes its upper edge (like numpy).
    public let counts: [Int]
    public var title: String?
    public var xLabel: String?
    public var yLabel: String?
    public var color = Color.palette(0)

    /// Bins span `range`, or the finite values' minimum to maximum; values
    /// outside the range and non-finite values are not counted. Throws when
    /// there is no finite value or `bins` is not positive.
    public init(values: [Double], bins: Int = 20, range: ClosedRange<Double>? = nil, title: String? = nil) throws {
        guard bins > 0 else { throw PlotError("histogram: bins must be positive (got \(bins))") }
        let finite = values.filter(\.isFinite)
        guard let smallest = finite.min(), let largest = finite.max() else {
            throw PlotError("histogram: no finite values to count")
        }
        let low = range?.lowerBound ?? smallest
        var high = range?.upperBound ?? largest
        if high == low { high = low + 1 }
        let width = (high - low) / Double(bins)
        var counts = [Int](repeating: 0, count: bins)
        for value in finite where value >= low && value <= high {
            counts[min(Int((value - low) / width), bins - 1)] += 1
        }
        edges = (0...bins).map { low + Double($0) * width }
        self.counts = counts
        self.title = title
    }

    public func draw(in canvas: Canvas, rect: CGRect) {
        let axes = Axes(title: title,
                        x: Axis(scale: .continuous(edges.first!...edges.last!), label: xLabel),
                        y: Axis(scale: .continuous(0...Double(counts.max()!)), label: yLabel, showsGrid: true,
                                integerTicks: true, margins: (lower: 0, upper: Theme.dataMargin)))
        let layout = axes.layout(in: rect, canvas: canvas)
        layout.drawGrid(on: canvas)
        for (bin, count) in counts.enumerated() where count > 0 {
            let bar = rectangle(layout.point(edges[bin], 0), layout.point(edges[bin + 1], Double(count)))
            canvas.fill(bar, color: color)
            // Thin white edges keep neighbouring bars apart.
            canvas.stroke(bar, color: .white, width: 0.6)
        }
        layout.drawFrame(on: canvas)
    }
}
