import FernNN
import FernTensor
import Foundation
import SwiftProtobuf

/// A Fern model as an ONNX model (opset 17): input "input" [N, channels, height, width] (NCHW,
/// as ONNX runtimes expect), output the last layer's tensor, [N, classes].
///
/// Every layer maps to standard operators: Conv (kernels transposed from [kh, kw, in, out] to
/// [out, in, kh, kw], "same" padding as explicit pads), Gemm, MaxPool and AveragePool (padding
/// not counted), BatchNormalization, the activations, GlobalAveragePool + Flatten, Add for a
/// residual block, and Softmax, Mean and Log for an ensemble. A Flatten of feature maps first
/// transposes them back to NHWC, so the dense layer after it sees Fern's order. Dropout,
/// the identity in inference, is left out. Nodes are named after the layers.
public enum ONNXExport {
    public static let opset: Int64 = 17
    public static let irVersion: Int64 = 8

    static func model(_ model: Sequential) throws -> Onnx_ModelProto {
        var graph = GraphWriter()
        let output = try graph.layers(model.layers, input: "input", inputShape: model.inputShape, shapes: model.outputShapes)
        var proto = Onnx_ModelProto()
        proto.irVersion = irVersion
        proto.producerName = "fern"
        proto.producerVersion = "1"
        var opset = Onnx_OperatorSetIdProto()
        opset.domain = ""
        opset.version = Self.opset
        proto.opsetImport = [opset]
        proto.graph.name = ReferenceModel.name(of: model)
        proto.graph.node = graph.nodes
        proto.graph.initializer = graph.initializers
        proto.graph.input = [valueInfo("input", shape: onnxShape(model.inputShape))]
        proto.graph.output = [valueInfo(output, shape: onnxShape(model.outputShape))]
        return proto
    }

    /// The model as the bytes of an .onnx file.
    public static func data(_ model: Sequential) throws -> Data {
        try self.model(model).serializedData()
    }

    /// Writes the model as an .onnx file, atomically.
    public static func write(_ model: Sequential, to path: String) throws {
        try AtomicFile.write(try data(model), to: URL(fileURLWithPath: path))
    }

    /// [N, C, H, W] for an image shape [H, W, C]; [N, features] for a flat one.
    static func onnxShape(_ shape: [Int]) -> [Int?] {
        shape.count == 3 ? [nil, shape[2], shape[0], shape[1]] : [nil] + shape
    }

    static func valueInfo(_ name: String, shape: [Int?]) -> Onnx_ValueInfoProto {
        var info = Onnx_ValueInfoProto()
        info.name = name
        info.type.tensorType.elemType = ONNXTensors.float
        info.type.tensorType.shape.dim = shape.map { size in
            var dim = Onnx_TensorShapeProto.Dimension()
            if let size { dim.dimValue = Int64(size) } else { dim.dimParam = "N" }
            return dim
        }
        return info
    }
}

/// The nodes and initializers of a graph being written, with unique tensor names.
struct GraphWriter {
    var nodes: [Onnx_NodeProto] = []
    var initializers: [Onnx_TensorProto] = []
    private var used: Set<String> = ["input"]

    /// A name not used yet: `name`, else `name_1`, `name_2`, ...
    mutating func unique(_ name: String) -> String {
        var candidate = name, k = 0
        while used.contains(candidate) {
            k += 1
            candidate = "\(name)_\(k)"
        }
        used.insert(candidate)
        return candidate
    }

    /// Adds a node named `name` whose one output is a tensor of the same name; returns it.
    @discardableResult
    mutating func node(_ op: String, _ inputs: [String], name: String, _ attributes: [Onnx_AttributeProto] = []) -> String {
        var node = Onnx_NodeProto()
        node.opType = op
        node.name = unique(name)
        node.input = inputs
        node.output = [node.name]
        node.attribute = attributes
        nodes.append(node)
        return node.name
    }

    mutating func initializer(_ tensor: Tensor, name: String) -> String {
        let name = unique(name)
        initializers.append(ONNXTensors.proto(tensor, name: name))
        return name
    }

    /// The layers applied in order to `input` of per-example shape `inputShape`; `shapes` are
    /// their output shapes. Returns the last tensor's name.
    mutating func layers(_ layers: [Layer], input: String, inputShape: [Int], shapes: [[Int]]) throws -> String {
        var (x, shape) = (input, inputShape)
        for (layer, output) in zip(layers, shapes) {
            x = try self.layer(layer, x, inputShape: shape)
            shape = output
        }
        return x
    }

