import FernTensor

/// A 2-D convolution over NHWC images with optional bias and activation.
public final class Conv2DLayer: Layer {
    public var name: String
    public let kind = "Conv2D"
    public let filters: Int
    public let kernelSize: (Int, Int)
    public let strides: (Int, Int)
    public let padding: Padding
    public let activation: Activation
    public let useBias: Bool
    public let initializer: Initializer
    public private(set) var weight: Parameter?
    public private(set) var bias: Parameter?

    public init(filters: Int, kernelSize: (Int, Int), strides: (Int, Int) = (1, 1), padding: Padding = .valid,
                activation: Activation = .linear, useBias: Bool = true,
                initializer: Initializer = .glorotUniform, name: String = "conv2d") throws {
        guard filters > 0, kernelSize.0 > 0, kernelSize.1 > 0, strides.0 > 0, strides.1 > 0 else {
            throw ModelError("Conv2D needs positive filters, kernel size and strides (got \(filters), \(kernelSize), \(strides))")
        }
        self.filters = filters
        self.kernelSize = kernelSize
        self.strides = strides
        self.padding = padding
        self.activation = activation
        self.useBias = useBias
        self.initializer = initializer
        self.name = name
    }

    public var parameters: [Parameter] { [weight, bias].compactMap { $0 } }

    public func build(inputShape: [Int], generator: inout SeededGenerator) throws -> [Int] {
        guard inputShape.count == 3 else {
            throw ModelError("\(name): Conv2D needs [height, width, channels] inputs, got \(describeShape(inputShape))")
        }
        let channels = inputShape[2]
        let taps = kernelSize.0 * kernelSize.1
        weight = Parameter(name: "\(name).weight",
                           value: try initializer.make([kernelSize.0, kernelSize.1, channels, filters],
                                                       fanIn: taps * channels, fanOut: taps * filters, generator: &generator))
        bias = useBias ? Parameter(name: "\(name).bias", value: try Tensor.zeros([filters])) : nil
        let probe = try Tensor.zeros([1, inputShape[0], inputShape[1], channels])
        let out = try GradientMode.withoutGradients {
            try Tensor.conv2d(probe, Tensor.zeros([kernelSize.0, kernelSize.1, channels, 1]), stride: strides, padding: padding)
        }
        return [out.shape[1], out.shape[2], filters]
    }

    public func forward(_ input: Tensor, context: ForwardContext) throws -> Tensor {
        guard let weight else { throw ModelError("\(name) is used before it was built") }
        if let bias, activation == .relu {
            return try Tensor.conv2dBiasRelu(input, weight.value, bias: bias.value, stride: strides, padding: padding)
        }
        var y = try Tensor.conv2d(input, weight.value, stride: strides, padding: padding)
        if let bias { y = try y + bias.value }
        return try activation.apply(y)
    }

    public var config: LayerConfig {
        var c = baseConfig()
        c.filters = filters
        c.kernelSize = [kernelSize.0, kernelSize.1]
        c.strides = [strides.0, strides.1]
        c.padding = padding.rawValue
        c.setActivation(activation)
        c.useBias = useBias
        c.initializer = initializer.rawValue
        return c
    }
}
