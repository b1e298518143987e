import FernTensor
import Foundation

/// One grayscale image (a face, a saliency map, a feature map), shown with
/// its aspect kept and crisp pixels, optionally through a colormap with a color bar.
public struct ImagePanel: Panel {
    let image: GrayImage
    public var title: String?
    /// Values at black and white (the colormap's ends); nil: the image's own min and max.
    public var range: ClosedRange<Double>?
    public var colormap: Colormap
    public var showsColorBar = false

    /// Accepts [H, W], [H, W, 1], [1, H, W] or [1, H, W, 1]; throws for other shapes.
    public init(_ image: Tensor, title: String? = nil, range: ClosedRange<Double>? = nil, colormap: Colormap = .gray) throws {
        self.image = try GrayImage(image, kind: "image")
        self.title = title
        self.range = range
        self.colormap = colormap
    }

    public func draw(in canvas: Canvas, rect: CGRect) {
        let colorBar = showsColorBar ? ColorBar(colormap: colormap, scale: ValueScale(range, values: image.values)) : nil
        drawTitledImage(image.raster(range: range, colormap: colormap), title: title, colorBar: colorBar, in: rect, canvas: canvas)
    }
}

/// Draws an image as large as fits in `rect` below its title, with an
/// optional color bar at its right.
func drawTitledImage(_ raster: Raster, title: String?, colorBar: ColorBar?, in rect: CGRect, canvas: Canvas) {
    let area = rect.insetBy(dx: Theme.panelMargin, dy: Theme.panelMargin)
    let heading = PanelTitle(title, width: area.width, canvas: canvas)
    let barWidth = colorBar?.width(canvas: canvas, height: area.height - heading.height) ?? 0
    let imageArea = CGRect(x: area.minX, y: area.minY + heading.height,
                           width: max(1, area.width - barWidth), height: max(1, area.height - heading.height))
    var placed = raster.placement(in: imageArea, deviceScale: canvas.scale)
    placed.origin.x += barWidth / 2
    canvas.image(raster, in: placed)
    colorBar?.draw(on: canvas, beside: placed)
    heading.draw(on: canvas, above: placed, within: area)
}
