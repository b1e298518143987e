import Foundation
import Testing
@testable import FernNN
import FernTensor

/// Residual blocks: the sum of two paths, their gradients, their names, summary, files and
/// batch-norm statistics; and the ready-made residual network and VGG.
@Suite struct ResidualTests {
    /// conv(3x3) → batch norm → conv(3x3) beside a 1x1 projection, on 6x6x2 images to 4 channels.
    private func projectionBlock(activation: Activation = .relu) throws -> ResidualLayer {
        try ResidualLayer(body: [Conv2DLayer(filters: 4, kernelSize: (3, 3), padding: .same, activation: .tanh),
                                 BatchNormLayer(), Conv2DLayer(filters: 4, kernelSize: (3, 3), padding: .same)],
                          shortcut: [Conv2DLayer(filters: 4, kernelSize: (1, 1))], activation: activation)
    }

    private func smallResidualModel(activation: Activation = .relu, seed: UInt64 = 3) throws -> Sequential {
        try Sequential([projectionBlock(activation: activation),
                        ResidualLayer(body: [Conv2DLayer(filters: 4, kernelSize: (3, 3), padding: .same)], activation: activation),
                        GlobalAveragePoolingLayer(), DenseLayer(units: 3, activation: .softmax)],
                       inputShape: [6, 6, 2], seed: seed)
    }

    private func images(_ count: Int, seed: UInt64 = 4) throws -> Tensor {
        var generator = SeededGenerator(seed: seed)
        return try Tensor.randomNormal([count, 6, 6, 2], using: &generator)
    }

    /// The block's output is activation(body + shortcut), each path run layer by layer by hand.
    @Test func outputIsTheActivatedSumOfBothPaths() throws {
        let model = try smallResidualModel()
        let block = try #require(model.layers[0] as? ResidualLayer)
        let x = try images(5)
        let context = ForwardContext(training: false)
        var body = x
        for layer in block.body { body = try layer.forward(body, context: context) }
        let shortcut = try block.shortcut[0].forward(x, context: context)
        let expected = try (body + shortcut).relu()
        // The same operations in the same order: bit for bit.
        #expect(try block.forward(x, context: context).scalars == expected.scalars)
        let identity = try #require(model.layers[1] as? ResidualLayer)
        let inner = try identity.body[0].forward(expected, context: context)
        #expect(try identity.forward(expected, context: context).scalars == (inner + expected).relu().scalars)
    }

    /// Gradients through both paths against central differences, for the input and for a
    /// weight on each path. Smooth activations (tanh) so no difference straddles a kink.
    @Test func gradientsMatchFiniteDifferences() throws {
        let model = try smallResidualModel(activation: .tanh, seed: 9)
        let x = try images(2, seed: 10)
        var generator = SeededGenerator(seed: 11)
        let mix = try Tensor.randomNormal([2, 3], using: &generator)
        let context = ForwardContext(training: false)
        func loss(_ input: Tensor) throws -> Tensor { try (model.logits(input, context: context) * mix).sum() }

        let parameters = ["residual.conv2d.weight", "residual.conv2d_2.weight", "residual_1.conv2d.weight"]
            .map { name in model.parameters.first { $0.name == name }! }
        #expect(parameters.count == 3)
        for p in parameters { p.value = p.value.requiringGrad() }
        let input = x.requiringGrad()
        let grads = try gradients(of: try loss(input), wrt: [input] + parameters.map(\.value))

        // Central differences in Float: truncation h²·|f'''|/6 and rounding 2u·|f|/h, with |f| ≲ 10
        // and smooth third derivatives of order 1 here: about 1e-4 + 1e-5 at h = 1e-2.
        let h: Float = 1e-2
        let tolerance: Float = 2e-3
        // The input gradient: perturb one pixel at a time.
        for index in [0, 17, 40, 71] {
            func at(_ delta: Float) throws -> Float {
                var values = x.scalars
                values[index] += delta
                return try GradientMode.withoutGradients { try loss(Tensor(shape: x.shape, scalars: values)).item() }
            }
            let numeric = (try at(h) - at(-h)) / (2 * h)
            #expect(Swift.abs(numeric - grads[0].scalars[index]) <= tolerance * max(1, Swift.abs(numeric)), "input[\(index)]")
        }
        for (k, p) in parameters.enumerated() {
            let original = p.value.detached()
            for index in [0, p.count / 2, p.count - 1] {
                func at(_ delta: Float) throws -> Float {
                    var values = original.scalars
                    values[index] += delta
                    p.value = try Tensor(shape: original.shape, scalars: values)
                    return try GradientMode.withoutGradients { try loss(x).item() }
                }
                let numeric = (try at(h) - at(-h)) / (2 * h)
                p.value = original
                #expect(Swift.abs(numeric - grads[k + 1].scalars[index]) <= tolerance * max(1, Swift.abs(numeric)), "\(p.name)[\(index)]")
            }
        }
    }

