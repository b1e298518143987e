import CCairo
import FernTensor
import Foundation
@_exported import FernTestSupport
@testable import FernPlot

extension Pixel {
    /// The opaque pixel a color is written as.
    init(_ color: Color) {
        func byte(_ value: Double) -> Int { Int((value * 255).rounded()) }
        self.init(red: byte(color.red), green: byte(color.green), blue: byte(color.blue))
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
