import FernNN
import FernTensor
import Foundation
import SwiftProtobuf

/// An ONNX model as a Fern model: the operators ONNXExport writes, and those a PyTorch or Keras
/// CNN of the same kinds exports (Conv, Gemm or MatMul + Add, MaxPool, AveragePool,
/// BatchNormalization, Relu and the other activations, Softmax, Flatten or Reshape,
/// GlobalAveragePool, Dropout and Identity). Branches that meet in an Add become a residual
/// block, branches that meet in a Mean then a Log an ensemble.
///
/// The input must be [N, C, H, W] images (or [N, features]); Fern runs it as NHWC, with the
/// kernels transposed, and where a Flatten takes NCHW feature maps the rows of the dense layer
/// after it are reordered to Fern's (h, w, c) order. An operator, attribute or padding Fern has
/// no layer for is an error naming the node.
public enum ONNXImport {
    public static func model(contentsOf path: String) throws -> Sequential {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ONNXError("cannot read '\(path)': \(error.localizedDescription)")
        }
        return try model(data: data, source: path, folder: URL(fileURLWithPath: path).deletingLastPathComponent())
    }

    /// The model in the bytes of an .onnx file; `source` names it in errors, `folder` holds the
    /// files of weights stored outside it, if any.
    public static func model(data: Data, source: String, folder: URL? = nil) throws -> Sequential {
        let proto: Onnx_ModelProto
        do {
            proto = try Onnx_ModelProto(serializedBytes: data)
        } catch {
            throw ONNXError("\(source) is not an ONNX model (truncated or corrupt: \(error))")
        }
        return try model(proto, source: source, folder: folder)
    }

    static func model(_ proto: Onnx_ModelProto, source: String, folder: URL? = nil) throws -> Sequential {
        for opset in proto.opsetImport where !["", "ai.onnx"].contains(opset.domain) {
            throw ONNXError("\(source): operators of the domain '\(opset.domain)' are not standard ONNX; Fern reads the default domain only")
        }
        var reader = try GraphReader(proto.graph, source: source, folder: folder)
        return try reader.read()
    }
}

/// Walks an ONNX graph from its input, turning nodes into layers.
struct GraphReader {
    let source: String
    /// Where the model file is, for weights stored beside it.
    let folder: URL?
    let nodes: [Onnx_NodeProto]
    let initializers: [String: Onnx_TensorProto]
    let input: String
    let inputShape: [Int]
    let outputs: Set<String>
    /// For each tensor, the nodes that read it, in graph order.
    let consumers: [String: [Int]]
    /// The weights of each layer made, by the last part of their parameter names.
    private var weights: [(layer: Layer, tensors: [String: Tensor])] = []
    /// After a Flatten of NCHW feature maps: their [H, W, C], for the dense layer that follows.
    private var channelsFirst: [Int]?
    /// After a Transpose of feature maps to NHWC, which a Flatten must follow.
    private var transposedToNHWC = false

