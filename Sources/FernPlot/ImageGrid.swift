import FernTensor
import Foundation

/// Several grayscale images in rows and columns, each with an optional
/// caption below it, e.g. example faces per class or misclassified faces
/// captioned "true: sad\npred: neutral".
public struct ImageGrid: Panel {
    let images: [GrayImage]
    /// One caption per image (lines separated by "\n"), or none at all.
    public let captions: [String]
    public var title: String?
    /// Images per row; nil chooses the count that shows the images largest.
    public var columns: Int?
    /// Values at black and white for every image; nil: each image its own min and max.
    public var range: ClosedRange<Double>?
    public var colormap: Colormap
    /// Space between cells, in figure units.
    var spacing = 8.0
    /// Draws an image whose pixels are all equal as a pale cell crossed out instead of a flat
    /// square of one colour: a feature map channel that is dead for this input.
    var crossesOutConstantImages = false

    /// Each image is [H, W], [H, W, 1], [1, H, W] or [1, H, W, 1]. Throws for
    /// other shapes, no images, or a caption count that is neither 0 nor the image count.
    public init(images: [Tensor], captions: [String] = [], title: String? = nil, columns: Int? = nil,
                range: ClosedRange<Double>? = nil, colormap: Colormap = .gray) throws {
        let images = try images.enumerated().map { index, image in try GrayImage(image, kind: "image grid, image \(index)") }
        try self.init(images, captions: captions, title: title, columns: columns, range: range, colormap: colormap)
    }

    /// The images of a batch [N, H, W] or [N, H, W, 1].
    public init(stack: Tensor, captions: [String] = [], title: String? = nil, columns: Int? = nil,
                range: ClosedRange<Double>? = nil, colormap: Colormap = .gray) throws {
        try self.init(GrayImage.stack(stack, kind: "image grid"), captions: captions, title: title, columns: columns,
                      range: range, colormap: colormap)
    }

    init(_ images: [GrayImage], captions: [String] = [], title: String?, columns: Int? = nil,
         range: ClosedRange<Double>?, colormap: Colormap) throws {
        guard !images.isEmpty else { throw PlotError("image grid: no images to show") }
        guard captions.isEmpty || captions.count == images.count else {
            throw PlotError("image grid: \(captions.count) captions for \(images.count) images")
        }
        if let columns, columns < 1 { throw PlotError("image grid: columns must be at least 1 (got \(columns))") }
        (self.images, self.captions, self.title, self.columns, self.range, self.colormap) =
            (images, captions, title, columns, range, colormap)
    }

    /// Cell layout for a column count: cell width and image scale (figure units per image pixel).
    private struct Arrangement {
        let columns: Int
        let rows: Int
        let cellWidth: Double
        let unit: Double
    }

    private func arrangement(columns: Int, in area: CGRect, captionHeight: Double) -> Arrangement {
        let rows = (images.count + columns - 1) / columns
        let width = (area.width - spacing * Double(columns - 1)) / Double(columns)
        let height = (area.height - spacing * Double(rows - 1)) / Double(rows) - captionHeight
        let unit = max(0, min(width / Double(images.map(\.width).max()!), height / Double(images.map(\.height).max()!)))
        return Arrangement(columns: columns, rows: rows, cellWidth: width, unit: unit)
    }

    public func draw(in canvas: Canvas, rect: CGRect) {
        let area = rect.insetBy(dx: Theme.panelMargin, dy: Theme.panelMargin)
        let heading = PanelTitle(title, width: area.width, canvas: canvas)
        let gridArea = CGRect(x: area.minX, y: area.minY + heading.height, width: area.width, height: area.height - heading.height)
        let captionLines = captions.map { $0.split(separator: "\n", omittingEmptySubsequences: false).count }.max() ?? 0
        let captionHeight = captionLines == 0 ? 0 : Double(captionLines) * canvas.lineHeight(size: Theme.captionSize) + Theme.padding
        let choices = columns.map { [min($0, images.count)] } ?? Array(1...images.count)
        // The first (fewest columns) of the arrangements showing the images largest.
        let layout = choices.map { arrangement(columns: $0, in: gridArea, captionHeight: captionHeight) }.max { $0.unit < $1.unit }!
        let captionSize = captions.map { canvas.fittingSize($0, size: Theme.captionSize, width: layout.cellWidth) }.min() ?? Theme.captionSize

        // The block of cells sits right under the title, centred vertically.
        let imageHeight = layout.unit * Double(images.map(\.height).max()!)
        let blockHeight = Double(layout.rows) * (imageHeight + captionHeight) + Double(layout.rows - 1) * spacing
        let top = gridArea.minY + max(0, (gridArea.height - blockHeight) / 2)
        for (index, image) in images.enumerated() {
            let (row, column) = (index / layout.columns, index % layout.columns)
            let cell = CGRect(x: gridArea.minX + Double(column) * (layout.cellWidth + spacing),
                              y: top + Double(row) * (imageHeight + captionHeight + spacing),
                              width: layout.cellWidth, height: imageHeight)
            let raster = image.raster(range: range, colormap: colormap)
            let placed = raster.placement(in: cell, deviceScale: canvas.scale)
            if crossesOutConstantImages && image.isConstant {
                canvas.fill(placed, color: ImageGrid.deadFill)
                canvas.line(from: CGPoint(x: placed.minX, y: placed.minY), to: CGPoint(x: placed.maxX, y: placed.maxY), color: ImageGrid.deadCross, width: 1)
                canvas.line(from: CGPoint(x: placed.minX, y: placed.maxY), to: CGPoint(x: placed.maxX, y: placed.minY), color: ImageGrid.deadCross, width: 1)
            } else {
                canvas.image(raster, in: placed)
            }
            if !captions.isEmpty {
                canvas.text(captions[index], at: CGPoint(x: cell.midX, y: cell.maxY + Theme.padding / 2),
                            size: captionSize, horizontal: .center)
            }
        }
        heading.draw(on: canvas, above: CGRect(x: area.minX, y: top, width: area.width, height: 0), within: area)
    }

    static let deadFill = Color(rgb: 0xEEEEEE)
    static let deadCross = Color(rgb: 0x999999)
}
