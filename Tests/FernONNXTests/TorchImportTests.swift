import FernAnalysis
import FernNN
import FernTensor
import FernTestSupport
import Foundation
import Testing
@testable import FernONNX

/// A CNN defined and trained briefly in PyTorch and exported by both of torch.onnx.export's
/// exporters (Fixtures/make_torch_cnn.py: convolutions with batch norm folded in, a residual
/// block, average pooling, a channel-first Flatten or Reshape, Linear layers stored [out, in],
/// softmax; torch.export's with its weights in a .data file beside the model), read by Fern:
/// PyTorch's probabilities and input gradients, to 1e-4; and it explains and trains.
@Suite struct TorchImportTests {
    static func fixture(_ name: String) throws -> URL {
        try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"))
    }

    static func npy(_ name: String) throws -> Tensor {
        let url = try fixture(name)
        return try Tensor(npy: try Data(contentsOf: url), source: url.path)
    }

    /// The model, its inputs as Fern's NHWC (one channel: the same values in the same order),
    /// and PyTorch's probabilities and gradients.
    static func load(_ file: String) throws -> (model: Sequential, images: Tensor, probabilities: Tensor, gradients: Tensor) {
        let model = try ONNXImport.model(contentsOf: try fixture(file).path)
        let inputs = try npy("torch_inputs.npy")
        #expect(inputs.shape == [8, 1, 48, 48])
        let gradients = try npy("torch_gradients.npy")
        return (model, try inputs.reshaped([8, 48, 48, 1]), try npy("torch_probabilities.npy"), try gradients.reshaped([8, 48, 48, 1]))
    }

    static func maxDifference(_ a: Tensor, _ b: Tensor) -> Float {
        zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? 0
    }

    static let files = ["torch_cnn.onnx", "torch_cnn_dynamo.onnx"]

    @Test(arguments: files) func theLayersAreReadAsFernLayers(file: String) throws {
        let (model, _, _, _) = try Self.load(file)
        #expect(model.layers.map(\.kind) == ["Conv2D", "MaxPool2D", "Conv2D", "MaxPool2D", "Residual", "AvgPool2D", "Flatten",
                                              "Dense", "Dense", "Activation"])
        let block = try #require(model.layers[4] as? ResidualLayer)
        #expect(block.body.map(\.kind) == ["Conv2D", "Conv2D"] && block.shortcut.isEmpty && block.activation == .relu)
        let (first, second) = (try #require(model.layers[0] as? Conv2DLayer), try #require(model.layers[2] as? Conv2DLayer))
        #expect(first.padding == .same && first.activation == .relu && second.kernelSize == (5, 5) && second.padding == .same)
        if file == "torch_cnn.onnx" {
            #expect(model.layers.map(\.name).prefix(3) == ["conv2d", "max_pool", "conv2d_1"], "PyTorch's '/features/...' names are not Fern names")
        }
    }

    @Test(arguments: files) func probabilitiesAreTorchs(file: String) throws {
        let (model, images, probabilities, _) = try Self.load(file)
        let fern = try model.predict(images)
        #expect(fern.shape == probabilities.shape)
        #expect(Self.maxDifference(fern, probabilities) <= 1e-4, "max |Δp| \(Self.maxDifference(fern, probabilities))")
    }

    /// The saliency map is the gradient of the predicted class's score before softmax.
    @Test(arguments: files) func saliencyIsTorchsInputGradient(file: String) throws {
        let (model, images, _, torch) = try Self.load(file)
        let input = images.detached().requiringGrad()
        let logits = try model.logits(input, context: ForwardContext(training: false))
        let chosen = try logits.argmax(axis: -1).scalars.map { Int($0) }
        var mask = [Float](repeating: 0, count: 8 * 7)
        for (row, label) in chosen.enumerated() { mask[row * 7 + label] = 1 }
        let score = try (logits * Tensor(shape: [8, 7], scalars: mask)).sum()
        let fern = try gradients(of: score, wrt: [input])[0]
        let difference = Self.maxDifference(fern, torch)
        #expect(difference <= 1e-4, "max |Δ gradient| \(difference)")

        // Saliency.vanilla: |gradient| over each image's peak, so the error grows by 2 / peak.
        let maps = try Saliency.vanilla(model: model, images: images)
        for k in 0..<8 {
            let torchMap = Array(torch.scalars[(k * 2304)..<((k + 1) * 2304)]).map(abs)
            let peak = torchMap.max() ?? 1
            let fernMap = Array(maps.scalars[(k * 2304)..<((k + 1) * 2304)])
            let error = zip(fernMap, torchMap).map { abs($0 - $1 / peak) }.max() ?? 0
            #expect(error <= 2 * 1e-4 / peak, "image \(k): saliency differs by \(error) (peak \(peak))")
        }
    }

    @Test(arguments: files) func gradCAMAndFiltersWorkAndItTrainsFurther(file: String) throws {
        let (model, images, probabilities, _) = try Self.load(file)
        let cam = try Saliency.gradCAM(model: model, images: images, layer: 4)
        #expect(cam.shape == [8, 48, 48] && cam.scalars.allSatisfy { (0...1).contains($0) })
        var ascent = ActivationMaximization()
        ascent.steps = 5
        let filters = try ascent.run(model: model, layer: 2, filters: [0, 1, 2])
        #expect(filters.images.shape == [3, 48, 48, 1] && filters.images.scalars.allSatisfy(\.isFinite))

        let labels = try probabilities.argmax(axis: -1).scalars.map { Int($0) }
        let before = model.weights
        var recipe = TrainingRecipe()
        (recipe.epochs, recipe.batchSize) = (2, 4)
        let history = try recipe.makeTrainer(for: model, progress: ProgressReporter(style: .silent) { _ in })
            .fit(images: images, labels: labels)
        #expect(history.loss.count == 2 && history.loss.allSatisfy(\.isFinite))
        #expect(model.weights.contains { name, value in value.scalars != before[name]?.scalars }, "training changed no weight")
    }
}