    init(_ graph: Onnx_GraphProto, source: String, folder: URL?) throws {
        self.source = source
        self.folder = folder
        nodes = graph.node
        let initializers = Dictionary(graph.initializer.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.initializers = initializers
        let inputs = graph.input.filter { initializers[$0.name] == nil }
        guard inputs.count == 1, let input = inputs.first else {
            throw ONNXError("\(source): Fern models take one input, this graph has \(inputs.count) (\(inputs.map(\.name).joined(separator: ", ")))")
        }
        self.input = input.name
        let dims = input.type.tensorType.shape.dim.dropFirst().map { dim -> Int in
            if case .dimValue(let size)? = dim.value, size > 0, size <= 1 << 16 { return Int(size) }
            return -1
        }
        guard [1, 3].contains(dims.count), dims.allSatisfy({ (1...1 << 16).contains($0) }) else {
            throw ONNXError("\(source): the input '\(input.name)' must be [N, channels, height, width] images or [N, features] "
                            + "with every size but N fixed; it is [N, \(dims.map { $0 < 0 ? "?" : String($0) }.joined(separator: ", "))]")
        }
        inputShape = dims.count == 3 ? [dims[1], dims[2], dims[0]] : dims
        outputs = Set(graph.output.map(\.name))
        guard outputs.count == 1 else { throw ONNXError("\(source): Fern models give one output, this graph has \(outputs.count)") }
        var consumers: [String: [Int]] = [:]
        for (index, node) in nodes.enumerated() {
            for name in Set(node.input) where !name.isEmpty && initializers[name] == nil { consumers[name, default: []].append(index) }
        }
        self.consumers = consumers
    }

    mutating func read() throws -> Sequential {
        let (layers, shape, output) = try chain(from: input, shape: inputShape, first: nil, until: nil)
        guard outputs.contains(output) else {
            throw ONNXError("\(source): the walk from the input ended at '\(output)', not at the graph's output")
        }
        guard !layers.isEmpty else { throw ONNXError("\(source): the graph has no layers") }
        let model: Sequential
        do {
            model = try Sequential(layers, inputShape: inputShape)
        } catch let error as ModelError {
            throw ONNXError("\(source): the layers read do not fit together: \(error.message)")
        }
        guard model.outputShape == shape else {
            throw ONNXError("\(source): read as a model giving \(describeShape(model.outputShape)), expected \(describeShape(shape))")
        }
        for (layer, tensors) in weights {
            for parameter in layer.parameters {
                let part = String(parameter.name.split(separator: ".").last ?? "")
                guard let value = tensors[part] else { throw ONNXError("\(source): no \(part) for \(parameter.name)") }
                guard value.shape == parameter.value.shape else {
                    throw ONNXError("\(source): \(parameter.name) is \(describeShape(value.shape)) in the file, "
                                    + "but the layer needs \(describeShape(parameter.value.shape))")
                }
                parameter.value = value
            }
        }
        return model
    }

    // MARK: Walking

    /// The layers from `tensor` (of per-example shape `shape`) on: through `first` if given,
    /// then through each next node, until the node `join` (not included) or the graph's end.
    private mutating func chain(from tensor: String, shape: [Int], first: Int?, until join: Int?) throws
        -> (layers: [Layer], shape: [Int], output: String) {
        var (layers, current, shape) = ([Layer](), tensor, shape)
        var head = first
        var steps = 0
        while true {
            steps += 1
            guard steps <= nodes.count + 1 else { throw ONNXError("\(source): the graph has a cycle") }
            let next = head.map { [$0] } ?? consumers[current, default: []]
            head = nil
            if next.isEmpty || (outputs.contains(current) && join == nil) {
                guard join == nil else { throw ONNXError("\(source): a branch from '\(tensor)' ends before it joins the others") }
                return (layers, shape, current)
            }
            if next.count == 1 {
                if next[0] == join { return (layers, shape, current) }
                let (made, output, outShape) = try convert(next[0], input: current, shape: shape)
                layers += made
                (current, shape) = (output, outShape)
            } else {
                let (block, output, outShape) = try branches(next, from: current, shape: shape)
                layers.append(block)
                (current, shape) = (output, outShape)
            }
        }
    }

    /// Branches from `tensor` that meet again: a residual block (Add) or an ensemble (Mean, Log).
    private mutating func branches(_ heads: [Int], from tensor: String, shape: [Int]) throws -> (Layer, String, [Int]) {
        let join = try meeting(of: heads)
        let node = nodes[join]
        let paths = try heads.map { try chain(from: tensor, shape: shape, first: $0, until: join) }
        switch node.opType {
        case "Add" where paths.count == 2:
            guard paths.allSatisfy({ $0.shape == paths[0].shape }) else {
                throw ONNXError("\(source): node '\(node.name)' (Add) adds \(paths.map { describeShape($0.shape) }.joined(separator: " and "))")
            }
            // The body is the longer path; an empty one is the identity shortcut.
            let (body, shortcut) = paths[0].layers.count >= paths[1].layers.count ? (paths[0], paths[1]) : (paths[1], paths[0])
            let name = Self.fernName(node.name) ?? "residual"
            var output = node.output.first ?? ""
            var activation = Activation.linear
            if let fused = fusedActivation(after: output) {
                (activation, output) = (fused.activation, fused.output)
            }
            Self.dropPrefix(name + ".", from: body.layers + shortcut.layers)
            let block = try ResidualLayer(body: body.layers, shortcut: shortcut.layers, activation: activation, name: name)
            return (block, output, body.shape)
        case "Mean":
            guard let log = consumers[node.output.first ?? ""], log.count == 1, nodes[log[0]].opType == "Log" else {
                throw ONNXError("\(source): node '\(node.name)' (Mean) joins branches but no Log follows it; Fern reads a Mean of "
                                + "branches ending in Softmax, then a Log, as an ensemble")
            }
            let members = try paths.map { path -> [Layer] in
                guard let last = path.layers.last as? ActivationLayer, last.activation == .softmax else {
                    throw ONNXError("\(source): a branch into node '\(node.name)' (Mean) does not end in Softmax")
                }
                return Array(path.layers.dropLast())
            }
            let name = Self.fernName(nodes[log[0]].name) ?? "ensemble"
            for (k, member) in members.enumerated() { Self.dropPrefix("\(name).\(k).", from: member) }
            let block = try EnsembleLayer(members: members, name: name)
            return (block, nodes[log[0]].output.first ?? "", paths[0].shape)
        default:
            throw ONNXError("\(source): branches meet at node '\(node.name)' (\(node.opType)); Fern joins branches only with Add "
                            + "(a residual block, two branches) or Mean then Log (an ensemble)")
        }
    }

    /// The first node (in graph order, which ONNX keeps topological) that every head leads to.
    private func meeting(of heads: [Int]) throws -> Int {
        func reachable(from start: Int) -> Set<Int> {
            var seen: Set<Int> = [], stack = [start]
            while let index = stack.popLast() {
                guard seen.insert(index).inserted else { continue }
                for output in nodes[index].output { stack += consumers[output, default: []] }
            }
            return seen
        }
        let common = heads.dropFirst().reduce(reachable(from: heads[0])) { $0.intersection(reachable(from: $1)) }
        guard let join = common.min() else {
            throw ONNXError("\(source): the branches after node '\(nodes[heads[0]].name)' never meet again")
        }
        return join
    }

    // MARK: Nodes

    /// The node as layers (none for Dropout, Identity and layout changes), the tensor it ends at
    /// (after an activation it absorbed) and the per-example shape there.
    private mutating func convert(_ index: Int, input: String, shape: [Int]) throws -> ([Layer], String, [Int]) {
        let node = nodes[index]
        let attributes = Attributes(node, source: source)
        let name = Self.fernName(node.name)
        var output = node.output.first ?? ""
        func where_() -> String { "\(source): node '\(node.name)' (\(node.opType))" }
        func fuse() -> Activation {
            guard let fused = fusedActivation(after: output) else { return .linear }
            output = fused.output
            return fused.activation
        }
        if node.opType != "Flatten" && node.opType != "Reshape" && transposedToNHWC {
            throw ONNXError("\(where_()): Fern reads a Transpose to NHWC only right before a Flatten")
        }
        let layer: Layer
        switch node.opType {
        case "Conv":
            guard shape.count == 3 else { throw ONNXError("\(where_()): a convolution needs images, its input is \(describeShape(shape))") }
            let stored = try initializer(node, 1, "weights")
            guard stored.rank == 4 else { throw ONNXError("\(where_()): the weights are \(describeShape(stored.shape)), not [out, in, kh, kw]") }
            let kernel = try ONNXTensors.fernKernel(stored)
            guard try attributes.int("group", default: 1) == 1 else { throw ONNXError("\(where_()): grouped convolutions are not supported") }
            guard try attributes.ints("dilations", default: [1, 1]).allSatisfy({ $0 == 1 }) else {
                throw ONNXError("\(where_()): dilated convolutions are not supported")
            }
            guard kernel.shape[2] == shape[2] else {
                throw ONNXError("\(where_()): the weights take \(kernel.shape[2]) channels, the input has \(shape[2])")
            }
            let size = (kernel.shape[0], kernel.shape[1])
            let strides = try pair(attributes.ints("strides", default: [1, 1]), "strides", node)
            let padding = try self.padding(attributes, size: (shape[0], shape[1]), kernel: size, strides: strides, node)
            let bias = node.input.count > 2 && !node.input[2].isEmpty ? try initializer(node, 2, "bias") : nil
            let conv = try Conv2DLayer(filters: kernel.shape[3], kernelSize: size, strides: strides, padding: padding,
                                       activation: fuse(), useBias: bias != nil, name: name ?? "conv2d")
            var parts = ["weight": kernel]
            if let bias { parts["bias"] = try bias.reshaped([kernel.shape[3]]) }
            weights.append((conv, parts))
            layer = conv
        case "Gemm", "MatMul":
            guard shape.count == 1 else {
                throw ONNXError("\(where_()): a dense layer needs flat inputs, its input is \(describeShape(shape)); add a Flatten before it")
            }
            var matrix = try initializer(node, 1, "weights")
            guard matrix.rank == 2 else { throw ONNXError("\(where_()): the weights are \(describeShape(matrix.shape)), not a matrix") }
            var bias: Tensor?
            if node.opType == "Gemm" {
                guard try attributes.int("transA", default: 0) == 0 else { throw ONNXError("\(where_()): transA is not supported") }
                if try attributes.int("transB", default: 0) == 1 { matrix = try matrix.transposed() }
                let alpha = try attributes.float("alpha", default: 1)
                matrix = try matrix * alpha
                if node.input.count > 2 && !node.input[2].isEmpty {
                    let beta = try attributes.float("beta", default: 1)
                    bias = try initializer(node, 2, "bias") * beta
                }
            } else if let add = consumers[output], add.count == 1, nodes[add[0]].opType == "Add",
                      let constant = nodes[add[0]].input.first(where: { initializers[$0] != nil }) {
                // MatMul, then Add of a constant bias.
                bias = try ONNXTensors.tensor(initializers[constant]!, what: "the bias '\(constant)' of node '\(nodes[add[0]].name)'",
                                              folder: folder)
                output = nodes[add[0]].output.first ?? ""
            }
            guard matrix.shape[0] == shape[0] else {
                throw ONNXError("\(where_()): the weights take \(matrix.shape[0]) features, the input has \(shape[0])")
            }
            let units = matrix.shape[1]
            if let bias, bias.scalars.count != units {
                throw ONNXError("\(where_()): a bias of \(bias.scalars.count) values for \(units) units")
            }
            if let maps = channelsFirst {
                matrix = try Self.rowsInFernOrder(matrix, maps: maps)
                channelsFirst = nil
            }
            let dense = try DenseLayer(units: units, activation: fuse(), useBias: bias != nil, name: name ?? "dense")
            var parts = ["weight": matrix]
            if let bias { parts["bias"] = try bias.reshaped([units]) }
            weights.append((dense, parts))
            layer = dense
        case "MaxPool", "AveragePool":
            guard shape.count == 3 else { throw ONNXError("\(where_()): pooling needs images, its input is \(describeShape(shape))") }
            guard try attributes.int("ceil_mode", default: 0) == 0 else { throw ONNXError("\(where_()): ceil_mode is not supported") }
            guard try attributes.ints("dilations", default: [1, 1]).allSatisfy({ $0 == 1 }) else {
                throw ONNXError("\(where_()): dilated pooling is not supported")
            }
            guard node.output.count == 1 || node.output[1].isEmpty else { throw ONNXError("\(where_()): pooling indices are not supported") }
            let size = try pair(attributes.ints("kernel_shape", default: []), "kernel_shape", node)
            let strides = try pair(attributes.ints("strides", default: [1, 1]), "strides", node)
            let padding = try self.padding(attributes, size: (shape[0], shape[1]), kernel: size, strides: strides, node)
            if node.opType == "AveragePool", padding == .same, try attributes.int("count_include_pad", default: 0) == 1 {
                throw ONNXError("\(where_()): Fern's average pooling leaves padding out of the mean (count_include_pad=0)")
            }
            layer = try PoolingLayer(node.opType == "MaxPool" ? .max : .average, poolSize: size, strides: strides, padding: padding,
                                     name: name)
        case "BatchNormalization":
            guard try attributes.int("training_mode", default: 0) == 0 else { throw ONNXError("\(where_()): training_mode is not supported") }
            let parts = try (1...4).map { try initializer(node, $0, ["scale", "bias", "mean", "variance"][$0 - 1]) }
            guard let channels = shape.last, parts.allSatisfy({ $0.scalars.count == channels }) else {
                throw ONNXError("\(where_()): its parameters do not have one value per channel (\(shape.last ?? 0))")
            }
            let epsilon = try attributes.float("epsilon", default: 1e-5), momentum = try attributes.float("momentum", default: 0.9)
            let norm = try BatchNormLayer(momentum: momentum, epsilon: epsilon, name: name ?? "batch_norm")
            let flat = try parts.map { try $0.reshaped([channels]) }
            weights.append((norm, ["gamma": flat[0], "beta": flat[1], "running_mean": flat[2], "running_variance": flat[3]]))
            layer = norm
        case "Relu", "Sigmoid", "Tanh", "Elu", "LeakyRelu":
            guard let activation = try Self.activation(node, attributes) else {
                throw ONNXError("\(where_()): Fern's \(node.opType.lowercased()) has a fixed alpha of 1")
            }
            layer = ActivationLayer(activation, name: name)
        case "Softmax":
            let axis = try attributes.int("axis", default: -1)
            guard axis == -1 || axis == shape.count || (shape.count == 3 && axis == 1) else {
                throw ONNXError("\(where_()): Fern's softmax is over the classes (or an image's channels), not axis \(axis)")
            }
            layer = ActivationLayer(.softmax, name: name)
        case "GlobalAveragePool":
            guard shape.count == 3 else { throw ONNXError("\(where_()): global pooling needs images, its input is \(describeShape(shape))") }
            // ONNX keeps [N, C, 1, 1]; Fern's layer gives [N, C], so a Flatten after it has nothing to do.
            if let next = consumers[output], next.count == 1, ["Flatten", "Reshape"].contains(nodes[next[0]].opType) {
                output = nodes[next[0]].output.first ?? ""
            }
            layer = GlobalAveragePoolingLayer(name: name ?? "global_avgpool")
        case "Transpose":
            guard shape.count == 3, try attributes.ints("perm", default: []) == [0, 2, 3, 1] else {
                throw ONNXError("\(where_()): Fern reads only a Transpose of images to NHWC (perm [0, 2, 3, 1]) before a Flatten")
            }
            transposedToNHWC = true
            return ([], output, shape)
        case "Flatten", "Reshape":
            if node.opType == "Flatten" {
                guard try attributes.int("axis", default: 1) == 1 else { throw ONNXError("\(where_()): Fern flattens from axis 1 only") }
            } else {
                let target = try ONNXTensors.int64s(try initializerProto(node, 1, "shape"), what: "the shape of node '\(node.name)'")
                let features = shape.reduce(1, *)
                guard target.count == 2, [0, -1].contains(target[0]) || target[1] == features,
                      target[1] == -1 || target[1] == features else {
                    throw ONNXError("\(where_()): Fern reads a Reshape only to [N, features]; this one is to \(target)")
                }
            }
            defer { transposedToNHWC = false }
            guard shape.count == 3 else { return ([], output, shape) }
            if !transposedToNHWC { channelsFirst = shape }
            layer = FlattenLayer(name: name ?? "flatten")
        case "Dropout", "Identity":
            return ([], output, shape)
        default:
            throw ONNXError("\(where_()): Fern has no layer for the ONNX operator \(node.opType)")
        }
        var generator = SeededGenerator(seed: 0)
        do {
            return ([layer], output, try layer.build(inputShape: shape, generator: &generator))
        } catch let error as ModelError {
            throw ONNXError("\(where_()): \(error.message)")
        }
    }

    /// An activation that alone reads the tensor (so it can be part of the layer that makes it), and its output.
    private func fusedActivation(after tensor: String) -> (activation: Activation, output: String)? {
        guard !outputs.contains(tensor), let next = consumers[tensor], next.count == 1,
              let activation = try? Self.activation(nodes[next[0]], Attributes(nodes[next[0]], source: source)) else { return nil }
        return (activation, nodes[next[0]].output.first ?? "")
    }

    /// The activation an element-wise node computes, nil for one Fern's activations cannot express.
    private static func activation(_ node: Onnx_NodeProto, _ attributes: Attributes) throws -> Activation? {
        switch node.opType {
        case "Relu": return .relu
        case "Sigmoid": return .sigmoid
        case "Tanh": return .tanh
        case "Elu": return try attributes.float("alpha", default: 1) == 1 ? .elu : nil
        case "LeakyRelu": return .leakyRelu(alpha: try attributes.float("alpha", default: 0.01))
        default: return nil
        }
    }

    /// "valid" or "same" from auto_pad or pads, as Fern pads; anything else is an error.
    private func padding(_ attributes: Attributes, size: (Int, Int), kernel: (Int, Int), strides: (Int, Int),
                         _ node: Onnx_NodeProto) throws -> Padding {
        switch try attributes.string("auto_pad", default: "NOTSET") {
        case "VALID": return .valid
        case "SAME_UPPER": return .same
        case "NOTSET":
            let pads = try attributes.ints("pads", default: [0, 0, 0, 0])
            if pads.allSatisfy({ $0 == 0 }) { return .valid }
            let same = Padding.same.pads(size: size, kernel: kernel, stride: strides)
            guard pads == same else {
                throw ONNXError("\(source): node '\(node.name)' (\(node.opType)): pads \(pads) on a \(size.0)x\(size.1) input are "
                                + "neither none nor Fern's \"same\" (\(same))")
            }
            return .same
        case let other:
            throw ONNXError("\(source): node '\(node.name)' (\(node.opType)): auto_pad \(other) is not supported")
        }
    }

    private func pair(_ values: [Int], _ what: String, _ node: Onnx_NodeProto) throws -> (Int, Int) {
        guard values.count == 2, values.allSatisfy({ (1...1 << 16).contains($0) }) else {
            throw ONNXError("\(source): node '\(node.name)' (\(node.opType)): \(what) must be two sizes from 1 to 65536, got \(values)")
        }
        return (values[0], values[1])
    }

    private func initializerProto(_ node: Onnx_NodeProto, _ position: Int, _ what: String) throws -> Onnx_TensorProto {
        guard node.input.count > position, let proto = initializers[node.input[position]] else {
            throw ONNXError("\(source): node '\(node.name)' (\(node.opType)): its \(what) must be a constant (an initializer)")
        }
        return proto
    }

    private func initializer(_ node: Onnx_NodeProto, _ position: Int, _ what: String) throws -> Tensor {
        try ONNXTensors.tensor(try initializerProto(node, position, what), what: "the \(what) of node '\(node.name)'", folder: folder)
    }

    /// A dense layer's rows for features flattened from NCHW maps (c, h, w), put in Fern's (h, w, c) order.
    static func rowsInFernOrder(_ matrix: Tensor, maps: [Int]) throws -> Tensor {
        let (h, w, c) = (maps[0], maps[1], maps[2])
        return try matrix.reshaped([c, h, w, matrix.shape[1]]).permuted([1, 2, 0, 3]).reshaped([h * w * c, matrix.shape[1]])
    }

    /// Layers of a block named as Fern's export names them ("residual.conv2d") get back the
    /// local names the block prefixes again when it is built.
    static func dropPrefix(_ prefix: String, from layers: [Layer]) {
        for layer in layers where layer.name.hasPrefix(prefix) { layer.name.removeFirst(prefix.count) }
    }

    /// The node's name where it is one Fern can use (letters, digits, "_" and the "." of a
    /// block's layers); nil makes Fern name the layer.
    static func fernName(_ name: String) -> String? {
        guard let first = name.first, first.isLetter || first == "_",
              name.allSatisfy({ ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "_" || $0 == "." }),
              !name.hasSuffix("."), !name.contains("..") else { return nil }
        return name
    }
}

/// A node's attributes by name, with the node named in errors.
struct Attributes {
    let node: Onnx_NodeProto
    let source: String
    private let byName: [String: Onnx_AttributeProto]

