import Foundation

/// Labels for data values printed on bars and heatmap cells. Whole numbers
/// print as integers; others with three significant digits (at most four
/// decimals), trailing zeros dropped, like `%g`: 0.652, 12.5, -2.25; tiny
/// ones in exponent form (1.2e-05). With
/// `decimals` every value gets exactly that many (0.80, 0.05).
func valueLabels(_ values: [Double], decimals: Int? = nil) -> [String] {
    values.map { value in
        if let decimals { return String(format: "%.\(decimals)f", value + 0) }
        if value == value.rounded() && abs(value) < 1e15 { return String(format: "%.0f", value + 0) }
        if abs(value) < 1e-4 { return String(format: "%.2g", value) }
        let places = min(4, max(0, 2 - Int(floor(log10(abs(value))))))
        var text = String(format: "%.\(places)f", value)
        while text.contains("."), text.hasSuffix("0") { text.removeLast() }
        return text.hasSuffix(".") ? String(text.dropLast()) : text
    }
}
