@testable import FernAnalysis
import FernNN
import FernTensor
import FernTestSupport
import Testing

/// Gradient x input, integrated gradients, guided backpropagation, occlusion, the CAM
/// variants and the deletion / insertion scores, each against what its definition gives on a
/// model small enough to work out.
@Suite struct AttributionTests {
    private func randomImages(_ shape: [Int], seed: UInt64) throws -> Tensor {
        var generator = SeededGenerator(seed: seed)
        return try Tensor.randomUniform(shape, using: &generator)
    }

    /// A ReLU network on 6x6 images: piecewise linear, so the gradient along a straight path
    /// is piecewise constant.
    private func reluNet(seed: UInt64) throws -> Sequential {
        try Sequential([
            Conv2DLayer(filters: 4, kernelSize: (3, 3), padding: .same, activation: .relu, initializer: .heNormal),
            PoolingLayer(.max), FlattenLayer(), DenseLayer(units: 8, activation: .relu), DenseLayer(units: 3),
        ], inputShape: [6, 6, 1], seed: seed)
    }

    @Test func gradientTimesInputOfALinearModelIsTheWeightTimesThePixel() throws {
        let model = try Sequential([FlattenLayer(), DenseLayer(units: 3)], inputShape: [4, 5, 1], seed: 7)
        let images = try randomImages([2, 4, 5, 1], seed: 2)
        let maps = try Saliency.gradientTimesInput(model: model, images: images, classes: [1, 2])
        let kernel = model.parameters[0].value.scalars  // [20, 3]
        for (i, c) in [(0, 1), (1, 2)] {
            let expected = (0..<20).map { abs(kernel[$0 * 3 + c] * images.scalars[i * 20 + $0]) }
            let peak = expected.max()!
            // One product, one division by the peak each: three roundings on a value at most 1.
            for p in 0..<20 {
                #expect(Double(abs(maps.scalars[i * 20 + p] - expected[p] / peak)) <= Tolerance.chain(operations: 3, magnitude: 1))
            }
        }
    }