    init(_ node: Onnx_NodeProto, source: String) {
        self.node = node
        self.source = source
        byName = Dictionary(node.attribute.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    private func wrong(_ name: String, _ expected: String) -> ONNXError {
        ONNXError("\(source): node '\(node.name)' (\(node.opType)): attribute \(name) should be \(expected)")
    }

    func int(_ name: String, default value: Int) throws -> Int {
        guard let attribute = byName[name] else { return value }
        guard attribute.type == .int, abs(attribute.i) < 1 << 31 else { throw wrong(name, "an integer") }
        return Int(attribute.i)
    }

    func ints(_ name: String, default value: [Int]) throws -> [Int] {
        guard let attribute = byName[name] else { return value }
        guard attribute.type == .ints, attribute.ints.count <= 16, attribute.ints.allSatisfy({ abs($0) < 1 << 31 }) else {
            throw wrong(name, "a list of integers")
        }
        return attribute.ints.map { Int($0) }
    }

    func float(_ name: String, default value: Float) throws -> Float {
        guard let attribute = byName[name] else { return value }
        guard attribute.type == .float, attribute.f.isFinite else { throw wrong(name, "a number") }
        return attribute.f
    }

    func string(_ name: String, default value: String) throws -> String {
        guard let attribute = byName[name] else { return value }
        guard attribute.type == .string else { throw wrong(name, "a string") }
        return String(decoding: attribute.s, as: UTF8.self)
    }
}
