import FernTensor

/// A fully connected layer: `activation(x @ W + b)` on `[batch, features]`.
public final class DenseLayer: Layer {
    public var name: String
    public let kind = "Dense"
    public let units: Int
    public let activation: Activation
    public let useBias: Bool
    public let initializer: Initializer
    public private(set) var weight: Parameter?
    public private(set) var bias: Parameter?

    public init(units: Int, activation: Activation = .linear, useBias: Bool = true,
                initializer: Initializer = .glorotUniform, name: String = "dense") throws {
        guard units > 0 else { throw ModelError("Dense needs a positive number of units (got \(units))") }
        self.units = units
        self.activation = activation
        self.useBias = useBias
        self.initializer = initializer
        self.name = name
    }

    public var parameters: [Parameter] { [weight, bias].compactMap { $0 } }

    public func build(inputShape: [Int], generator: inout SeededGenerator) throws -> [Int] {
        guard inputShape.count == 1 else {
            throw ModelError("\(name): Dense needs flat [features] inputs, got \(describeShape(inputShape)); add flatten() before it")
        }
        weight = Parameter(name: "\(name).weight",
                           value: try initializer.make([inputShape[0], units], fanIn: inputShape[0], fanOut: units, generator: &generator))
        bias = useBias ? Parameter(name: "\(name).bias", value: try Tensor.zeros([units])) : nil
        return [units]
    }

    public func forward(_ input: Tensor, context: ForwardContext) throws -> Tensor {
        try activation.apply(preActivation(input))
    }

    /// `x @ W + b` before the activation (the logits of a softmax output layer).
    public func preActivation(_ input: Tensor) throws -> Tensor {
        guard let weight else { throw ModelError("\(name) is used before it was built") }
        let y = try Tensor.matmul(input, weight.value)
        return try bias.map { try y + $0.value } ?? y
    }

    public var config: LayerConfig {
        var c = baseConfig()
        c.units = units
        c.setActivation(activation)
        c.useBias = useBias
        c.initializer = initializer.rawValue
        return c
    }
}
