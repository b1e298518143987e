import FernPlot
import FernTestSupport
import Foundation
import Testing
@testable import FernREPL

/// The bytes Fern writes for each picture protocol, decoded back by an independent reader,
/// against the figure's own PNG.
@Suite struct TerminalPictureTests {
    /// A confusion-matrix-like heat map with text and a colour bar: flat colours, gradients and
    /// anti-aliased edges. 320x240 pixels fill 32x12 cells of 10x20 exactly, so no protocol scales it.
    static func figurePNG(in folder: TemporaryFolder) throws -> (path: String, image: RGBAImage) {
        let values = (0..<4).map { row in (0..<4).map { Double((row * 4 + $0) * 7 % 16) } }
        let figure = try Figure(width: 320, height: 240, title: "confusion",
                                panels: [try Heatmap(values: values, rowLabels: ["a", "b", "c", "d"], columnLabels: ["a", "b", "c", "d"])])
        let path = folder.path("figure.png")
        try figure.save(to: path)
        return (path, try RGBAImage(pngAt: path))
    }

    static let cell = CellSize(width: 10, height: 20)

    /// Largest difference of any channel between two same-sized pictures, and the mean one.
    static func difference(_ decoded: DecodedPicture, _ image: RGBAImage) -> (max: Int, mean: Double) {
        #expect(decoded.width == image.width && decoded.height == image.height)
        var (largest, total) = (0, 0)
        for index in image.bytes.indices {
            let gap = abs(Int(decoded.bytes[index]) - Int(image.bytes[index]))
            (largest, total) = (max(largest, gap), total + gap)
        }
        return (largest, Double(total) / Double(image.bytes.count))
    }

    @Test func kittyBytesDecodeToTheFiguresPixels() throws {
        let folder = try TemporaryFolder()
        let (path, image) = try Self.figurePNG(in: folder)
        let bytes = TerminalPicture.kitty(png: try Data(contentsOf: URL(fileURLWithPath: path)), columns: 32, rows: 12)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix("\u{1B}_Ga=T,f=100,q=2,c=32,r=12,m=1;"))
        #expect(text.components(separatedBy: "\u{1B}_G").count > 3, "a 320x240 figure takes several 4096-byte chunks")
        let decoded = try PictureDecoder.kitty(bytes) { png in
            let file = folder.path("decoded.png")
            try png.write(to: URL(fileURLWithPath: file))
            let read = try RGBAImage(pngAt: file)
            return DecodedPicture(width: read.width, height: read.height, bytes: read.bytes)
        }
        // Lossless: the figure's own pixels.
        #expect(Self.difference(decoded, image).max == 0)
        #expect(bytes.last == UInt8(ascii: "\n"))
    }

    @Test func iterm2BytesDecodeToTheFiguresPixels() throws {
        let folder = try TemporaryFolder()
        let (_, image) = try Self.figurePNG(in: folder)
        let bytes = TerminalPicture.encode(image, as: .iterm2, columns: 32, rows: 12, cell: Self.cell)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("width=32;height=12"))
        let decoded = try PictureDecoder.iterm2(bytes)
        #expect(Self.difference(decoded, image).max <= 1)
    }

    @Test func sixelBytesDecodeToTheFiguresPixelsWithinThePalette() throws {
        let folder = try TemporaryFolder()
        let (_, image) = try Self.figurePNG(in: folder)
        let bytes = TerminalPicture.encode(image, as: .sixel, columns: 32, rows: 12, cell: Self.cell)
        let decoded = try PictureDecoder.sixel(bytes)
        // Every pixel painted (sixel bands of 6 rows divide 240 exactly).
        #expect(stride(from: 3, to: decoded.bytes.count, by: 4).allSatisfy { decoded.bytes[$0] == 255 })
        // Sixel colours are percentages (steps of 2.55) from a palette of at most 256 entries. The
        // figure's flat areas keep their colour to within a step; only anti-aliased text and edge
        // pixels, beyond the palette's 256, share a nearby entry.
        let (_, mean) = Self.difference(decoded, image)
        #expect(mean <= 2, "mean channel error \(mean)")
        let pixels = image.width * image.height
        let far = (0..<pixels).filter { pixel in (0..<3).contains { abs(Int(decoded.bytes[4 * pixel + $0]) - Int(image.bytes[4 * pixel + $0])) > 6 } }
        #expect(Double(far.count) <= 0.02 * Double(pixels), "\(far.count) of \(pixels) pixels more than 6 levels off")
    }

    /// A picture of fewer colours than the palette holds comes back to within the percent rounding.
    @Test func sixelKeepsEveryColourOfAFewColourPicture() throws {
        let colours: [[UInt8]] = [[255, 255, 255], [31, 119, 180], [255, 127, 14], [44, 160, 44], [0, 0, 0], [214, 39, 40]]
        let (width, height) = (60, 36)
        var bytes = [UInt8]()
        for y in 0..<height { for x in 0..<width { bytes += colours[(x / 10 + y / 12) % colours.count] + [255] } }
        let image = RGBAImage(width: width, height: height, bytes: bytes)
        let decoded = try PictureDecoder.sixel(TerminalPicture.encode(image, as: .sixel, columns: 6, rows: 3,
                                                                      cell: CellSize(width: 10, height: 12)))
        // A percentage holds a byte to within half of 2.55.
        #expect(Self.difference(decoded, image).max <= 2)
    }

    @Test func symbolsAreColouredCellsOnly() throws {
        let folder = try TemporaryFolder()
        let (_, image) = try Self.figurePNG(in: folder)
        let text = String(decoding: TerminalPicture.encode(image, as: .symbols, columns: 32, rows: 12, cell: Self.cell), as: UTF8.self)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 12)
        #expect(text.contains("\u{1B}[38;2;"), "24-bit foreground colours")
        #expect(!text.contains("\u{1B}P") && !text.contains("\u{1B}_G") && !text.contains("\u{1B}]1337"))
    }

    @Test func aLargeFigureIsScaledToTheTerminalWithItsAspect() throws {
        let image = RGBAImage(width: 1600, height: 800, bytes: [UInt8](repeating: 200, count: 1600 * 800 * 4))
        let cells = TerminalPicture.cells(for: image, cell: Self.cell, maxColumns: 79, maxRows: 40)
        #expect(cells.columns == 79)
        #expect(cells.rows == 20)  // 79 x 10 px wide keeps 2:1 at 20 px a row
        let small = TerminalPicture.cells(for: RGBAImage(width: 100, height: 40, bytes: [UInt8](repeating: 0, count: 100 * 40 * 4)),
                                          cell: Self.cell, maxColumns: 79, maxRows: 40)
        #expect(small.columns == 10 && small.rows == 2)
    }
}
