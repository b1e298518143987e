import Foundation

/// sklearn's `classification_report` as text: precision, recall, F1 and
/// support per class, then accuracy and the macro and weighted averages.
extension ConfusionMatrix {
    public var classificationReport: String {
        let nameWidth = max(12, (classNames.map(\.count).max() ?? 0) + 2)
        func row(_ name: String, _ values: [Double], _ support: Int) -> String {
            name.leftPadded(to: nameWidth) + values.map { String(format: "%10.3f", $0) }.joined() + String(format: "%10d", support)
        }
        var lines = ["".leftPadded(to: nameWidth) + ["precision", "recall", "f1-score", "support"].map { $0.leftPadded(to: 10) }.joined(), ""]
        let (p, r, f, s) = (precision, recall, f1, support)
        for c in classNames.indices { lines.append(row(classNames[c], [p[c], r[c], f[c]], s[c])) }
        lines.append("")
        lines.append("accuracy".leftPadded(to: nameWidth) + String(repeating: " ", count: 20) + String(format: "%10.3f%10d", accuracy, total))
        let n = Double(max(classNames.count, 1)), weight = Double(max(total, 1))
        func macro(_ xs: [Double]) -> Double { xs.reduce(0, +) / n }
        func weighted(_ xs: [Double]) -> Double { zip(xs, s).reduce(0) { $0 + $1.0 * Double($1.1) } / weight }
        lines.append(row("macro avg", [macro(p), macro(r), macro(f)], total))
        lines.append(row("weighted avg", [weighted(p), weighted(r), weighted(f)], total))
        return lines.joined(separator: "\n")
    }

    /// The most confused pairs as text lines: "fear → sad: 112 (21.9% of fear)".
    public func mostConfusedDescription(top: Int = 5) -> String {
        let shares = rowNormalized
        return mostConfused(top: top).map { pair in
            "\(classNames[pair.true]) → \(classNames[pair.predicted]): \(pair.count) ("
                + String(format: "%.1f", 100 * shares[pair.true][pair.predicted]) + "% of \(classNames[pair.true]))"
        }.joined(separator: "\n")
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
