import FernTensor

/// A residual block (He et al., 2016): `activation(body(x) + shortcut(x))`, where the body and
/// the shortcut are each layers applied in order and an empty shortcut is the identity. The
/// two paths must end in the same shape; a shortcut that changes the channels is usually a
/// 1x1 convolution (a projection). Its layers are named inside it: "residual.conv2d",
/// "residual.conv2d_1", and their parameters "residual.conv2d.weight".
public final class ResidualLayer: Layer {
    public var name: String
    public let kind = "Residual"
    public let body: [Layer]
    public let shortcut: [Layer]
    public let activation: Activation
    /// The body's and shortcut's layers' output shapes, in order, once built.
    public private(set) var bodyShapes: [[Int]] = []
    public private(set) var shortcutShapes: [[Int]] = []

    public init(body: [Layer], shortcut: [Layer] = [], activation: Activation = .relu, name: String = "residual") throws {
        guard !body.isEmpty else { throw ModelError("a residual block needs at least one layer in its body") }
        self.body = body
        self.shortcut = shortcut
        self.activation = activation
        self.name = name
        giveUniqueNames(body + shortcut)
    }

    public var sublayers: [Layer] { body + shortcut }
    public var parameters: [Parameter] { sublayers.flatMap(\.parameters) }

    public func build(inputShape: [Int], generator: inout SeededGenerator) throws -> [Int] {
        for layer in sublayers { layer.name = "\(name).\(layer.name)" }
        bodyShapes = try buildInOrder(body, inputShape: inputShape, generator: &generator)
        shortcutShapes = try buildInOrder(shortcut, inputShape: inputShape, generator: &generator)
        let (bodyOut, shortcutOut) = (bodyShapes.last!, shortcutShapes.last ?? inputShape)
        guard bodyOut == shortcutOut else {
            let fix = shortcut.isEmpty ? "; give it a shortcut that makes \(describeShape(bodyOut)), e.g. a 1x1 conv2d" : ""
            throw ModelError("\(name): the body gives \(describeShape(bodyOut)) but the shortcut \(describeShape(shortcutOut))\(fix)")
        }
        return bodyOut
    }

    public func forward(_ input: Tensor, context: ForwardContext) throws -> Tensor {
        let bodyOutput = try forwardInOrder(body, input, context: context)
        return try activation.apply(try bodyOutput + forwardInOrder(shortcut, input, context: context))
    }

    public var config: LayerConfig {
        var c = baseConfig()
        c.setActivation(activation)
        // Inner names are stored without this block's prefix, as they were given.
        func local(_ layer: Layer) -> LayerConfig {
            var config = layer.config
            if config.name.hasPrefix(name + ".") { config.name.removeFirst(name.count + 1) }
            return config
        }
        c.layers = body.map(local)
        c.shortcut = shortcut.map(local)
        return c
    }
}

/// The mean of each channel over the image: [height, width, channels] to [channels], what a
/// residual network ends with before its classifier.
public final class GlobalAveragePoolingLayer: Layer {
    public var name: String
    public let kind = "GlobalAvgPool2D"

    public init(name: String = "global_avgpool") { self.name = name }

    public func build(inputShape: [Int], generator: inout SeededGenerator) throws -> [Int] {
        guard inputShape.count == 3 else {
            throw ModelError("\(name): global average pooling needs [height, width, channels] inputs, got \(describeShape(inputShape))")
        }
        return [inputShape[2]]
    }

    public func forward(_ input: Tensor, context: ForwardContext) throws -> Tensor { try input.mean(axes: [1, 2]) }

    public var config: LayerConfig { baseConfig() }
}
