import FernTensor
import Foundation

/// A heatmap (a saliency map) laid over a grayscale image: each pixel is
/// `(1 - alpha) * gray + alpha * colormap(heat)`.
public struct Overlay: Panel {
    let image: GrayImage
    let heatmap: GrayImage
    /// Weight of the heatmap's color, 0...1.
    public let alpha: Double
    public var title: String?
    public var colormap: Colormap
    /// Values at black and white of the image; nil: its own min and max.
    public var imageRange: ClosedRange<Double>?
    /// Values at the ends of the colormap; nil: the heatmap's own min and max.
    public var heatmapRange: ClosedRange<Double>?
    public var showsColorBar = false

    /// Both tensors are grayscale images ([H, W], [H, W, 1], [1, H, W, 1])
    /// of the same size. Throws for other shapes, different sizes or an
    /// alpha outside 0...1.
    public init(image: Tensor, heatmap: Tensor, alpha: Double = 0.5, colormap: Colormap = .turbo, title: String? = nil) throws {
        let base = try GrayImage(image, kind: "overlay image")
        let heat = try GrayImage(heatmap, kind: "overlay heatmap")
        guard base.width == heat.width, base.height == heat.height else {
            throw PlotError("overlay: the heatmap \(describeShape(heatmap.shape)) and the image \(describeShape(image.shape)) differ in size")
        }
        guard (0...1).contains(alpha) else { throw PlotError("overlay: alpha \(alpha) must be between 0 and 1") }
        (self.image, self.heatmap, self.alpha, self.colormap, self.title) = (base, heat, alpha, colormap, title)
    }

    /// The blended pixels.
    var raster: Raster {
        let gray = ValueScale(imageRange, values: image.values), heat = ValueScale(heatmapRange, values: heatmap.values)
        return Raster(width: image.width, height: image.height) { index in
            let level = gray.fraction(Double(image.values[index]))
            return colormap.color(at: heat.fraction(Double(heatmap.values[index])))
                .blended(over: Color(red: level, green: level, blue: level), amount: alpha)
        }
    }

    public func draw(in canvas: Canvas, rect: CGRect) {
        let colorBar = showsColorBar ? ColorBar(colormap: colormap, scale: ValueScale(heatmapRange, values: heatmap.values)) : nil
        drawTitledImage(raster, title: title, colorBar: colorBar, in: rect, canvas: canvas)
    }
}
