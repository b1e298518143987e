import Foundation

/// An opaque RGB image ready to draw: `width * height` pixels, row-major,
/// each `0x00RRGGBB` (Cairo's RGB24 layout).
struct Raster {
    let width: Int
    let height: Int
    let pixels: [UInt32]

    init(width: Int, height: Int, colors: (Int) -> Color) {
        self.width = width
        self.height = height
        pixels = (0..<(width * height)).map { Raster.pack(colors($0)) }
    }

    /// Values in 0...1 colored through `colormap`.
    init(width: Int, height: Int, fractions: [Double], colormap: Colormap) {
        self.init(width: width, height: height) { colormap.color(at: fractions[$0]) }
    }

    private static func pack(_ color: Color) -> UInt32 {
        func byte(_ component: Double) -> UInt32 { UInt32((min(max(component, 0), 1) * 255).rounded()) }
        return byte(color.red) << 16 | byte(color.green) << 8 | byte(color.blue)
    }
}

extension Raster {
    /// Where the raster goes inside `area`: as large as fits with its aspect
    /// kept, centred. From three device pixels per image pixel up, the size is
    /// a whole multiple of the image's, so every image pixel becomes the same
    /// square of device pixels (crisp 48x48 faces).
    func placement(in area: CGRect, deviceScale: Double) -> CGRect {
        var factor = min(area.width / Double(width), area.height / Double(height)) * deviceScale
        if factor >= 3 { factor.round(.down) }
        let size = CGSize(width: Double(width) * factor / deviceScale, height: Double(height) * factor / deviceScale)
        return CGRect(x: area.midX - size.width / 2, y: area.midY - size.height / 2, width: size.width, height: size.height)
    }
}
