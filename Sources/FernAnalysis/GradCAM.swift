import FernNN
import FernTensor

/// Class activation maps from a conv layer's feature maps A and the gradient G of the class
/// score with respect to them, kept where positive and scaled up to the input's size:
///
/// - Grad-CAM (Selvaraju et al. 2017): the maps weighted by each channel's mean gradient.
/// - Grad-CAM++ (Chattopadhay et al. 2018): weighted by each channel's positive gradients,
///   each scaled by G² / (2G² + ΣA·G³), so a channel that raises the score anywhere counts.
/// - HiResCAM (Draelos & Carin 2020): Σ over channels of G ⊙ A position by position, which
///   is what the score sums when the layers after are linear.
public enum CAMVariant: String, CaseIterable, Sendable {
    case gradCAM = "gradcam", gradCAMPlusPlus = "gradcam++", hiResCAM = "hirescam"
}

extension Saliency {
    /// Maps [N, H, W] in [0, 1] for the layer at `layer` (an index into
    /// `model.layers`; its output must be [N, h, w, k]).
    public static func gradCAM(model: Sequential, images: Tensor, layer: Int, classes: [Int]? = nil,
                               variant: CAMVariant = .gradCAM, batchSize: Int = 32) throws -> Tensor {
        try checkInputs(images, classes)
        let chosenLayer = try model.layer(at: layer)
        let index = model.layers.firstIndex { $0 === chosenLayer } ?? layer
        guard model.outputShapes[index].count == 3, index < model.layers.count - 1 else {
            throw AnalysisError("grad-cam needs a layer with feature maps [h, w, channels] before the last layer; \(chosenLayer.name) gives \(describeShape(model.outputShapes[index]))")
        }
        let (height, width) = (images.shape[1], images.shape[2])
        return try batched(images.shape[0], batchSize: batchSize) { rows in
            let batch = try images.sliced(axis: 0, start: rows.lowerBound, end: rows.upperBound)
            let context = ForwardContext(training: false)
            let activations = try GradientMode.withoutGradients {
                try model.forward(batch, context: context, upTo: index)
            }.requiringGrad()
            let logits = try model.logits(activations, context: context, from: index + 1)
            let chosen = try classes.map { Array($0[rows]) } ?? logits.argmax(axis: -1).scalars.map { Int($0) }
            let score = try (logits * InputGradient.oneHot(chosen, classes: logits.shape.last ?? 0)).sum()
            let gradient = try gradients(of: score, wrt: [activations])[0]
            let cam = try classActivationMap(activations.detached(), gradient, variant)
            let resized = try resizeBilinear(cam, height: height, width: width)
            return try normalizedMaps(resized.reshaped([resized.shape[0], height, width, 1]))
        }
    }

    /// [N, h, w, k] activations and their gradients → [N, h, w], non-negative.
    static func classActivationMap(_ a: Tensor, _ g: Tensor, _ variant: CAMVariant) throws -> Tensor {
        switch variant {
        case .gradCAM:
            return try (a * g.mean(axes: [1, 2], keepDims: true)).sum(axes: [3]).relu()
        case .hiResCAM:
            return try (a * g).sum(axes: [3]).relu()
        case .gradCAMPlusPlus:
            let g2 = try g * g
            let denominator = try g2 * 2 + a.sum(axes: [1, 2], keepDims: true) * g2 * g
            let alpha = try Tensor(shape: g.shape, scalars: zip(g2.scalars, denominator.scalars).map { $1 != 0 ? $0 / $1 : 0 })
            let weights = try (alpha * g.relu()).sum(axes: [1, 2], keepDims: true)
            return try (a * weights).sum(axes: [3]).relu()
        }
    }

    /// [N, h, w] → [N, height, width], sampling pixel centres (align-corners false).
    static func resizeBilinear(_ maps: Tensor, height: Int, width: Int) throws -> Tensor {
        let (n, h, w) = (maps.shape[0], maps.shape[1], maps.shape[2])
        var out = [Float](repeating: 0, count: n * height * width)
        let source = maps.scalars
        func coordinate(_ i: Int, _ outSize: Int, _ inSize: Int) -> (Int, Int, Float) {
            let x = max(0, (Float(i) + 0.5) * Float(inSize) / Float(outSize) - 0.5)
            let low = min(Int(x), inSize - 1)
            return (low, min(low + 1, inSize - 1), x - Float(low))
        }
        for b in 0..<n {
            for y in 0..<height {
                let (y0, y1, fy) = coordinate(y, height, h)
                for x in 0..<width {
                    let (x0, x1, fx) = coordinate(x, width, w)
                    let base = b * h * w
                    let top = source[base + y0 * w + x0] * (1 - fx) + source[base + y0 * w + x1] * fx
                    let bottom = source[base + y1 * w + x0] * (1 - fx) + source[base + y1 * w + x1] * fx
                    out[(b * height + y) * width + x] = top * (1 - fy) + bottom * fy
                }
            }
        }
        return try Tensor(shape: [n, height, width], scalars: out)
    }
}
