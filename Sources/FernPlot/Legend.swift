import Foundation

/// A boxed key of series names and their line styles, put in whichever
/// corner of the plot area covers the least of the data (matplotlib's "best").
struct Legend {
    struct Entry {
        let name: String
        let color: Color
        let showsMarker: Bool
    }

    let entries: [Entry]

    private static let swatchLength = 22.0
    private static let inset = 6.0

    /// Draws the legend inside `plot`, avoiding the lines through `paths` where it can.
    func draw(on canvas: Canvas, in plot: CGRect, avoiding paths: [[CGPoint]]) {
        let lineHeight = canvas.lineHeight(size: Theme.legendSize)
        let textWidth = entries.map { canvas.measure($0.name, size: Theme.legendSize).width }.max() ?? 0
        let size = CGSize(width: 2 * Legend.inset + Legend.swatchLength + Theme.padding * 1.5 + textWidth,
                          height: 2 * Legend.inset + Double(entries.count) * lineHeight)
        let box = Legend.bestCorner(for: size, in: plot.insetBy(dx: Legend.inset, dy: Legend.inset), avoiding: paths)
        canvas.fill(box, color: Color.white.withAlpha(0.85))
        canvas.stroke(box, color: Theme.legendBorder, width: Theme.spineWidth)
        for (row, entry) in entries.enumerated() {
            let middle = box.minY + Legend.inset + (Double(row) + 0.5) * lineHeight
            let start = box.minX + Legend.inset
            canvas.line(from: CGPoint(x: start, y: middle), to: CGPoint(x: start + Legend.swatchLength, y: middle),
                        color: entry.color, width: Theme.lineWidth)
            if entry.showsMarker {
                canvas.fillCircle(center: CGPoint(x: start + Legend.swatchLength / 2, y: middle), radius: Theme.markerRadius, color: entry.color)
            }
            canvas.text(entry.name, at: CGPoint(x: start + Legend.swatchLength + Theme.padding * 1.5, y: middle),
                        size: Theme.legendSize, vertical: .middle)
        }
    }

    /// The corner box (upper right, upper left, lower left, lower right, in
    /// that order of preference) that the fewest sampled path points fall in.
    static func bestCorner(for size: CGSize, in area: CGRect, avoiding paths: [[CGPoint]]) -> CGRect {
        let samples = paths.flatMap { path in
            zip(path, path.dropFirst()).flatMap { a, b in
                (0..<8).map { step in
                    let t = Double(step) / 8
                    return CGPoint(x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t)
                }
            } + path.suffix(1)
        }
        let corners = [CGPoint(x: area.maxX - size.width, y: area.minY), CGPoint(x: area.minX, y: area.minY),
                       CGPoint(x: area.minX, y: area.maxY - size.height), CGPoint(x: area.maxX - size.width, y: area.maxY - size.height)]
        let boxes = corners.map { CGRect(origin: $0, size: size) }
        let covered = boxes.map { box in samples.filter { box.contains($0) }.count }
        return boxes[covered.indices.min { covered[$0] < covered[$1] }!]
    }
}
