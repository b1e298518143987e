/// Maps data values to 0...1 for coloring: a given range, or the finite
/// values' own minimum and maximum. A range of one value is widened by 0.5
/// on each side, so constant data comes out in the middle of a colormap.
struct ValueScale {
    let lower: Double
    let upper: Double

    init<Values: Sequence>(_ range: ClosedRange<Double>?, values: Values) where Values.Element: BinaryFloatingPoint {
        var lower = range?.lowerBound ?? .infinity, upper = range?.upperBound ?? -.infinity
        if range == nil {
            for value in values where value.isFinite {
                lower = min(lower, Double(value))
                upper = max(upper, Double(value))
            }
        }
        if lower > upper { (lower, upper) = (0, 1) }
        if lower == upper { (lower, upper) = (lower - 0.5, upper + 0.5) }
        self.lower = lower
        self.upper = upper
    }

    /// Where `value` lies between the ends, clamped to 0...1 (NaN gives 0).
    func fraction(_ value: Double) -> Double {
        let fraction = (value - lower) / (upper - lower)
        return fraction.isNaN ? 0 : min(max(fraction, 0), 1)
    }
}
