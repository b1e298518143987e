import FernTensor
import Foundation
import Testing
@testable import FernPlot

/// Single images and overlays: gray levels, accepted shapes, blending, errors.
@Suite struct ImagePanelTests {
    let folder: TemporaryFolder

    init() throws {
        folder = try TemporaryFolder()
    }

    /// A [4, 64] image whose column i holds 4 * i.
    func gradient() throws -> Tensor {
        try Tensor(shape: [4, 64], scalars: (0..<4).flatMap { _ in (0..<64).map { Float(4 * $0) } })
    }

    /// Renders `panel` alone in a figure exactly three times the image's width
    /// (plus the panel margins), so each image pixel becomes 3x3 pixels.
    func renderAtTriple(_ panel: any Panel, name: String) throws -> DecodedPNG {
        try renderPNG(Figure(width: 64 * 3 + 16, height: 4 * 3 + 16, panels: [panel]), to: folder.path(name))
    }

    /// The colors of the image's 64 columns along its middle row.
    func columnColors(_ png: DecodedPNG) -> [Pixel] {
        (0..<64).map { png[8 + 3 * $0 + 1, 8 + 6] }
    }

    @Test func fixedRangeReproducesTheGrayLevels() throws {
        let png = try renderAtTriple(ImagePanel(gradient(), range: 0...255), name: "fixed.png")
        #expect(columnColors(png) == (0..<64).map { Pixel(red: 4 * $0, green: 4 * $0, blue: 4 * $0) })
    }

    @Test func automaticRangeStretchesMinimumToBlackAndMaximumToWhite() throws {
        let png = try renderAtTriple(ImagePanel(gradient()), name: "auto.png")
        let levels = columnColors(png)
        #expect(levels.first == Pixel(red: 0, green: 0, blue: 0))
        #expect(levels.last == .white)
        #expect(levels.allSatisfy { $0.isGray })
        #expect(zip(levels, levels.dropFirst()).allSatisfy { $0.red < $1.red })
    }

    @Test func everyGrayscaleImageShapeDrawsTheSame() throws {
        let face = cartoonFace(smile: 0.5)
        let reference = try Figure(panels: [ImagePanel(face.reshaped([48, 48]))]).pngData()
        for shape in [[48, 48, 1], [1, 48, 48, 1], [1, 48, 48]] {
            #expect(try Figure(panels: [ImagePanel(face.reshaped(shape))]).pngData() == reference)
        }
    }

    @Test func nonGrayscaleShapesAreErrors() throws {
        #expect(throws: PlotError("image: expected a grayscale image of shape [H, W], [H, W, 1] or [1, H, W, 1], got [2, 48, 48, 1]")) {
            try ImagePanel(Tensor(shape: [2, 48, 48, 1], scalars: [Float](repeating: 0, count: 2 * 48 * 48)))
        }
        #expect(throws: PlotError.self) { try ImagePanel(Tensor(shape: [48, 48, 3], scalars: [Float](repeating: 0, count: 48 * 48 * 3))) }
        #expect(throws: PlotError.self) { try ImagePanel(Tensor(7)) }
    }

    @Test func overlayBlendsTheColormapOverTheGrayImage() throws {
        let image = try Tensor(shape: [4, 64], scalars: [Float](repeating: 100, count: 256))
        let heat = try Tensor(shape: [4, 64], scalars: (0..<4).flatMap { _ in (0..<64).map { Float($0 < 32 ? 0 : 1) } })
        let overlay = try Overlay(image: image, heatmap: heat, alpha: 0.25)
        let png = try renderAtTriple(overlay, name: "overlay.png")
        // A constant image sits mid-gray (0.5); the heatmap's ends take the colormap's ends.
        func expected(_ heat: Double) -> Pixel {
            Pixel(Colormap.turbo.color(at: heat).blended(over: Color(red: 0.5, green: 0.5, blue: 0.5), amount: 0.25))
        }
        let colors = columnColors(png)
        #expect(colors[10].isClose(to: expected(0)))
        #expect(colors[50].isClose(to: expected(1)))
    }

    @Test func overlayOfDifferentSizesOrBadAlphaIsAnError() throws {
        let small = try Tensor(shape: [2, 2], scalars: [0, 1, 2, 3])
        let large = try Tensor(shape: [3, 3], scalars: [Float](repeating: 0, count: 9))
        #expect(throws: PlotError("overlay: the heatmap [3, 3] and the image [2, 2] differ in size")) {
            try Overlay(image: small, heatmap: large)
        }
        #expect(throws: PlotError("overlay: alpha 1.5 must be between 0 and 1")) { try Overlay(image: small, heatmap: small, alpha: 1.5) }
    }
}
