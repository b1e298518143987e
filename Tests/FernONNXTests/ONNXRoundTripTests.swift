import FernNN
import FernTensor
import FernTestSupport
import Foundation
import Testing
@testable import FernONNX

/// Models written as ONNX and read back: the same layers doing the same arithmetic, so the
/// same outputs bit for bit. (Tests/Interop/onnx_test.py checks the files with onnx's checker
/// and onnxruntime, and a PyTorch model's import against PyTorch's own outputs.)
@Suite struct ONNXRoundTripTests {
    static func images(_ count: Int, seed: UInt64 = 5) throws -> Tensor {
        var generator = SeededGenerator(seed: seed)
        return try Tensor.randomUniform([count, 48, 48, 1], using: &generator)
    }

    /// Batch-norm statistics away from 0 and 1, so that reading them back matters.
    static func scrambleStatistics(_ model: Sequential, seed: UInt64 = 9) throws {
        var generator = SeededGenerator(seed: seed)
        for layer in model.layers.flatMap(\.allLayers) {
            guard let norm = layer as? BatchNormLayer, let mean = norm.runningMean, let variance = norm.runningVariance,
                  let gamma = norm.gamma, let beta = norm.beta else { continue }
            mean.value = try Tensor.randomNormal(mean.value.shape, std: 0.2, using: &generator)
            variance.value = try Tensor.randomUniform(variance.value.shape, low: 0.5, high: 2, using: &generator)
            gamma.value = try Tensor.randomUniform(gamma.value.shape, low: 0.5, high: 1.5, using: &generator)
            beta.value = try Tensor.randomNormal(beta.value.shape, std: 0.1, using: &generator)
        }
    }

    static func roundTrip(_ model: Sequential) throws -> Sequential {
        try ONNXImport.model(data: try ONNXExport.data(model), source: "test.onnx")
    }

    /// The layers that hold weights, by name and kind (dropout is left out of ONNX, and an
    /// activation after a dense layer comes back as its own layer).
    static func weighted(_ model: Sequential) -> [String] {
        model.layers.flatMap(\.allLayers).filter { !$0.parameters.isEmpty }.map { "\($0.name) \($0.kind)" }
    }

    @Test(arguments: ReferenceModel.allCases)
    func readyMadeModelsComeBackPredictingTheSame(_ reference: ReferenceModel) throws {
        let model = try reference.make(classes: 7, seed: 3)
        try Self.scrambleStatistics(model)
        let back = try Self.roundTrip(model)
        let x = try Self.images(6)
        #expect(try back.predict(x).scalars == model.predict(x).scalars)
        #expect(Self.weighted(back) == Self.weighted(model))
        #expect(back.inputShape == model.inputShape && back.outputShape == model.outputShape)
    }