    @Test func innerLayersAreNamedInsideTheirBlock() throws {
        let model = try smallResidualModel()
        #expect(model.layers.map(\.name) == ["residual", "residual_1", "global_avgpool", "dense"])
        let block = try #require(model.layers[0] as? ResidualLayer)
        #expect(block.sublayers.map(\.name) == ["residual.conv2d", "residual.batch_norm", "residual.conv2d_1", "residual.conv2d_2"])
        #expect(model.weights.keys.contains("residual_1.conv2d.weight"))
        #expect(model.outputShapes == [[6, 6, 4], [6, 6, 4], [4], [3]])
        // Stored names are the blocks' own, without the prefix.
        let config = Architecture(of: model).layers[0]
        #expect(config.layers?.map(\.name) == ["conv2d", "batch_norm", "conv2d_1"])
        #expect(config.shortcut?.map(\.name) == ["conv2d_2"])
    }

    @Test func pathsOfDifferentShapesAreAClearError() {
        expectError(containing: ["residual", "body gives [6, 6, 4]", "shortcut [6, 6, 2]", "1x1 conv2d"]) {
            _ = try Sequential([ResidualLayer(body: [Conv2DLayer(filters: 4, kernelSize: (3, 3), padding: .same)])],
                               inputShape: [6, 6, 2])
        }
        expectError(containing: ["at least one layer"]) { _ = try ResidualLayer(body: []) }
    }

    @Test func summaryShowsTheBlocksLayersIndented() throws {
        let lines = try smallResidualModel().summary.split(separator: "\n").map(String.init)
        let block = try #require(lines.first { $0.hasPrefix("residual (Residual)") })
        // 2 convs of 3·3·c·4 + 4, batch norm 4·4, projection 2·4 + 4.
        let count = (9 * 2 * 4 + 4) + 16 + (9 * 4 * 4 + 4) + (2 * 4 + 4)
        #expect(block.contains("(None, 6, 6, 4)") && block.hasSuffix(" \(count)"))
        #expect(lines.contains { $0.hasPrefix("  residual.batch_norm (BatchNorm)") && $0.hasSuffix(" 16") })
        #expect(lines.contains { $0.hasPrefix("  shortcut residual.conv2d_2 (Conv2D)") && $0.hasSuffix(" 12") })
        let model = try smallResidualModel()
        #expect(lines.contains("Total params: \(model.trainableCount + model.nonTrainableCount)"))
    }

    /// Trained for an epoch, saved and loaded: the same architecture and bit-identical predictions.
    @Test func savedResidualModelLoadsWithBitIdenticalPredictions() throws {
        let folder = try TemporaryFolder()
        let model = try smallResidualModel()
        let data = try separableData(count: 24, shape: [6, 6, 2], classes: 3, seed: 12)
        var recipe = TrainingRecipe()
        (recipe.epochs, recipe.batchSize) = (1, 8)
        _ = try recipe.makeTrainer(for: model, progress: silentProgress()).fit(images: data.images, labels: data.labels)
        try model.save(to: folder.path("res"))
        let loaded = try Sequential.load(from: folder.path("res"))
        #expect(Architecture(of: loaded) == Architecture(of: model))
        #expect(sameWeights(loaded.weights, model.weights))
        #expect(try loaded.predict(data.images).scalars == model.predict(data.images).scalars)
    }

    /// Recalibration reaches the batch norm inside a block.
    @Test func batchNormRecalibrationReachesInnerLayers() throws {
        let model = try smallResidualModel()
        let x = try images(16)
        var generator = SeededGenerator(seed: 1)
        try model.recalibrateBatchNorm(images: x, batchSize: 16, batches: 1, generator: &generator)
        // One batch: the running mean becomes that batch's mean of the first conv's output.
        let block = try #require(model.layers[0] as? ResidualLayer)
        let conv = try GradientMode.withoutGradients { try block.body[0].forward(x, context: ForwardContext(training: false)) }
        let expected = try conv.mean(axes: [0, 1, 2])
        let mean = try #require(model.weights["residual.batch_norm.running_mean"])
        // Two orders of one 576-term sum, of values below 1 (tanh).
        expectClose(mean.scalars, expected.scalars.map(Double.init), tolerance: Tolerance.betweenTwoSums(terms: 576, absoluteSum: 576) / 576)
    }

    @Test func readyMadeResidualNetworkAndVGGClassifyFaces() throws {
        let resnet = try ReferenceModel(named: "resnet").make(classes: 7, seed: 1)
        #expect(resnet.outputShape == [7])
        #expect(resnet.layers.filter { $0 is ResidualLayer }.count == 4)
        #expect(resnet.outputShapes[resnet.layers.count - 5] == [3, 3, 512])
        let vgg = try ReferenceModel(named: "vgg").make(classes: 7, seed: 1)
        #expect(vgg.outputShape == [7])
        #expect(vgg.layers.filter { $0 is Conv2DLayer }.count == 8)
        var generator = SeededGenerator(seed: 2)
        let faces = try Tensor.randomUniform([2, 48, 48, 1], low: 0, high: 1, using: &generator)
        for model in [resnet, vgg] {
            let p = try model.predict(faces), logits = try model.predictLogits(faces)
            for row in 0..<2 {
                let sum = p.scalars[row * 7..<(row + 1) * 7].reduce(0, +)
                let z = logits.scalars[row * 7..<(row + 1) * 7]
                // Each probability within Tolerance.softmax relatively; their sum rounds γ(6) more.
                let bound = Tolerance.softmax(classes: 7, logitSpread: Double(z.max()! - z.min()!)) + Tolerance.gamma(6)
                #expect(Swift.abs(Double(sum) - 1) <= bound, "row \(row): probabilities sum to \(sum)")
            }
        }
    }
}
