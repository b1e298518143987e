import FernTensor

extension Saliency {
    /// For each map [N, H, W], the share of its total mass that falls inside
    /// the mask ([N, H, W] or [N, H, W, 1], 1 inside, 0 outside). An
    /// uninformative map scores the mask's share of the image area.
    public static func massInside(_ maps: Tensor, masks: Tensor) throws -> [Float] {
        let pixels = maps.shape.dropFirst().reduce(1, *)
        guard maps.rank == 3, masks.count == maps.count, masks.shape.first == maps.shape.first else {
            throw AnalysisError("saliency mass: maps \(describeShape(maps.shape)) and masks \(describeShape(masks.shape)) do not match")
        }
        let (m, k) = (maps.scalars, masks.scalars)
        return (0..<maps.shape[0]).map { i in
            var inside: Float = 0, total: Float = 0
            for p in i * pixels..<(i + 1) * pixels {
                total += m[p]
                inside += m[p] * (k[p] > 0.5 ? 1 : 0)
            }
            return total > 0 ? inside / total : 0
        }
    }

    /// The share of each image's area the mask covers.
    public static func areaShare(of masks: Tensor) throws -> [Float] {
        guard let n = masks.shape.first, n > 0 else { throw AnalysisError("saliency mass: no masks") }
        let pixels = masks.count / n
        let k = masks.scalars
        return (0..<n).map { i in Float(k[i * pixels..<(i + 1) * pixels].filter { $0 > 0.5 }.count) / Float(pixels) }
    }
}
