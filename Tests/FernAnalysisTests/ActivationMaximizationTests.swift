import FernAnalysis
import FernNN
import FernTensor
import Testing

@Suite struct ActivationMaximizationTests {
    static func model() throws -> Sequential {
        try Sequential([
            Conv2DLayer(filters: 6, kernelSize: (3, 3), padding: .same, activation: .relu, initializer: .heNormal),
            PoolingLayer(.max),
            Conv2DLayer(filters: 8, kernelSize: (3, 3), padding: .same, activation: .relu, initializer: .heNormal),
            FlattenLayer(), DenseLayer(units: 7), ActivationLayer(.softmax),
        ], inputShape: [16, 16, 1], seed: 4)
    }

    @Test func gradientAscentRaisesTheFilterActivationFarAboveRandomImages() throws {
        let model = try Self.model()
        let filters = Array(0..<8)
        var ascent = ActivationMaximization()
        ascent.steps = 40
        let result = try ascent.run(model: model, layer: 2, filters: filters)
        #expect(result.images.shape == [8, 16, 16, 1])
        #expect(result.trace.count == 41)
        // Jitter makes single steps noisy; on average (blocks of 8 steps) it only climbs.
        let blocks = stride(from: 0, to: 40, by: 8).map { result.trace[$0..<($0 + 8)].reduce(0, +) / 8 }
        #expect(zip(blocks.dropFirst(), blocks).allSatisfy { $0 > $1 }, "trace \(result.trace)")
        #expect(result.trace.last! > 3 * result.trace.first!)

        var generator = SeededGenerator(seed: 8)
        let random = try Tensor.randomUniform([64, 16, 16, 1], using: &generator)
        let output = try model.forward(random, context: ForwardContext(training: false), upTo: 2)
        let randomMean = try output.mean(axes: [0, 1, 2]).scalars
        for (f, activation) in zip(filters, result.activations) {
            #expect(activation > 2 * max(randomMean[f], 0.01), "filter \(f): \(activation) vs random \(randomMean[f])")
        }
        #expect(result.images.scalars.allSatisfy { (0...1).contains($0) })
    }

    @Test func blurAndDecayStillEndFarAboveTheStart() throws {
        var ascent = ActivationMaximization()
        ascent.blurEvery = 8
        ascent.l2Decay = 0.01
        let result = try ascent.run(model: Self.model(), layer: 0, filters: [0, 1, 2, 3, 4, 5])
        #expect(result.trace.last! > 2 * result.trace.first!, "trace \(result.trace)")
    }

    @Test func unknownFiltersAreErrors() throws {
        let model = try Self.model()
        #expect(throws: AnalysisError.self) { try ActivationMaximization().run(model: model, layer: 0, filters: [6]) }
        #expect(throws: AnalysisError.self) { try ActivationMaximization().run(model: model, layer: 0, filters: []) }
    }
}