    private mutating func layer(_ layer: Layer, _ x: String, inputShape shape: [Int]) throws -> String {
        switch layer {
        case let conv as Conv2DLayer:
            guard let weight = conv.weight else { throw ONNXError("\(conv.name) is not built") }
            var inputs = [x, initializer(try ONNXTensors.onnxKernel(weight.value), name: weight.name)]
            if let bias = conv.bias { inputs.append(initializer(bias.value, name: bias.name)) }
            let pads = conv.padding.pads(size: (shape[0], shape[1]), kernel: conv.kernelSize, stride: conv.strides)
            let y = node("Conv", inputs, name: conv.name, [
                .ints("kernel_shape", [conv.kernelSize.0, conv.kernelSize.1]), .ints("strides", [conv.strides.0, conv.strides.1]),
                .ints("pads", pads), .ints("dilations", [1, 1]), .int("group", 1)])
            return try activation(conv.activation, y, rank: 3, name: "\(conv.name)_\(conv.activation.name)")
        case let dense as DenseLayer:
            guard let weight = dense.weight else { throw ONNXError("\(dense.name) is not built") }
            var inputs = [x, initializer(weight.value, name: weight.name)]
            if let bias = dense.bias { inputs.append(initializer(bias.value, name: bias.name)) }
            let y = node("Gemm", inputs, name: dense.name, [.float("alpha", 1), .float("beta", 1), .int("transA", 0), .int("transB", 0)])
            return try activation(dense.activation, y, rank: 1, name: "\(dense.name)_\(dense.activation.name)")
        case let pool as PoolingLayer:
            let pads = pool.padding.pads(size: (shape[0], shape[1]), kernel: pool.poolSize, stride: pool.strides)
            var attributes: [Onnx_AttributeProto] = [
                .ints("kernel_shape", [pool.poolSize.0, pool.poolSize.1]), .ints("strides", [pool.strides.0, pool.strides.1]),
                .ints("pads", pads)]
            if pool.pooling == .average { attributes.append(.int("count_include_pad", 0)) }
            return node(pool.pooling == .max ? "MaxPool" : "AveragePool", [x], name: pool.name, attributes)
        case let norm as BatchNormLayer:
            guard let gamma = norm.gamma, let beta = norm.beta, let mean = norm.runningMean, let variance = norm.runningVariance else {
                throw ONNXError("\(norm.name) is not built")
            }
            let inputs = [x] + [gamma, beta, mean, variance].map { initializer($0.value, name: $0.name) }
            return node("BatchNormalization", inputs, name: norm.name, [.float("epsilon", norm.epsilon), .float("momentum", norm.momentum)])
        case is DropoutLayer:
            return x
        case let flatten as FlattenLayer:
            guard shape.count > 1 else { return x }
            // Back to NHWC first, so the features come in Fern's (and Keras') order.
            let nhwc = shape.count == 3 ? node("Transpose", [x], name: "\(flatten.name)_nhwc", [.ints("perm", [0, 2, 3, 1])]) : x
            return node("Flatten", [nhwc], name: flatten.name, [.int("axis", 1)])
        case let layer as ActivationLayer:
            return try activation(layer.activation, x, rank: shape.count, name: layer.name)
        case let pool as GlobalAveragePoolingLayer:
            let pooled = node("GlobalAveragePool", [x], name: pool.name)
            return node("Flatten", [pooled], name: "\(pool.name)_flatten", [.int("axis", 1)])
        case let block as ResidualLayer:
            let body = try layers(block.body, input: x, inputShape: shape, shapes: block.bodyShapes)
            let shortcut = try layers(block.shortcut, input: x, inputShape: shape, shapes: block.shortcutShapes)
            let sum = node("Add", [body, shortcut], name: block.name)
            return try activation(block.activation, sum, rank: shape.count, name: "\(block.name)_\(block.activation.name)")
        case let ensemble as EnsembleLayer:
            let probabilities = try zip(ensemble.members, ensemble.memberShapes).enumerated().map { k, member in
                let logits = try layers(member.0, input: x, inputShape: shape, shapes: member.1)
                return node("Softmax", [logits], name: "\(ensemble.name).\(k).softmax", [.int("axis", -1)])
            }
            let mean = node("Mean", probabilities, name: "\(ensemble.name)_mean")
            return node("Log", [mean], name: ensemble.name)
        default:
            throw ONNXError("layer \(layer.name): ONNX export does not know Fern's \(layer.kind) layers")
        }
    }

    /// The activation as its operator (nothing for linear); `rank` is the per-example rank, so a
    /// softmax over an image's channels is over ONNX's axis 1.
    private mutating func activation(_ activation: Activation, _ x: String, rank: Int, name: String) throws -> String {
        switch activation {
        case .linear: x
        case .relu: node("Relu", [x], name: name)
        case .sigmoid: node("Sigmoid", [x], name: name)
        case .tanh: node("Tanh", [x], name: name)
        case .elu: node("Elu", [x], name: name, [.float("alpha", 1)])
        case .leakyRelu(let alpha): node("LeakyRelu", [x], name: name, [.float("alpha", alpha)])
        case .softmax: node("Softmax", [x], name: name, [.int("axis", rank == 3 ? 1 : -1)])
        }
    }
}

extension Onnx_AttributeProto {
    static func int(_ name: String, _ value: Int) -> Self {
        var attribute = Self()
        attribute.name = name
        attribute.type = .int
        attribute.i = Int64(value)
        return attribute
    }

    static func ints(_ name: String, _ values: [Int]) -> Self {
        var attribute = Self()
        attribute.name = name
        attribute.type = .ints
        attribute.ints = values.map(Int64.init)
        return attribute
    }

    static func float(_ name: String, _ value: Float) -> Self {
        var attribute = Self()
        attribute.name = name
        attribute.type = .float
        attribute.f = value
        return attribute
    }
}
