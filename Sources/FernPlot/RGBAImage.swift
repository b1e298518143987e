import CCairo
import Foundation

/// Pixels ready for another program: `width * height` pixels, row-major, four bytes each
/// (red, green, blue, alpha; not premultiplied). What a terminal draws a saved figure from.
public struct RGBAImage: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public let bytes: [UInt8]

    public init(width: Int, height: Int, bytes: [UInt8]) {
        precondition(width > 0 && height > 0 && bytes.count == width * height * 4, "RGBAImage: \(bytes.count) bytes for \(width)x\(height)")
        (self.width, self.height, self.bytes) = (width, height, bytes)
    }

    /// Reads the PNG file at `path` (a saved figure); throws a PlotError naming the file.
    public init(pngAt path: String) throws {
        guard let surface = cairo_image_surface_create_from_png(path) else {
            throw PlotError("cannot read \(path) as a PNG")
        }
        defer { cairo_surface_destroy(surface) }
        let status = cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw PlotError("cannot read \(path) as a PNG: \(String(cString: cairo_status_to_string(status)))")
        }
        cairo_surface_flush(surface)
        let width = Int(cairo_image_surface_get_width(surface)), height = Int(cairo_image_surface_get_height(surface))
        let stride = Int(cairo_image_surface_get_stride(surface))
        let opaque = cairo_image_surface_get_format(surface) == CAIRO_FORMAT_RGB24
        let data = UnsafeRawPointer(cairo_image_surface_get_data(surface)!)
        var bytes = [UInt8](repeating: 0, count: width * height * 4)
        for y in 0..<height {
            let row = (data + y * stride).assumingMemoryBound(to: UInt32.self)
            for x in 0..<width {
                // Cairo keeps native-endian 0xAARRGGBB, premultiplied by alpha.
                let value = row[x]
                let alpha = opaque ? 255 : Int(value >> 24)
                let out = 4 * (y * width + x)
                for (channel, shift) in [(0, 16), (1, 8), (2, 0)] as [(Int, UInt32)] {
                    let stored = Int(value >> shift & 0xFF)
                    bytes[out + channel] = UInt8(alpha == 255 ? stored : alpha == 0 ? 0 : min(255, (stored * 255 + alpha / 2) / alpha))
                }
                bytes[out + 3] = UInt8(alpha)
            }
        }
        self.init(width: width, height: height, bytes: bytes)
    }

    /// The pixel at (x, y) as (red, green, blue, alpha).
    public subscript(x: Int, y: Int) -> (red: UInt8, green: UInt8, blue: UInt8, alpha: UInt8) {
        let index = 4 * (y * width + x)
        return (bytes[index], bytes[index + 1], bytes[index + 2], bytes[index + 3])
    }
}
