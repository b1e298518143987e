import Foundation

/// One plot in a figure's grid: a chart, an image or a grid of images.
/// Panels are values checked when they are made (a bad shape or an empty
/// series throws `PlotError` then), so drawing cannot fail.
public protocol Panel: Sendable {
    /// Draws the panel inside `rect` (figure units, origin at the top left).
    func draw(in canvas: Canvas, rect: CGRect)
}

/// A panel's title, shrunk to fit the panel's width.
struct PanelTitle {
    let text: String?
    let size: Double
    /// Space the title takes above what it names, padding included (0 without a title).
    let height: Double

    init(_ text: String?, width: Double, canvas: Canvas) {
        let text = text?.isEmpty == false ? text : nil
        self.text = text
        let size = text.map { canvas.fittingSize($0, size: Theme.titleSize, width: width) } ?? Theme.titleSize
        self.size = size
        height = text.map { canvas.measure($0, size: size).height + Theme.padding } ?? 0
    }

    /// Draws the title centred above `target`, moved sideways as needed to stay inside `bounds`.
    func draw(on canvas: Canvas, above target: CGRect, within bounds: CGRect) {
        guard let text else { return }
        let width = canvas.measure(text, size: size).width
        let center = min(max(target.midX, bounds.minX + width / 2), bounds.maxX - width / 2)
        canvas.text(text, at: CGPoint(x: center, y: target.minY - Theme.padding), size: size,
                    horizontal: .center, vertical: .bottom)
    }
}
