import FernTensor
import Foundation

/// A model's architecture as readable JSON: input shape and one
/// `LayerConfig` per layer. Enough to rebuild the model; weights live apart.
public struct Architecture: Codable, Equatable, Sendable {
    public var format = "fern.sequential"
    public var version = 1
    public var inputShape: [Int]
    public var layers: [LayerConfig]

    public init(of model: Sequential) {
        inputShape = model.inputShape
        layers = model.layers.map(\.config)
    }

    public func json(pretty: Bool = true) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys] : [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    public static func parse(_ json: String, source: String) throws -> Architecture {
        do {
            let architecture = try JSONDecoder().decode(Architecture.self, from: Data(json.utf8))
            guard architecture.format == "fern.sequential" else {
                throw ModelError("\(source): unknown model format '\(architecture.format)'")
            }
            return architecture
        } catch let error as DecodingError {
            throw ModelError("\(source): the architecture is not valid JSON for a Fern model (\(error))")
        }
    }

    /// A freshly initialized model of this architecture.
    public func makeModel(seed: UInt64 = 0) throws -> Sequential {
        try Sequential(layers.map(Architecture.makeLayer), inputShape: inputShape, seed: seed)
    }

    static func makeLayer(_ c: LayerConfig) throws -> Layer {
        func pair(_ v: [Int]?, _ what: String) throws -> (Int, Int) {
            guard let v, v.count == 2 else { throw ModelError("layer \(c.name): \(what) needs two numbers") }
            return (v[0], v[1])
        }
        func padding() throws -> Padding {
            guard let p = Padding(rawValue: c.padding ?? "valid") else { throw ModelError("layer \(c.name): unknown padding '\(c.padding ?? "")'") }
            return p
        }
        let layer: Layer
        switch c.type {
        case "Conv2D":
            guard let filters = c.filters else { throw ModelError("layer \(c.name): Conv2D needs filters") }
            layer = try Conv2DLayer(filters: filters, kernelSize: pair(c.kernelSize, "kernelSize"), strides: pair(c.strides ?? [1, 1], "strides"),
                                    padding: padding(), activation: c.decodedActivation(), useBias: c.useBias ?? true,
                                    initializer: Initializer(name: c.initializer ?? "glorot_uniform"), name: c.name)
        case "Dense":
            guard let units = c.units else { throw ModelError("layer \(c.name): Dense needs units") }
            layer = try DenseLayer(units: units, activation: c.decodedActivation(), useBias: c.useBias ?? true,
                                   initializer: Initializer(name: c.initializer ?? "glorot_uniform"), name: c.name)
        case "MaxPool2D", "AvgPool2D":
            layer = try PoolingLayer(c.type == "MaxPool2D" ? .max : .average, poolSize: pair(c.poolSize, "poolSize"),
                                     strides: pair(c.strides ?? c.poolSize, "strides"), padding: padding(), name: c.name)
        case "BatchNorm":
            layer = try BatchNormLayer(momentum: c.momentum ?? 0.99, epsilon: c.epsilon ?? 1e-3, name: c.name)
        case "Dropout":
            layer = try DropoutLayer(rate: c.rate ?? 0.5, name: c.name)
        case "Flatten":
            layer = FlattenLayer(name: c.name)
        case "Activation":
            layer = ActivationLayer(try c.decodedActivation(), name: c.name)
        case "Residual":
            guard let body = c.layers else { throw ModelError("layer \(c.name): Residual needs layers") }
            layer = try ResidualLayer(body: body.map(makeLayer), shortcut: (c.shortcut ?? []).map(makeLayer),
                                      activation: c.decodedActivation(), name: c.name)
        case "Ensemble":
            guard let members = c.members else { throw ModelError("layer \(c.name): Ensemble needs members") }
            layer = try EnsembleLayer(members: members.map { try $0.map(makeLayer) }, name: c.name)
        case "GlobalAvgPool2D":
            layer = GlobalAveragePoolingLayer(name: c.name)
        default:
            throw ModelError("layer \(c.name): unknown layer type '\(c.type)'")
        }
        return layer
    }
}
