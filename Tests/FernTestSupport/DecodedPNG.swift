import CCairo
import Foundation

/// One pixel of a decoded PNG, 0-255 per channel, not premultiplied.
public struct Pixel: Equatable, Hashable, Sendable, CustomStringConvertible {
    public let red: Int, green: Int, blue: Int, alpha: Int

    public init(red: Int, green: Int, blue: Int, alpha: Int = 255) {
        (self.red, self.green, self.blue, self.alpha) = (red, green, blue, alpha)
    }

    public static let white = Pixel(red: 255, green: 255, blue: 255)

    /// Whether every channel is within `tolerance` of `other`'s.
    public func isClose(to other: Pixel, tolerance: Int = 1) -> Bool {
        abs(red - other.red) <= tolerance && abs(green - other.green) <= tolerance
            && abs(blue - other.blue) <= tolerance && abs(alpha - other.alpha) <= tolerance
    }

    public var isDark: Bool { red + green + blue < 3 * 100 }
    public var isGray: Bool { red == green && green == blue }

    public var description: String { "rgba(\(red), \(green), \(blue), \(alpha))" }
}

/// A PNG read back with Cairo, to check what a figure drew where.
public struct DecodedPNG {
    public let width: Int
    public let height: Int
    private let pixels: [Pixel]

    public init(path: String) throws {
        guard let surface = cairo_image_surface_create_from_png(path),
              cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: path])
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

    public subscript(x: Int, y: Int) -> Pixel { pixels[y * width + x] }

    public var distinctColors: Int { Set(pixels).count }

    /// Fraction of the pixels that are not white.
    public var inkedFraction: Double { Double(pixels.filter { $0 != .white }.count) / Double(pixels.count) }

    /// The smallest box (x, y, width, height in pixels) holding every pixel close to `pixel`.
    public func boundingBox(of pixel: Pixel, tolerance: Int = 1, in region: (x: Range<Int>, y: Range<Int>)? = nil) -> (x: Range<Int>, y: Range<Int>)? {
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
    public func runs(alongX: Bool, where test: (Pixel) -> Bool) -> [Range<Int>] {
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

