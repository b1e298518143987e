/// A Keras-like `model.summary()` table: layer, output shape, parameters. A residual block's
/// layers follow it, indented, its shortcut's marked "shortcut"; the block's row counts them all.
extension Sequential {
    public var summary: String {
        var rows: [(String, String, String)] = [("Layer (type)", "Output shape", "Param #")]
        func add(_ layer: Layer, _ shape: [Int], indent: String) {
            let count = layer.parameters.reduce(0) { $0 + $1.count }
            rows.append(("\(indent)\(layer.name) (\(layer.kind))", "(None, " + shape.map(String.init).joined(separator: ", ") + ")",
                         grouped(count)))
            guard let block = layer as? ResidualLayer else { return }
            for (inner, innerShape) in zip(block.body, block.bodyShapes) { add(inner, innerShape, indent: indent + "  ") }
            for (inner, innerShape) in zip(block.shortcut, block.shortcutShapes) { add(inner, innerShape, indent: indent + "  shortcut ") }
        }
        func addMembers(of ensemble: EnsembleLayer) {
            for (member, shapes) in zip(ensemble.members, ensemble.memberShapes) {
                for (inner, innerShape) in zip(member, shapes) { add(inner, innerShape, indent: "  ") }
            }
        }
        for (layer, shape) in zip(layers, outputShapes) {
            add(layer, shape, indent: "")
            if let ensemble = layer as? EnsembleLayer { addMembers(of: ensemble) }
        }
        let widths = (0..<3).map { column in rows.map { [$0.0, $0.1, $0.2][column].count }.max() ?? 0 }
        func line(_ row: (String, String, String)) -> String {
            row.0.padding(toLength: widths[0] + 2, withPad: " ", startingAt: 0)
                + row.1.padding(toLength: widths[1] + 2, withPad: " ", startingAt: 0)
                + String(repeating: " ", count: widths[2] - row.2.count) + row.2
        }
        let rule = String(repeating: "─", count: widths.reduce(4, +))
        var text = [rule, line(rows[0]), rule] + rows.dropFirst().map(line) + [rule]
        text.append("Total params: \(grouped(trainableCount + nonTrainableCount))")
        text.append("Trainable params: \(grouped(trainableCount))")
        text.append("Non-trainable params: \(grouped(nonTrainableCount))")
        return text.joined(separator: "\n")
    }
}

/// 2207893 → "2,207,893".
func grouped(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (i, ch) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(ch)
    }
    return (n < 0 ? "-" : "") + out
}
