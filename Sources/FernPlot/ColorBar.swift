import Foundation

/// A vertical strip showing what the colors of a heatmap or image mean: the
/// colormap from the low end (bottom) to the high end (top), ticks on the right.
struct ColorBar {
    let colormap: Colormap
    let scale: ValueScale

    private static let gap = 12.0
    private static let barWidth = 14.0

    private func ticks(height: Double) -> [Double] {
        niceTicks(from: scale.lower, to: scale.upper, intervals: max(2, height / Theme.yTickSpacing))
    }

    /// Room the bar and its labels take right of a plot `height` units tall.
    func width(canvas: Canvas, height: Double) -> Double {
        let labels = tickLabels(for: ticks(height: height)).map { canvas.measure($0, size: Theme.tickSize).width }
        return ColorBar.gap + ColorBar.barWidth + Theme.tickLength + Theme.padding + (labels.max() ?? 0)
    }

    /// Draws the bar right of `plot`, as tall as it.
    func draw(on canvas: Canvas, beside plot: CGRect) {
        let bar = canvas.snap(CGRect(x: plot.maxX + ColorBar.gap, y: plot.minY, width: ColorBar.barWidth, height: plot.height))
        let steps = 256
        canvas.image(Raster(width: 1, height: steps) { colormap.color(at: 1 - (Double($0) + 0.5) / Double(steps)) }, in: bar)
        canvas.stroke(bar, color: Theme.spine, width: Theme.spineWidth)
        let ticks = ticks(height: plot.height)
        for (tick, label) in zip(ticks, tickLabels(for: ticks)) {
            let y = bar.maxY - scale.fraction(tick) * bar.height
            canvas.line(from: CGPoint(x: bar.maxX, y: y), to: CGPoint(x: bar.maxX + Theme.tickLength, y: y),
                        color: Theme.spine, width: Theme.spineWidth)
            canvas.text(label, at: CGPoint(x: bar.maxX + Theme.tickLength + Theme.padding, y: y), size: Theme.tickSize,
                        vertical: .middle)
        }
    }
}
