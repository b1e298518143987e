import CCairo
import FernTensor
import Foundation
@_exported import FernTestSupport
@testable import FernPlot

/// One pixel of a decoded PNG, 0-255 per channel, not premultiplied.
struct Pixel: Equatable, Hashable, CustomStringConvertible {
    let red: Int, green: Int, blue: Int, alpha: Int

    init(red: Int, green: Int, blue: Int, alpha: Int = 255) {
        (self.red, self.green, self.blue, self.alpha) = (red, green, blue, alpha)
    }

    /// The opaque pixel a color is written as.
    init(_ color: Color) {
        func byte(_ value: Double) -> Int { Int((value * 255).rounded()) }
        self.init(red: byte(color.red), green: byte(color.green), blue: byte(color.blue))
    }

    static let white = Pixel(red: 255, green: 255, blue: 255)

    /// Whether every channel is within `tolerance` of `other`'s.
    func isClose(to other: Pixel, tolerance: Int = 1) -> Bool {
        abs(red - other.red) <= tolerance && abs(green - other.green) <= tolerance
            && abs(blue - other.blue) <= tolerance && abs(alpha - other.alpha) <= tolerance
    }

    var isDark: Bool { red + green + blue < 3 * 100 }
    var isGray: Bool { red == green && green == blue }

    var description: String { "rgba(\(red), \(green), \(blue), \(alpha))" }
}

/// A PNG read back with Cairo, to check what a figure drew where.
struct DecodedPNG {
    let width: Int
    let height: Int
    private let pixels: [Pixel]

    init(path: String) throws {
        guard let surface = cairo_image_surface_create_from_png(path),
              cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
            throw PlotError("cannot decode \(path)")
        }
        defer { cairo_surface_destroy(surface) }
        width = Int(cairo_image_surface_get_width(surface))
        height = Int(cairo_image_surface_get_height(surface))
        let stride = Int(cairo_image_surface_get_stride(surface))
        let data = cairo_image_surface_get_data(surface)!
        var pixels: [Pixel] = []
        pixels.reserveCapacity(width * height)
        for y in 0..<height {
            let row = UnsafeRawPointer(data + y * stride).assumingMemoryBound(to: UInt32.self)
            for x in 0..<width {
                // ARGB32 is premultiplied; undo it for partly transparent pixels.
                let value = row[x]
                let alpha = Int(value >> 24)
                func channel(_ shift: UInt32) -> Int {
                    let premultiplied = Int(value >> shift & 0xFF)
                    return alpha == 0 ? 0 : (premultiplied * 255 + alpha / 2) / alpha
                }
                pixels.append(Pixel(red: channel(16), green: channel(8), blue: channel(0), alpha: alpha))
            }
        }
        self.pixels = pixels
    }

    subscript(x: Int, y: Int) -> Pixel { pixels[y * width + x] }

    var distinctColors: Int { Set(pixels).count }

    /// Fraction of the pixels that are not white.
    var inkedFraction: Double { Double(pixels.filter { $0 != .white }.count) / Double(pixels.count) }

    /// The smallest box (x, y, width, height in pixels) holding every pixel close to `pixel`.
    func boundingBox(of pixel: Pixel, tolerance: Int = 1, in region: (x: Range<Int>, y: Range<Int>)? = nil) -> (x: Range<Int>, y: Range<Int>)? {
        let xs = region?.x ?? 0..<width, ys = region?.y ?? 0..<height
        var (minX, minY, maxX, maxY) = (Int.max, Int.max, -1, -1)
        for y in ys {
            for x in xs where self[x, y].isClose(to: pixel, tolerance: tolerance) {
                (minX, minY, maxX, maxY) = (min(minX, x), min(minY, y), max(maxX, x), max(maxY, y))
            }
        }
        return maxX < 0 ? nil : (minX..<(maxX + 1), minY..<(maxY + 1))
    }

    /// Maximal runs of consecutive columns (or rows) in which `test` holds for some pixel.
    func runs(alongX: Bool, where test: (Pixel) -> Bool) -> [Range<Int>] {
        let (length, across) = alongX ? (width, height) : (height, width)
        var runs: [Range<Int>] = []
        var start: Int?
        for i in 0...length {
            let hit = i < length && (0..<across).contains { j in test(alongX ? self[i, j] : self[j, i]) }
            if hit, start == nil { start = i }
            if !hit, let first = start {
                runs.append(first..<i)
                start = nil
            }
        }
        return runs
    }
}

/// Renders `figure` to `path` and decodes it.
func renderPNG(_ figure: Figure, to path: String) throws -> DecodedPNG {
    try figure.save(to: path)
    return try DecodedPNG(path: path)
}

/// A 48x48 cartoon face in 0...255 (an oval, two eyes, a mouth curved by
/// `smile` from -1 to 1), standing in for a FER2013 image.
func cartoonFace(smile: Double, shift: Double = 0) -> Tensor {
    var pixels = [Float](repeating: 40, count: 48 * 48)
    for y in 0..<48 {
        for x in 0..<48 {
            let (dx, dy) = ((Double(x) - 24 - shift) / 17, (Double(y) - 25) / 21)
            var value = dx * dx + dy * dy < 1 ? 190 - 40 * dy : 40
            for eye in [-7.0, 7.0] where pow(Double(x) - 24 - shift - eye, 2) + pow(Double(y) - 19, 2) < 7 { value = 30 }
            let mouthX = (Double(x) - 24 - shift) / 9
            if abs(mouthX) < 1, abs(Double(y) - (34 + smile * 3 * (1 - 2 * mouthX * mouthX))) < 1.5 { value = 60 }
            pixels[y * 48 + x] = Float(value)
        }
    }
    return try! Tensor(shape: [48, 48, 1], scalars: pixels)
}