    /// Completeness: Σ attributions = F(x) − F(baseline). The trapezoid rule on m intervals is
    /// off by at most Σ|jump|·(1/m)/2 for a piecewise-constant integrand, Σ|jump| being the
    /// total variation of g(t) = ∇F(x(t))·(x − x₀), here measured on 4096 intervals; the bound
    /// allowed is twice that, plus Float rounding of the sums.
    @Test func integratedGradientsSumToTheScoreDifferenceWithinTheTrapezoidBound() throws {
        let model = try reluNet(seed: 3)
        let images = try randomImages([2, 6, 6, 1], seed: 5)
        let classes = [0, 2]
        func score(_ x: Tensor) throws -> [Float] {
            let logits = try model.logits(x, context: ForwardContext(training: false))
            return classes.enumerated().map { logits.scalars[$0.offset * 3 + $0.element] }
        }
        let difference = try zip(score(images), score(Tensor.zeros(images.shape))).map { $0 - $1 }
        // g(t) on a fine grid, for its total variation.
        let fine = 4096
        var variation = [Double](repeating: 0, count: 2)
        var previous: [Double]?
        for k in stride(from: 0, through: fine, by: 1) {
            let point = try images * (Float(k) / Float(fine))
            let (gradient, _) = try InputGradient.ofClassScores(model, point, classes: classes)
            let g = (0..<2).map { i in (0..<36).reduce(0.0) { $0 + Double(gradient.scalars[i * 36 + $1] * images.scalars[i * 36 + $1]) } }
            if let previous { for i in 0..<2 { variation[i] += abs(g[i] - previous[i]) } }
            previous = g
        }
        for steps in [8, 32, 128] {
            let attributions = try Saliency.integratedGradientAttributions(model: model, images: images, classes: classes,
                                                                            baseline: 0, steps: steps)
            for i in 0..<2 {
                let total = (0..<36).reduce(0.0) { $0 + Double(attributions.scalars[i * 36 + $1]) }
                let bound = variation[i] / Double(steps) + 1e-5 * (abs(Double(difference[i])) + 1)
                #expect(abs(total - Double(difference[i])) <= bound,
                        "image \(i), \(steps) steps: Σ = \(total), F(x) − F(0) = \(difference[i]), bound \(bound)")
            }
        }
        #expect(throws: AnalysisError.self) {
            try Saliency.integratedGradientAttributions(model: model, images: images, classes: classes, baseline: 0, steps: 0)
        }
    }

    /// One hidden ReLU layer: the gradient reaching it is the class's output weights; guided
    /// backpropagation keeps it where the unit is active *and* the weight positive, then takes
    /// it back through the first layer's weights.
    @Test func guidedBackpropagationMasksNegativeGradientsAtEveryReLU() throws {
        let model = try Sequential([FlattenLayer(), DenseLayer(units: 6, activation: .relu), DenseLayer(units: 2)],
                                   inputShape: [3, 4, 1], seed: 11)
        let image = try randomImages([1, 3, 4, 1], seed: 6)
        let (w1, b1, w2) = (model.parameters[0].value.scalars, model.parameters[1].value.scalars, model.parameters[2].value.scalars)
        let c = 1
        let hidden = (0..<6).map { u in (0..<12).reduce(b1[u]) { $0 + image.scalars[$1] * w1[$1 * 6 + u] } }
        let passed = (0..<6).map { u in hidden[u] > 0 && w2[u * 2 + c] > 0 ? w2[u * 2 + c] : 0 }
        let expected = (0..<12).map { p in max((0..<6).reduce(Float(0)) { $0 + w1[p * 6 + $1] * passed[$1] }, 0) }
        let peak = expected.max()!
        let map = try Saliency.guidedBackpropagation(model: model, images: image, classes: [c])
        // A 6-term sum and a division, on values at most |w1|·|w2| ≈ 1.
        for p in 0..<12 { #expect(Double(abs(map.scalars[p] - expected[p] / peak)) <= Tolerance.sum(terms: 8, absoluteSum: 6)) }
        // Outside the guided mode the same model's gradient is the plain one.
        let vanilla = try Saliency.vanilla(model: model, images: image, classes: [c])
        #expect(vanilla.scalars != map.scalars)
    }

    /// A model whose class 1 looks only at the top-left 4x4 corner: occluding a square there
    /// lowers its probability, occluding anywhere else changes nothing.
    @Test func occlusionMarksOnlyThePixelsTheClassDependsOn() throws {
        let model = try Sequential([FlattenLayer(), DenseLayer(units: 2)], inputShape: [12, 12, 1], seed: 1)
        var kernel = [Float](repeating: 0, count: 144 * 2)
        for y in 0..<4 { for x in 0..<4 { kernel[(y * 12 + x) * 2 + 1] = 1 } }
        model.parameters[0].value = try Tensor(shape: [144, 2], scalars: kernel)
        let image = try Tensor.full([1, 12, 12, 1], 1)
        let map = try Saliency.occlusion(model: model, images: image, classes: [1], patch: 4, stride: 4)
        for y in 0..<12 {
            for x in 0..<12 {
                let value = map.scalars[y * 12 + x]
                if y < 4 && x < 4 { #expect(value == 1, "(\(y), \(x))") } else { #expect(value == 0, "(\(y), \(x))") }
            }
        }
        #expect(throws: AnalysisError.self) { try Saliency.occlusion(model: model, images: image, patch: 13) }
    }

    /// Conv, global average pooling, dense: the gradient with respect to the feature maps is the
    /// same at every position, so HiResCAM equals Grad-CAM; with the class weighting one channel
    /// a little and the other strongly against, Grad-CAM's weighted sum is negative everywhere and
    /// its map blank, while Grad-CAM++, which weighs only positive gradients, still shows the
    /// channel that raises the score.
    @Test func camVariantsOnAModelWhereGradCAMIsBlank() throws {
        let model = try Sequential([
            Conv2DLayer(filters: 2, kernelSize: (3, 3), padding: .same, activation: .relu, initializer: .heNormal),
            GlobalAveragePoolingLayer(), DenseLayer(units: 2),
        ], inputShape: [8, 8, 1], seed: 4)
        // Both filters see the image the same way (a positive kernel), so both channels are active together.
        let kernel = model.parameters[0].value
        model.parameters[0].value = try Tensor(shape: kernel.shape, scalars: kernel.scalars.map { abs($0) + 0.1 })
        model.parameters[2].value = try Tensor(shape: [2, 2], scalars: [0.1, 0, -1, 0])  // class 0: +0.1 · ch0 − 1 · ch1
        let images = try randomImages([3, 8, 8, 1], seed: 8)
        let gradCAM = try Saliency.gradCAM(model: model, images: images, layer: 0, classes: [0, 0, 0])
        let hiRes = try Saliency.gradCAM(model: model, images: images, layer: 0, classes: [0, 0, 0], variant: .hiResCAM)
        let plusPlus = try Saliency.gradCAM(model: model, images: images, layer: 0, classes: [0, 0, 0], variant: .gradCAMPlusPlus)
        #expect(gradCAM.scalars.allSatisfy { $0 == 0 })
        #expect(hiRes.scalars == gradCAM.scalars)
        #expect(try plusPlus.max(axes: [1, 2]).scalars == [1, 1, 1])
        #expect(plusPlus.scalars.allSatisfy { (0...1).contains($0) })
    }

    /// A model whose class 0 rests on ten pixels: the gradient map ranks them first, so deleting
    /// by it drops the probability sooner than a random order and inserting raises it sooner.
    @Test func deletionAndInsertionScoreAFaithfulMapAboveARandomOrder() throws {
        let model = try Sequential([FlattenLayer(), DenseLayer(units: 2)], inputShape: [10, 10, 1], seed: 1)
        var kernel = [Float](repeating: 0, count: 200)
        for p in stride(from: 3, to: 100, by: 10) { kernel[p * 2] = 0.4 }
        model.parameters[0].value = try Tensor(shape: [100, 2], scalars: kernel)
        let images = try Tensor.full([4, 10, 10, 1], 1)
        let maps = try Saliency.vanilla(model: model, images: images, classes: [0, 0, 0, 0])
        // With k of the ten pixels present the probability is σ(0.4k): by the map the curves reach
        // their ends at a tenth of the pixels (areas ≈ 0.52 and 0.97), in a random order
        // gradually (both ≈ 0.83).
        let scores = try Saliency.faithfulness(model: model, images: images, maps: maps, classes: [0, 0, 0, 0],
                                               points: 20, baseline: .zero, seed: 1)
        #expect(scores.deletion < scores.randomDeletion - 0.2, "\(scores)")
        #expect(scores.insertion > scores.randomInsertion + 0.08, "\(scores)")
        #expect(throws: AnalysisError.self) {
            try Saliency.faithfulness(model: model, images: images, maps: maps.sliced(axis: 0, start: 0, end: 2), classes: [0, 0, 0, 0])
        }
    }

    @Test func theBlurBaselineKeepsConstantsAndSmoothsAnEdge() throws {
        let constant = try Saliency.gaussianBlur(Tensor.full([1, 5, 6, 1], 0.7), sigma: 4)
        // A 25-tap weighted sum of equal values, twice: the weights sum to 1 but for their roundings.
        #expect(constant.scalars.allSatisfy { Double(abs($0 - 0.7)) <= Tolerance.sum(terms: 60, absoluteSum: 0.7) })
        let edge = try Saliency.gaussianBlur(Tensor(shape: [1, 1, 8, 1], scalars: [0, 0, 0, 0, 1, 1, 1, 1]), sigma: 1)
        #expect(zip(edge.scalars, edge.scalars.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(edge.scalars[1] > 0 && edge.scalars[6] < 1)
    }
}
