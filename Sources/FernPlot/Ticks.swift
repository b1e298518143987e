import Foundation

/// The step between "nice" ticks: 1, 2 or 5 times a power of ten, the one
/// that splits `span` into the number of parts closest to `intervals`
/// (by ratio; on a tie the larger step). With `integers` the step is at
/// least 1 (epochs, counts).
func niceStep(span: Double, intervals: Double, integers: Bool = false) -> Double {
    guard span > 0, span.isFinite, intervals > 0 else { return 1 }
    let exponent = floor(log10(span / intervals))
    let candidates = [exponent + 1, exponent, exponent - 1].flatMap { power in [5.0, 2, 1].map { $0 * pow(10, power) } }
        .filter { !integers || $0 >= 1 }
    func miss(_ step: Double) -> Double { abs(log(span / step / intervals)) }
    return candidates.min { miss($0) < miss($1) } ?? 1
}

/// Evenly spaced nice tick values inside `lower...upper`, e.g. 0, 0.2, …, 1
/// for 0...1. Values are computed as integer multiples of the step so that
/// they print exactly ("0.3", not "0.30000000000000004").
func niceTicks(from lower: Double, to upper: Double, intervals: Double, integers: Bool = false) -> [Double] {
    let step = niceStep(span: upper - lower, intervals: intervals, integers: integers)
    let first = Int((lower / step - 1e-9).rounded(.up)), last = Int((upper / step + 1e-9).rounded(.down))
    guard first <= last else { return [] }
    // A step below 1 is a whole number of tenths/hundredths…: divide to stay exact.
    let exponent = Int(floor(log10(step)))
    let unitsPerStep = (step / pow(10, Double(exponent))).rounded()
    return (first...last).map { k in
        exponent < 0 ? Double(k) * unitsPerStep / pow(10, Double(-exponent)) : Double(k) * step
    }
}

/// Labels for ticks: every label gets the decimals the tick step needs
/// ("0.0", "0.5", "1.0"), like matplotlib's default formatter.
func tickLabels(for ticks: [Double]) -> [String] {
    let step = ticks.count > 1 ? ticks[1] - ticks[0] : abs(ticks.first ?? 1)
    let largest = ticks.map(abs).max() ?? 0
    if step > 0 && step < 1e-4 || largest >= 1e7 {
        return ticks.map { String(format: "%g", $0) }
    }
    let decimals = step > 0 ? max(0, -Int(floor(log10(step) + 1e-9))) : 0
    return ticks.map { String(format: "%.\(decimals)f", $0 + 0) }
}
