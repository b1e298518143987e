import Foundation
import Testing
@testable import FernNN
import FernTensor

/// Building models: parameter counts, output shapes, summaries, names and
/// the errors of layers that do not fit their input.
@Suite struct ModelTests {
    @Test func seedCNNHasTheReportedParameterCountsAndShapes() throws {
        let model = try Sequential.seedCNN()
        // Conv 5×5: 5·5·in·out + out;  BatchNorm: γ, β trainable, running mean/variance not.
        let convs = (5 * 5 * 1 * 64 + 64) + (5 * 5 * 64 * 128 + 128) + (5 * 5 * 128 * 256 + 256)  // 1,664 + 204,928 + 819,456
        let denses = (6 * 6 * 256 * 128 + 128) + (128 * 7 + 7)                                    // 1,179,776 + 903
        let batchNormChannels = 64 + 128 + 256 + 128 + 7                                          // 583
        #expect(convs + denses + 2 * batchNormChannels == 2_207_893)
        #expect(model.trainableCount == 2_207_893)
        #expect(model.nonTrainableCount == 2 * batchNormChannels)
        #expect(model.nonTrainableCount == 1_166)
        #expect(model.outputShapes == [
            [48, 48, 64], [24, 24, 64], [24, 24, 64], [24, 24, 64],
            [24, 24, 128], [12, 12, 128], [12, 12, 128], [12, 12, 128],
            [12, 12, 256], [6, 6, 256], [6, 6, 256], [6, 6, 256],
            [9216], [128], [128], [128], [7], [7], [7],
        ])
        #expect(model.outputShape == [7])
        #expect(model.endsInSoftmax)
    }

    @Test func seedDNNHasTheReportedParameterCounts() throws {
        let model = try Sequential.seedDNN()
        let denses = (48 * 48 * 512 + 512) + (512 * 1024 + 1024) + (1024 * 512 + 512) + (512 * 7 + 7)
        let batchNormChannels = 512 + 1024 + 512 + 7                                              // 2,055
        #expect(denses + 2 * batchNormChannels == 2_237_973)
        #expect(model.trainableCount == 2_237_973)
        #expect(model.nonTrainableCount == 4_110)
        #expect(model.outputShapes.first == [2304])
        #expect(model.outputShape == [7])
    }

    @Test func summaryListsLayersShapesAndTotals() throws {
        let summary = try Sequential.seedCNN().summary
        let lines = summary.split(separator: "\n").map(String.init)
        #expect(lines.contains("Total params: 2,209,059"))  // 2,207,893 + 1,166
        #expect(lines.contains("Trainable params: 2,207,893"))
        #expect(lines.contains("Non-trainable params: 1,166"))
        func row(_ layer: String) -> String? { lines.first { $0.hasPrefix(layer + " ") } }
        let firstConv = try #require(row("conv2d (Conv2D)"))
        #expect(firstConv.contains("(None, 48, 48, 64)") && firstConv.hasSuffix(" 1,664"))
        let secondConv = try #require(row("conv2d_1 (Conv2D)"))
        #expect(secondConv.contains("(None, 24, 24, 128)") && secondConv.hasSuffix(" 204,928"))
        let pool = try #require(row("max_pool (MaxPool2D)"))
        #expect(pool.contains("(None, 24, 24, 64)") && pool.hasSuffix(" 0"))
        let flatten = try #require(row("flatten (Flatten)"))
        #expect(flatten.contains("(None, 9216)"))
        let output = try #require(row("dense_1 (Dense)"))
        #expect(output.contains("(None, 7)") && output.hasSuffix(" 903"))  // 128·7 + 7
        let batchNorm = try #require(row("batch_norm (BatchNorm)"))
        #expect(batchNorm.hasSuffix(" 256"))  // 4·64, running statistics included
        #expect(lines.filter { $0.contains("(Conv2D)") }.count == 3)
    }

    @Test func duplicateLayerNamesGetKerasStyleSuffixes() throws {
        let model = try Sequential([Conv2DLayer(filters: 2, kernelSize: (3, 3)), Conv2DLayer(filters: 2, kernelSize: (3, 3)),
                                    Conv2DLayer(filters: 2, kernelSize: (3, 3)), FlattenLayer(), DenseLayer(units: 2)],
                                   inputShape: [8, 8, 1])
        #expect(model.layers.map(\.name) == ["conv2d", "conv2d_1", "conv2d_2", "flatten", "dense"])
        #expect(model.weights.keys.sorted() == ["conv2d.bias", "conv2d.weight", "conv2d_1.bias", "conv2d_1.weight",
                                                "conv2d_2.bias", "conv2d_2.weight", "dense.bias", "dense.weight"])
    }

    @Test func suffixesSkipNamesTheUserAlreadyTook() throws {
        let model = try Sequential([DenseLayer(units: 3, name: "dense_1"), DenseLayer(units: 3), DenseLayer(units: 3)],
                                   inputShape: [2])
        let names = model.layers.map(\.name)
        #expect(Set(names).count == 3, "names must be unique: \(names)")
        #expect(names[0] == "dense_1" && names[1] == "dense")
    }

    @Test func layersCanBeFoundByNameAndPosition() throws {
        let model = try Sequential([DenseLayer(units: 4, activation: .relu), DenseLayer(units: 3), ActivationLayer(.softmax)],
                                   inputShape: [2])
        #expect(try model.layer(named: "dense_1") === model.layers[1])
        #expect(try model.layer(at: 0) === model.layers[0])
        #expect(try model.layer(at: -1) === model.layers[2])
        #expect(try model.layer(at: -3) === model.layers[0])
        expectError(containing: ["no layer named 'conv2d'", "dense, dense_1, softmax"]) { _ = try model.layer(named: "conv2d") }
        expectError(containing: ["layer index 3 is out of range", "3 layers"]) { _ = try model.layer(at: 3) }
        expectError(containing: ["layer index -4 is out of range"]) { _ = try model.layer(at: -4) }
    }

    @Test func denseOnImagesIsRejectedNamingTheLayerAndShape() {
        expectError(containing: ["dense", "Dense", "[6, 6, 2]", "flatten"]) {
            _ = try Sequential([Conv2DLayer(filters: 2, kernelSize: (3, 3)), DenseLayer(units: 4)], inputShape: [8, 8, 1])
        }
    }

    @Test func convolutionOnFlatInputIsRejectedNamingTheLayerAndShape() {
        expectError(containing: ["conv2d", "Conv2D", "[16]"]) {
            _ = try Sequential([DenseLayer(units: 16), Conv2DLayer(filters: 2, kernelSize: (3, 3))], inputShape: [4])
        }
        expectError(containing: ["max_pool", "[4]"]) { _ = try Sequential([PoolingLayer(.max)], inputShape: [4]) }
    }

    @Test func kernelLargerThanTheImageIsAModelError() {
        expectError(containing: ["conv2d"]) {
            _ = try Sequential([Conv2DLayer(filters: 2, kernelSize: (5, 5))], inputShape: [3, 3, 1])
        }
    }

    @Test func badLayerSettingsAreRejected() {
        expectError(containing: ["Dense", "units"]) { _ = try DenseLayer(units: 0) }
        expectError(containing: ["Conv2D"]) { _ = try Conv2DLayer(filters: 0, kernelSize: (3, 3)) }
        expectError(containing: ["Dropout rate"]) { _ = try DropoutLayer(rate: 1) }
        expectError(containing: ["BatchNorm", "momentum"]) { _ = try BatchNormLayer(momentum: 1) }
        expectError(containing: ["unknown activation 'swish'"]) { _ = try Activation(name: "swish") }
        expectError(containing: ["at least one layer"]) { _ = try Sequential([], inputShape: [2]) }
    }

    @Test func forwardWithTheWrongInputShapeSaysWhatItExpected() throws {
        let model = try Sequential([FlattenLayer(), DenseLayer(units: 2)], inputShape: [4, 4, 1])
        expectError(containing: ["[batch, 4, 4, 1]", "[2, 4, 4, 3]"]) {
            _ = try model.forward(Tensor.zeros([2, 4, 4, 3]), context: ForwardContext(training: false))
        }
        expectError(containing: ["[batch, 4, 4, 1]", "[16]"]) {
            _ = try model.predict(Tensor.zeros([16]))
        }
    }

    @Test func sameSeedGivesSameInitialWeightsAndOtherSeedsDoNot() throws {
        func make(_ seed: UInt64) throws -> Sequential {
            try Sequential([DenseLayer(units: 4), DenseLayer(units: 2)], inputShape: [3], seed: seed)
        }
        #expect(sameWeights(try make(1).weights, try make(1).weights))
        #expect(!sameWeights(try make(1).weights, try make(2).weights))
    }
}
