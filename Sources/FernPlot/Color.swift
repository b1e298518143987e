import Foundation

/// An RGBA color with components in 0...1.
public struct Color: Equatable, Sendable {
    public var red: Double, green: Double, blue: Double
    /// Opacity: 0 transparent, 1 opaque.
    public var alpha: Double

    /// Components outside 0...1 are clamped when drawn.
    public init(red: Double, green: Double, blue: Double, alpha: Double = 1) {
        (self.red, self.green, self.blue, self.alpha) = (red, green, blue, alpha)
    }

    /// From a hex string like "#1f77b4".
    public init?(hex: String) {
        let digits = hex.hasPrefix("#") ? String(hex.dropFirst()) : hex
        guard digits.count == 6, let value = UInt32(digits, radix: 16) else { return nil }
        self.init(rgb: value)
    }

    /// From a 24-bit 0xRRGGBB value.
    init(rgb value: UInt32) {
        self.init(red: Double(value >> 16 & 0xFF) / 255, green: Double(value >> 8 & 0xFF) / 255, blue: Double(value & 0xFF) / 255)
    }

    public static let black = Color(red: 0, green: 0, blue: 0)
    public static let white = Color(red: 1, green: 1, blue: 1)

    /// matplotlib's default categorical palette ("tab10"); series and bars
    /// take their colors from it in order.
    public static let tab10: [Color] = [0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd,
                                        0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf].map(Color.init(rgb:))

    /// The palette color for the `index`-th series, cycling after ten.
    public static func palette(_ index: Int) -> Color {
        tab10[((index % tab10.count) + tab10.count) % tab10.count]
    }

    /// The same color with another opacity.
    public func withAlpha(_ alpha: Double) -> Color {
        Color(red: red, green: green, blue: blue, alpha: alpha)
    }

    /// Relative luminance (WCAG, sRGB primaries) in 0...1.
    var luminance: Double {
        func linear(_ c: Double) -> Double { c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4) }
        return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    }

    /// Text color that reads well on top of this color: dark on light, white on dark.
    var contrastingText: Color {
        // 0.18 is where black and white text have equal WCAG contrast.
        luminance > 0.18 ? Theme.text : .white
    }

    /// The color blended over an opaque `base` with weight `amount` (0: base, 1: self).
    func blended(over base: Color, amount: Double) -> Color {
        Color(red: base.red + (red - base.red) * amount,
              green: base.green + (green - base.green) * amount,
              blue: base.blue + (blue - base.blue) * amount)
    }
}
