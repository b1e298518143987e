import Foundation

/// The frame of a chart: a plot area with spines, ticks, tick labels, grid
/// lines, axis labels and a title, laid out inside a panel so that no label
/// is clipped. Category labels too wide for their slots are turned 45°.
struct Axes {
    var title: String?
    var x: Axis
    var y: Axis
    /// Width kept free right of the plot area (for a color bar).
    var reservedRight = 0.0
    /// One x unit as long as one y unit (square heatmap cells).
    var equalAspect = false

    func layout(in rect: CGRect, canvas: Canvas) -> AxesLayout {
        let area = rect.insetBy(dx: Theme.panelMargin, dy: Theme.panelMargin)
        // Margins depend on tick labels, which depend on the plot size: a
        // second pass starting from the first one's plot area settles it.
        let guess = CGRect(x: area.minX + 40, y: area.minY + 20,
                           width: area.width - 50 - reservedRight, height: area.height - 50)
        return fit(in: area, around: fit(in: area, around: guess, canvas: canvas).plot, canvas: canvas)
    }

    private func fit(in area: CGRect, around guess: CGRect, canvas: Canvas) -> AxesLayout {
        let xAxis = x.resolved(length: guess.width, spacing: Theme.xTickSpacing)
        let yAxis = y.resolved(length: guess.height, spacing: Theme.yTickSpacing)
        let lineHeight = canvas.lineHeight(size: Theme.tickSize)
        let xWidths = xAxis.labels.map { canvas.measure($0, size: Theme.tickSize).width }
        let widest = xWidths.max() ?? 0
        var rotates = false
        if case .categorical = x.scale, !xWidths.isEmpty {
            rotates = widest + Theme.padding > guess.width / Double(xWidths.count)
        }
        let diagonal = sin(Double.pi / 4)
        let xTickLabelHeight = rotates ? (widest + lineHeight) * diagonal
            : xAxis.labels.map { canvas.measure($0, size: Theme.tickSize).height }.max() ?? lineHeight
        let yTickLabelWidth = yAxis.labels.map { canvas.measure($0, size: Theme.tickSize).width }.max() ?? 0

        let xLabelHeight = x.label.map { Theme.padding + canvas.measure($0, size: Theme.labelSize).height } ?? 0
        let yLabelWidth = y.label.map { canvas.measure($0, size: Theme.labelSize).height + Theme.padding } ?? 0
        let titleHeight = PanelTitle(title, width: area.width, canvas: canvas).height
        var left = yLabelWidth + yTickLabelWidth + Theme.padding + Theme.tickLength
        var right = reservedRight
        let top = max(titleHeight, lineHeight / 2)
        let bottom = Theme.tickLength + Theme.padding + xTickLabelHeight + xLabelHeight

        // The outermost x tick labels may stick out past the plot's sides.
        if let first = xAxis.ticks.first, let firstWidth = xWidths.first {
            let inset = xAxis.position(first, from: guess.minX, to: guess.maxX) - guess.minX
            left = max(left, (rotates ? firstWidth * diagonal : firstWidth / 2) - inset)
        }
        if let last = xAxis.ticks.last, let lastWidth = xWidths.last {
            let inset = guess.maxX - xAxis.position(last, from: guess.minX, to: guess.maxX)
            right += max(0, (rotates ? lineHeight * diagonal : lastWidth / 2) - inset)
        }
        var plot = CGRect(x: area.minX + left, y: area.minY + top,
                          width: max(1, area.width - left - right), height: max(1, area.height - top - bottom))
        if equalAspect {
            let xSpan = xAxis.upper - xAxis.lower, ySpan = yAxis.upper - yAxis.lower
            let unit = min(plot.width / xSpan, plot.height / ySpan)
            plot = CGRect(x: plot.midX - unit * xSpan / 2, y: plot.midY - unit * ySpan / 2, width: unit * xSpan, height: unit * ySpan)
        }
        return AxesLayout(axes: self, panel: area, plot: plot,
                          x: x.resolved(length: plot.width, spacing: Theme.xTickSpacing),
                          y: y.resolved(length: plot.height, spacing: Theme.yTickSpacing),
                          rotatesXLabels: rotates, xTickLabelHeight: xTickLabelHeight, yTickLabelWidth: yTickLabelWidth)
    }
}