    /// Every layer kind and option: strided valid convolutions, average pooling with "same"
    /// padding, every activation, a residual block with a projection and one without, an
    /// activation over feature maps' channels.
    @Test func everyLayerKindComesBack() throws {
        let block = try ResidualLayer(body: [try Conv2DLayer(filters: 6, kernelSize: (3, 3), padding: .same, activation: .elu),
                                             try BatchNormLayer(), try Conv2DLayer(filters: 8, kernelSize: (3, 3), padding: .same)],
                                      shortcut: [try Conv2DLayer(filters: 8, kernelSize: (1, 1))], activation: .leakyRelu(alpha: 0.2))
        let model = try Sequential([
            try Conv2DLayer(filters: 4, kernelSize: (5, 5), strides: (2, 2), activation: .tanh),
            try PoolingLayer(.average, poolSize: (3, 3), strides: (2, 2), padding: .same),
            block,
            try ResidualLayer(body: [try Conv2DLayer(filters: 8, kernelSize: (3, 3), padding: .same, activation: .sigmoid)], activation: .linear),
            ActivationLayer(.softmax, name: "channel_softmax"),
            try PoolingLayer(.max, poolSize: (2, 2), padding: .same),
            try DropoutLayer(rate: 0.3),
            FlattenLayer(),
            try DenseLayer(units: 12, activation: .relu, useBias: false),
            try DenseLayer(units: 5, activation: .softmax),
        ], inputShape: [48, 48, 1], seed: 4)
        try Self.scrambleStatistics(model)
        let back = try Self.roundTrip(model)
        let x = try Self.images(4)
        #expect(try back.predict(x).scalars == model.predict(x).scalars)
        #expect(back.layers.map(\.kind) == ["Conv2D", "AvgPool2D", "Residual", "Residual", "Activation", "MaxPool2D", "Flatten",
                                             "Dense", "Dense", "Activation"])
        let names = back.layers.flatMap(\.allLayers).map(\.name)
        #expect(names.contains("residual.conv2d_2") && names.contains("channel_softmax") && names.contains("residual_1"))
    }

    @Test func ensemblesComeBackAsEnsembles() throws {
        let members = try [1, 2].map { seed in try ReferenceModel.seedDNN.make(classes: 7, seed: UInt64(seed)) }
        for member in members { try Self.scrambleStatistics(member, seed: 11) }
        let ensemble = try EnsembleLayer.model(of: members)
        let back = try Self.roundTrip(ensemble)
        #expect(back.layers.map(\.kind) == ["Ensemble", "Activation"])
        let x = try Self.images(5)
        // Both sides are Fern's ensemble layer on the same weights.
        #expect(try back.predict(x).scalars == ensemble.predict(x).scalars)
    }

    @Test func nodesAndWeightsAreNamedAfterTheLayers() throws {
        let model = try ReferenceModel.resnet.make(classes: 7, seed: 1)
        let graph = try ONNXExport.model(model).graph
        let names = Set(graph.node.map(\.name))
        for name in ["conv2d", "batch_norm", "max_pool", "residual", "residual_1.conv2d_2", "global_avgpool", "dense", "softmax"] {
            #expect(names.contains(name), "no node \(name)")
        }
        #expect(!graph.node.contains { $0.opType == "Dropout" })
        #expect(Set(graph.initializer.map(\.name)) == Set(model.parameters.map(\.name)))
        #expect(graph.input.first?.type.tensorType.shape.dim.map(\.dimValue) == [0, 1, 48, 48])
        #expect(graph.input.first?.type.tensorType.shape.dim.first?.dimParam == "N")
        let conv = try #require(graph.initializer.first { $0.name == "conv2d.weight" })
        #expect(conv.dims == [32, 1, 3, 3], "ONNX kernels are [out, in, kh, kw]")
    }

    /// A PyTorch CNN flattens NCHW maps (channel first) and stores Linear weights as
    /// [out, in] (Gemm transB=1): rewrite an exported Fern CNN that way and it must still give
    /// the same outputs.
    @Test func channelFirstFlattenAndTransposedWeightsAreReadInFernOrder() throws {
        let model = try ReferenceModel.seedCNN.make(classes: 7, seed: 6)
        try Self.scrambleStatistics(model)
        var proto = try ONNXExport.model(model)
        let transpose = try #require(proto.graph.node.firstIndex { $0.opType == "Transpose" })
        let mapsName = proto.graph.node[transpose].input[0]
        proto.graph.node.remove(at: transpose)
        let flatten = try #require(proto.graph.node.firstIndex { $0.opType == "Flatten" })
        proto.graph.node[flatten].input = [mapsName]
        let gemm = try #require(proto.graph.node.firstIndex { $0.opType == "Gemm" })
        let weightName = proto.graph.node[gemm].input[1]
        let index = try #require(proto.graph.initializer.firstIndex { $0.name == weightName })
        let flattenIndex = try #require(model.layers.firstIndex { $0 is FlattenLayer })
        let maps = model.outputShapes[flattenIndex - 1]
        let (h, w, c) = (maps[0], maps[1], maps[2])
        let fern = try ONNXTensors.tensor(proto.graph.initializer[index], what: "weights")
        let units = fern.shape[1]
        // Rows from (h, w, c) order to (c, h, w), then stored as [out, in].
        let torch = try fern.reshaped([h, w, c, units]).permuted([2, 0, 1, 3]).reshaped([c * h * w, units]).transposed()
        proto.graph.initializer[index] = ONNXTensors.proto(torch, name: weightName)
        proto.graph.node[gemm].attribute = proto.graph.node[gemm].attribute.filter { $0.name != "transB" } + [.int("transB", 1)]
        let back = try ONNXImport.model(proto, source: "torch-like.onnx")
        let x = try Self.images(3)
        #expect(try back.predict(x).scalars == model.predict(x).scalars)
    }
}
