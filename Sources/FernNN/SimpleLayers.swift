import FernTensor

/// Randomly zeroes a fraction of its inputs in training (inverted dropout).
public final class DropoutLayer: Layer {
    public var name: String
    public let kind = "Dropout"
    public let rate: Float

    public init(rate: Float, name: String = "dropout") throws {
        guard rate >= 0 && rate < 1 else { throw ModelError("Dropout rate must be in [0, 1), got \(rate)") }
        self.rate = rate
        self.name = name
    }

    public func build(inputShape: [Int], generator: inout SeededGenerator) throws -> [Int] { inputShape }

    public func forward(_ input: Tensor, context: ForwardContext) throws -> Tensor {
        try input.dropout(rate: rate, training: context.dropout, using: &context.generator)
    }

    public var config: LayerConfig {
        var c = baseConfig()
        c.rate = rate
        return c
    }
}

/// Flattens each example to one axis (NHWC order, as Keras does).
public final class FlattenLayer: Layer {
    public var name: String
    public let kind = "Flatten"

    public init(name: String = "flatten") { self.name = name }

    public func build(inputShape: [Int], generator: inout SeededGenerator) throws -> [Int] { [shapeCount(inputShape)] }

    public func forward(_ input: Tensor, context: ForwardContext) throws -> Tensor { try input.flattened() }

    public var config: LayerConfig { baseConfig() }
}

/// An activation function as its own layer (`relu()`, `softmax()`).
public final class ActivationLayer: Layer {
    public var name: String
    public let kind = "Activation"
    public let activation: Activation

    public init(_ activation: Activation, name: String? = nil) {
        self.activation = activation
        self.name = name ?? activation.name
    }

    public func build(inputShape: [Int], generator: inout SeededGenerator) throws -> [Int] { inputShape }

    public func forward(_ input: Tensor, context: ForwardContext) throws -> Tensor { try activation.apply(input) }

    public var config: LayerConfig {
        var c = baseConfig()
        c.setActivation(activation)
        return c
    }
}
