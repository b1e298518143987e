import FernTensor

/// Image operations of the gradient ascent, on [N, H, W, C] batches.
enum Pixels {
    /// Each image shifted by (dy, dx) with wrap-around, so nothing is lost.
    static func rolled(_ images: Tensor, _ dy: Int, _ dx: Int) throws -> Tensor {
        guard dy != 0 || dx != 0 else { return images }
        let (n, h, w, c) = (images.shape[0], images.shape[1], images.shape[2], images.shape[3])
        let source = images.scalars
        var out = [Float](repeating: 0, count: source.count)
        for b in 0..<n {
            for y in 0..<h {
                let sy = ((y - dy) % h + h) % h
                for x in 0..<w {
                    let sx = ((x - dx) % w + w) % w
                    let to = ((b * h + y) * w + x) * c, from = ((b * h + sy) * w + sx) * c
                    for k in 0..<c { out[to + k] = source[from + k] }
                }
            }
        }
        return try Tensor(shape: images.shape, scalars: out)
    }

    /// A 3x3 Gaussian blur (weights 1-2-1), edges repeated.
    static func blurred(_ images: Tensor) throws -> Tensor {
        let (n, h, w, c) = (images.shape[0], images.shape[1], images.shape[2], images.shape[3])
        let source = images.scalars
        var out = [Float](repeating: 0, count: source.count)
        let weights: [Float] = [1, 2, 1]
        for b in 0..<n {
            for y in 0..<h {
                for x in 0..<w {
                    for k in 0..<c {
                        var sum: Float = 0
                        for i in -1...1 {
                            let sy = min(max(y + i, 0), h - 1)
                            for j in -1...1 {
                                let sx = min(max(x + j, 0), w - 1)
                                sum += weights[i + 1] * weights[j + 1] * source[((b * h + sy) * w + sx) * c + k]
                            }
                        }
                        out[((b * h + y) * w + x) * c + k] = sum / 16
                    }
                }
            }
        }
        return try Tensor(shape: images.shape, scalars: out)
    }

    static func clipped(_ images: Tensor, to range: ClosedRange<Float>) throws -> Tensor {
        try Tensor(shape: images.shape, scalars: images.scalars.map { min(max($0, range.lowerBound), range.upperBound) })
    }
}
