import FernTensor
import Foundation

/// One image's augmentation: mirror, then rotate and zoom about the image
/// centre, then shift. Applied as a single inverse map: each output pixel
/// looks up where it came from in the source.
struct ImageTransform {
    var flip: Bool
    var shiftX: Int
    var shiftY: Int
    var degrees: Float
    var zoom: Float

    /// Writes the transformed `height × width × channels` image at `source` into `destination`.
    func warp(_ source: UnsafePointer<Float>, into destination: UnsafeMutablePointer<Float>,
              height: Int, width: Int, channels: Int, padding: Augmentation.Padding) {
        if degrees == 0 && zoom == 1 {
            copyShifted(source, into: destination, height: height, width: width, channels: channels, padding: padding)
        } else {
            resample(source, into: destination, height: height, width: width, channels: channels, padding: padding)
        }
    }

    /// Flip and whole-pixel shift only: every output pixel is a source pixel or padding.
    private func copyShifted(_ source: UnsafePointer<Float>, into destination: UnsafeMutablePointer<Float>,
                             height: Int, width: Int, channels: Int, padding: Augmentation.Padding) {
        for y in 0..<height {
            let sourceY = y - shiftY
            for x in 0..<width {
                let shiftedX = x - shiftX
                let sourceX = flip ? width - 1 - shiftedX : shiftedX
                let out = destination + (y * width + x) * channels
                guard let pixel = padded(sourceY, sourceX, height: height, width: width, padding: padding) else {
                    out.update(repeating: 0, count: channels)
                    continue
                }
                out.update(from: source + pixel * channels, count: channels)
            }
        }
    }

    /// Rotation and zoom: bilinear interpolation between the four nearest source pixels.
    private func resample(_ source: UnsafePointer<Float>, into destination: UnsafeMutablePointer<Float>,
                          height: Int, width: Int, channels: Int, padding: Augmentation.Padding) {
        let centerX = Float(width - 1) / 2, centerY = Float(height - 1) / 2
        let radians = degrees * .pi / 180
        let cosine = cos(radians) / zoom, sine = sin(radians) / zoom
        for y in 0..<height {
            for x in 0..<width {
                let px = Float(x - shiftX) - centerX, py = Float(y - shiftY) - centerY
                let rotatedX = cosine * px + sine * py + centerX
                let sourceY = -sine * px + cosine * py + centerY
                let sourceX = flip ? Float(width - 1) - rotatedX : rotatedX

                let left = Int(sourceX.rounded(.down)), top = Int(sourceY.rounded(.down))
                let fx = sourceX - Float(left), fy = sourceY - Float(top)
                let out = destination + (y * width + x) * channels
                out.update(repeating: 0, count: channels)
                for dy in 0...1 {
                    let rowWeight = dy == 0 ? 1 - fy : fy
                    for dx in 0...1 {
                        let weight = rowWeight * (dx == 0 ? 1 - fx : fx)
                        guard weight > 0,
                              let pixel = padded(top + dy, left + dx, height: height, width: width, padding: padding)
                        else { continue }
                        for channel in 0..<channels { out[channel] += weight * source[pixel * channels + channel] }
                    }
                }
            }
        }
    }

    /// The flat pixel index for (row, column), or nil where zero padding applies.
    private func padded(_ row: Int, _ column: Int, height: Int, width: Int, padding: Augmentation.Padding) -> Int? {
        switch padding {
        case .zeros:
            guard row >= 0 && row < height && column >= 0 && column < width else { return nil }
            return row * width + column
        case .edge:
            return min(max(row, 0), height - 1) * width + min(max(column, 0), width - 1)
        }
    }

    /// A random crop in place: `image` seen through a window moved up to `maxOffset` pixels
    /// along each axis over its zero-padded self.
    static func crop(_ image: UnsafeMutablePointer<Float>, height: Int, width: Int, channels: Int,
                     maxOffset: Int, using rng: inout SeededGenerator) {
        let x = Int.random(in: -maxOffset...maxOffset, using: &rng)
        let y = Int.random(in: -maxOffset...maxOffset, using: &rng)
        guard x != 0 || y != 0 else { return }
        let size = height * width * channels
        let copy = UnsafeMutablePointer<Float>.allocate(capacity: size)
        defer { copy.deallocate() }
        copy.update(from: image, count: size)
        ImageTransform(flip: false, shiftX: x, shiftY: y, degrees: 0, zoom: 1)
            .warp(copy, into: image, height: height, width: width, channels: channels, padding: .zeros)
    }

    /// Random erasing in place: a rectangle of 2% to 40% of the area, aspect ratio (height over
    /// width) log-uniform in [0.3, 3.3], clipped to fit, filled with the image's mean per channel.
    static func erase(_ image: UnsafeMutablePointer<Float>, height: Int, width: Int, channels: Int,
                      using rng: inout SeededGenerator) {
        let area = rng.uniform(0.02, 0.4) * Float(height * width)
        let aspect = exp(rng.uniform(log(0.3), log(3.3)))
        let boxHeight = min(max(Int((area * aspect).squareRoot().rounded()), 1), height)
        let boxWidth = min(max(Int((area / aspect).squareRoot().rounded()), 1), width)
        let top = Int.random(in: 0...(height - boxHeight), using: &rng)
        let left = Int.random(in: 0...(width - boxWidth), using: &rng)
        for channel in 0..<channels {
            var sum: Float = 0
            for pixel in 0..<(height * width) { sum += image[pixel * channels + channel] }
            let mean = sum / Float(height * width)
            for y in top..<(top + boxHeight) {
                for x in left..<(left + boxWidth) { image[(y * width + x) * channels + channel] = mean }
            }
        }
    }
}
