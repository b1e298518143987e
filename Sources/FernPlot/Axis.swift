/// One axis of a chart: continuous (a data range with nice ticks) or
/// categorical (one slot per label, at positions 0, 1, 2, …).
struct Axis {
    enum Scale {
        case continuous(ClosedRange<Double>)
        case categorical([String])
    }

    var scale: Scale
    var label: String?
    var showsGrid = false
    /// Ticks only at whole numbers (epochs, counts).
    var integerTicks = false
    /// Fractions of the data span left empty below and above the data.
    var margins = (lower: Theme.dataMargin, upper: Theme.dataMargin)
    /// Room in figure units beyond the data and margins, e.g. for the value
    /// labels printed past the end of bars.
    var extraSpace = (lower: 0.0, upper: 0.0)

    /// The axis's limits and ticks once it is `length` figure units long,
    /// with about `spacing` units between ticks.
    func resolved(length: Double, spacing: Double) -> ResolvedAxis {
        switch scale {
        case .categorical(let names):
            return ResolvedAxis(lower: -0.5, upper: Double(names.count) - 0.5,
                                ticks: names.indices.map(Double.init), labels: names)
        case .continuous(let data):
            var (lower, upper) = (data.lowerBound, data.upperBound)
            if upper - lower <= 1e-12 * max(abs(lower), abs(upper)) {
                // A single value still gets an axis around it.
                let pad = max(abs(lower) * 0.1, 0.5)
                if margins.lower > 0 { lower -= pad }
                upper += pad
            }
            let span = upper - lower
            lower -= span * margins.lower
            upper += span * margins.upper
            let usable = max(length - extraSpace.lower - extraSpace.upper, length / 4, 1)
            let perUnit = (upper - lower) / usable
            lower -= extraSpace.lower * perUnit
            upper += extraSpace.upper * perUnit
            let ticks = niceTicks(from: lower, to: upper, intervals: max(2, length / spacing), integers: integerTicks)
            return ResolvedAxis(lower: lower, upper: upper, ticks: ticks, labels: tickLabels(for: ticks))
        }
    }
}

/// An axis with its final limits and ticks.
struct ResolvedAxis {
    let lower: Double
    let upper: Double
    let ticks: [Double]
    let labels: [String]

    /// Where `value` falls on a line from `start` (the lower limit) to `end`
    /// (the upper limit).
    func position(_ value: Double, from start: Double, to end: Double) -> Double {
        start + (value - lower) / (upper - lower) * (end - start)
    }
}
