@testable import FernAnalysis
import FernNN
import FernTensor
import FernTestSupport
import Testing

@Suite struct SaliencyTests {
    /// A linear model: the class score's gradient is the class's weight
    /// column, so the saliency map is |W[:, c]| scaled to [0, 1].
    @Test func vanillaSaliencyOfALinearModelIsItsNormalizedWeightColumn() throws {
        let model = try Sequential([FlattenLayer(), DenseLayer(units: 3), ActivationLayer(.softmax)],
                                   inputShape: [4, 5, 1], seed: 7)
        var generator = SeededGenerator(seed: 2)
        let images = try Tensor.randomUniform([2, 4, 5, 1], using: &generator)
        let maps = try Saliency.vanilla(model: model, images: images, classes: [2, 0])
        #expect(maps.shape == [2, 4, 5])
        let kernel = model.parameters[0].value.scalars  // [20, 3]
        for (image, c) in [(0, 2), (1, 0)] {
            let column = (0..<20).map { abs(kernel[$0 * 3 + c]) }
            let peak = column.max()!
            // The gradient is the column exactly (one 1 among zeros); the map divides it by its peak, as here: equal but
            // for the two divisions' roundings.
            for p in 0..<20 {
                #expect(Double(abs(maps.scalars[image * 20 + p] - column[p] / peak)) <= Tolerance.chain(operations: 2, magnitude: Double(column[p] / peak)))
            }
        }
    }

    @Test func saliencyMatchesFiniteDifferencesThroughAConvNet() throws {
        let model = try Sequential([
            Conv2DLayer(filters: 4, kernelSize: (3, 3), padding: .same, activation: .tanh),
            PoolingLayer(.average), FlattenLayer(), DenseLayer(units: 3), ActivationLayer(.softmax),
        ], inputShape: [6, 6, 1], seed: 5)
        var generator = SeededGenerator(seed: 4)
        let image = try Tensor.randomUniform([1, 6, 6, 1], using: &generator)
        let maps = try Saliency.vanilla(model: model, images: image, classes: [1])
        func score(_ x: Tensor) throws -> Double {
            Double(try model.logits(x, context: ForwardContext(training: false)).scalars[1])
        }
        var numeric: [Double] = []
        for p in 0..<36 {
            var plus = image, minus = image
            plus.withUnsafeMutableScalars { $0[p] += 1e-2 }
            minus.withUnsafeMutableScalars { $0[p] -= 1e-2 }
            numeric.append(abs(try score(plus) - score(minus)) / 2e-2)
        }
        let peak = numeric.max()!
        // Not a rounding bound: central differences with h = 1e-2 through tanh are off by O(h²) relative, and the
        // Float logits' rounding is magnified by 1/(2h).
        for p in 0..<36 { #expect(abs(Double(maps.scalars[p]) - numeric[p] / peak) < 2e-2) }
    }

    @Test func smoothGradWithoutNoiseEqualsVanillaAndNoiseKeepsMapsInRange() throws {
        let model = try Sequential([Conv2DLayer(filters: 3, kernelSize: (3, 3), padding: .same, activation: .relu),
                                    FlattenLayer(), DenseLayer(units: 4)], inputShape: [5, 5, 1], seed: 1)
        var generator = SeededGenerator(seed: 9)
        let images = try Tensor.randomUniform([3, 5, 5, 1], using: &generator)
        let vanilla = try Saliency.vanilla(model: model, images: images)
        let quiet = try Saliency.smoothGrad(model: model, images: images, samples: 3, noise: 0)
        // Without noise each sample's gradient is vanilla's a; the total 3a rounds once, and its map's peak likewise.
        #expect(zip(vanilla.scalars, quiet.scalars).allSatisfy { Double(abs($0 - $1)) <= Tolerance.chain(operations: 4, magnitude: Double($0)) })
        let noisy = try Saliency.smoothGrad(model: model, images: images, samples: 8, noise: 0.2, batchSize: 2)
        #expect(noisy.shape == [3, 5, 5])
        #expect(noisy.scalars.allSatisfy { (0...1).contains($0) })
        #expect(try noisy.max(axes: [1, 2]).scalars == [1, 1, 1])
    }

    @Test func gradCAMGivesOneMapPerImageAtInputSizeInUnitRange() throws {
        let model = try Sequential([
            Conv2DLayer(filters: 4, kernelSize: (3, 3), padding: .same, activation: .relu, initializer: .heNormal),
            PoolingLayer(.max), FlattenLayer(), DenseLayer(units: 3), ActivationLayer(.softmax),
        ], inputShape: [8, 8, 1], seed: 2)
        var generator = SeededGenerator(seed: 3)
        let images = try Tensor.randomUniform([5, 8, 8, 1], using: &generator)
        let maps = try Saliency.gradCAM(model: model, images: images, layer: 1, batchSize: 2)
        #expect(maps.shape == [5, 8, 8])
        #expect(maps.scalars.allSatisfy { (0...1).contains($0) })
        #expect(throws: AnalysisError.self) { try Saliency.gradCAM(model: model, images: images, layer: 3) }
    }

    @Test func bilinearResizeKeepsConstantsAndInterpolatesBetweenCentres() throws {
        let constant = try Saliency.resizeBilinear(Tensor.full([1, 2, 2], 3), height: 5, width: 7)
        // Two rounds of a·(1 − t) + b·t on values 3: six roundings (the weights sum to 1 but for 1 − t's).
        #expect(constant.scalars.allSatisfy { Double(abs($0 - 3)) <= Tolerance.chain(operations: 6, magnitude: 3) })
        let ramp = try Saliency.resizeBilinear(Tensor(shape: [1, 1, 2], scalars: [0, 4]), height: 1, width: 4)
        #expect(ramp.scalars == [0, 1, 3, 4])
    }

    @Test func massInsideAMaskIsTheShareOfTheMapItCovers() throws {
        let maps = try Tensor(shape: [1, 2, 2], scalars: [1, 3, 0, 0])
        let masks = try Tensor(shape: [1, 2, 2, 1], scalars: [0, 1, 1, 0])
        #expect(try Saliency.massInside(maps, masks: masks) == [0.75])
        #expect(try Saliency.areaShare(of: masks) == [0.5])
    }
}