/// Axes placed in a panel: maps data to figure positions and draws the frame.
struct AxesLayout {
    let axes: Axes
    let panel: CGRect
    let plot: CGRect
    let x: ResolvedAxis
    let y: ResolvedAxis
    let rotatesXLabels: Bool
    let xTickLabelHeight: Double
    let yTickLabelWidth: Double

    func xPosition(_ value: Double) -> Double { x.position(value, from: plot.minX, to: plot.maxX) }
    func yPosition(_ value: Double) -> Double { y.position(value, from: plot.maxY, to: plot.minY) }
    func point(_ xValue: Double, _ yValue: Double) -> CGPoint { CGPoint(x: xPosition(xValue), y: yPosition(yValue)) }

    /// Grid lines at the ticks of axes that show a grid; drawn under the data.
    func drawGrid(on canvas: Canvas) {
        if axes.x.showsGrid {
            for tick in x.ticks {
                canvas.line(from: CGPoint(x: xPosition(tick), y: plot.minY), to: CGPoint(x: xPosition(tick), y: plot.maxY),
                            color: Theme.grid, width: Theme.gridWidth)
            }
        }
        if axes.y.showsGrid {
            for tick in y.ticks {
                canvas.line(from: CGPoint(x: plot.minX, y: yPosition(tick)), to: CGPoint(x: plot.maxX, y: yPosition(tick)),
                            color: Theme.grid, width: Theme.gridWidth)
            }
        }
    }

    /// Spines, ticks, tick labels, axis labels and title; drawn over the data.
    func drawFrame(on canvas: Canvas) {
        canvas.stroke(plot, color: Theme.spine, width: Theme.spineWidth)
        let labelTop = plot.maxY + Theme.tickLength + Theme.padding
        for (tick, label) in zip(x.ticks, x.labels) {
            let position = xPosition(tick)
            canvas.line(from: CGPoint(x: position, y: plot.maxY), to: CGPoint(x: position, y: plot.maxY + Theme.tickLength),
                        color: Theme.spine, width: Theme.spineWidth)
            canvas.text(label, at: CGPoint(x: position, y: labelTop), size: Theme.tickSize,
                        horizontal: rotatesXLabels ? .right : .center, angle: rotatesXLabels ? -Double.pi / 4 : 0)
        }
        let labelRight = plot.minX - Theme.tickLength - Theme.padding
        for (tick, label) in zip(y.ticks, y.labels) {
            let position = yPosition(tick)
            canvas.line(from: CGPoint(x: plot.minX - Theme.tickLength, y: position), to: CGPoint(x: plot.minX, y: position),
                        color: Theme.spine, width: Theme.spineWidth)
            canvas.text(label, at: CGPoint(x: labelRight, y: position), size: Theme.tickSize,
                        horizontal: .right, vertical: .middle)
        }
        if let label = axes.x.label {
            canvas.text(label, at: CGPoint(x: plot.midX, y: labelTop + xTickLabelHeight + Theme.padding),
                        size: Theme.labelSize, horizontal: .center)
        }
        if let label = axes.y.label {
            let right = labelRight - yTickLabelWidth - Theme.padding
            canvas.text(label, at: CGPoint(x: right, y: plot.midY), size: Theme.labelSize,
                        horizontal: .center, vertical: .bottom, angle: -Double.pi / 2)
        }
        PanelTitle(axes.title, width: panel.width, canvas: canvas).draw(on: canvas, above: plot, within: panel)
    }
}
