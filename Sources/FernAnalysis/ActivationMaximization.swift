import FernNN
import FernTensor

/// Filter visualization by gradient ascent (Erhan et al. 2009; the
/// regularizers of Yosinski et al. 2015): the input image that makes one
/// filter of one layer fire most, found by stepping a gray image along the
/// RMS-normalized gradient of the filter's mean activation. All filters of a
/// call are optimized together as one batch.
public struct ActivationMaximization: Sendable {
    public var steps = 60
    /// Step length in input units per step, after RMS normalization.
    public var stepSize: Float = 0.05
    /// The gray level the images start from (and decay towards).
    public var start: Float = 0.5
    /// Standard deviation of the starting noise.
    public var noise: Float = 0.02
    /// Each step pulls the image this fraction of the way back to `start`
    /// (L2 decay), so pixels that do not matter fade instead of saturating.
    public var l2Decay: Float = 0.001
    /// Blur with a 3x3 Gaussian every this many steps (0: never), which
    /// suppresses the high-frequency patterns gradient ascent loves; each
    /// blur lowers the activation a little, so it is off unless asked for.
    public var blurEvery = 0
    /// Shift the image by up to this many pixels at random before each
    /// step (and back after), so the pattern does not depend on exact pixels.
    public var jitter = 1
    /// Keep pixels inside this range, e.g. the [0, 1] of images scaled by 1/255.
    public var range: ClosedRange<Float>? = 0...1
    public var seed: UInt64 = 0

    public init() {}

    /// The images [F, H, W, C] that maximize `filters` of the layer at index
    /// `layer`, their final mean activations, and the mean over filters of the
    /// activation before each step and after the last (steps + 1 values).
    public func run(model: Sequential, layer: Int, filters: [Int]) throws
        -> (images: Tensor, activations: [Float], trace: [Float]) {
        let chosen = try model.layer(at: layer)
        let index = model.layers.firstIndex { $0 === chosen } ?? layer
        let outputShape = model.outputShapes[index]
        guard let channels = outputShape.last, !filters.isEmpty,
              filters.allSatisfy({ (0..<channels).contains($0) }) else {
            throw AnalysisError("\(chosen.name) has \(outputShape.last ?? 0) filters; cannot visualize \(filters)")
        }
        guard steps >= 0, stepSize > 0 else { throw AnalysisError("gradient ascent needs steps ≥ 0 and a positive step size") }
        var generator = SeededGenerator(seed: seed)
        let shape = [filters.count] + model.inputShape
        var images = try Tensor.randomNormal(shape, mean: start, std: noise, using: &generator)
        let selector = try filterSelector(filters, channels: channels, rank: outputShape.count + 1)
        var trace: [Float] = []
        for step in 0..<steps {
            let (dy, dx) = jitter > 0 ? (Int.random(in: -jitter...jitter, using: &generator),
                                         Int.random(in: -jitter...jitter, using: &generator)) : (0, 0)
            let (activation, gradient) = try meanActivation(model, index, Pixels.rolled(images, dy, dx), selector,
                                                            withGradient: true)
            trace.append(activation.reduce(0, +) / Float(filters.count))
            let delta = try rmsNormalized(Pixels.rolled(gradient!, -dy, -dx)) * stepSize
            images = try images + delta
            images = try images - (images - start) * l2Decay
            if blurEvery > 0, (step + 1) % blurEvery == 0 { images = try Pixels.blurred(images) }
            if let range { images = try Pixels.clipped(images, to: range) }
        }
        let (final, _) = try meanActivation(model, index, images, selector, withGradient: false)
        trace.append(final.reduce(0, +) / Float(filters.count))
        return (images, final, trace)
    }

    /// The mean activation of each image's own filter on `images` (one per
    /// filter) and, if asked, its gradient with respect to the images.
    private func meanActivation(_ model: Sequential, _ layer: Int, _ images: Tensor, _ selector: Tensor,
                                withGradient: Bool) throws -> ([Float], Tensor?) {
        let input = withGradient ? images.detached().requiringGrad() : images.detached()
        let output = try model.forward(input, context: ForwardContext(training: false), upTo: layer)
        let spatial = Array(1..<(output.rank - 1))
        let perFilter = try (output * selector).sum(axes: [output.rank - 1]).mean(axes: spatial.isEmpty ? nil : spatial)
        let values = perFilter.rank == 0 ? [try perFilter.item()] : perFilter.scalars
        guard withGradient else { return (values, nil) }
        return (values, try gradients(of: perFilter.sum(), wrt: [input])[0])
    }

    /// [F, 1, ..., 1, channels] with a one at each image's filter.
    private func filterSelector(_ filters: [Int], channels: Int, rank: Int) throws -> Tensor {
        try InputGradient.oneHot(filters, classes: channels)
            .reshaped([filters.count] + Array(repeating: 1, count: rank - 2) + [channels])
    }

    /// Each image's gradient divided by its root mean square.
    private func rmsNormalized(_ gradient: Tensor) throws -> Tensor {
        let axes = Array(1..<gradient.rank)
        let rms = try gradient.square().mean(axes: axes, keepDims: true).sqrt() + 1e-8
        return try gradient / rms
    }
}
