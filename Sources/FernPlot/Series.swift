/// One named line of a line chart, e.g. the training loss per epoch.
public struct Series: Sendable {
    public let name: String
    public let x: [Double]
    /// Values; a NaN or infinite value leaves a gap in the line.
    public let y: [Double]
    /// The line's color; nil takes the next palette color.
    public var color: Color?
    /// Draw a dot at every point.
    public var showsMarkers: Bool

    /// `x` defaults to 1, 2, 3, … (epochs). Throws when `y` is empty, the
    /// counts differ or an x value is not finite.
    public init(name: String, y: [Double], x: [Double]? = nil, color: Color? = nil, markers: Bool = false) throws {
        guard !y.isEmpty else { throw PlotError("series '\(name)': no values") }
        let x = x ?? y.indices.map { Double($0 + 1) }
        guard x.count == y.count else { throw PlotError("series '\(name)': \(x.count) x values but \(y.count) y values") }
        guard x.allSatisfy(\.isFinite) else { throw PlotError("series '\(name)': x values must be finite numbers") }
        self.name = name
        self.x = x
        self.y = y
        self.color = color
        self.showsMarkers = markers
    }

    /// Runs of consecutive points with finite values (the pieces of the line).
    var runs: [[(x: Double, y: Double)]] {
        var runs: [[(x: Double, y: Double)]] = [[]]
        for (x, y) in zip(x, y) {
            if y.isFinite { runs[runs.count - 1].append((x, y)) } else if !runs[runs.count - 1].isEmpty { runs.append([]) }
        }
        return runs.filter { !$0.isEmpty }
    }
}
