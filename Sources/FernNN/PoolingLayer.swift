import FernTensor

/// Max or average pooling over NHWC images.
public final class PoolingLayer: Layer {
    public enum Kind: String, Sendable { case max = "MaxPool2D", average = "AvgPool2D" }

    public var name: String
    public let pooling: Kind
    public let poolSize: (Int, Int)
    public let strides: (Int, Int)
    public let padding: Padding

    public init(_ pooling: Kind, poolSize: (Int, Int) = (2, 2), strides: (Int, Int)? = nil,
                padding: Padding = .valid, name: String? = nil) throws {
        let strides = strides ?? poolSize
        guard poolSize.0 > 0, poolSize.1 > 0, strides.0 > 0, strides.1 > 0 else {
            throw ModelError("\(pooling.rawValue) needs positive pool size and strides (got \(poolSize), \(strides))")
        }
        self.pooling = pooling
        self.poolSize = poolSize
        self.strides = strides
        self.padding = padding
        self.name = name ?? (pooling == .max ? "max_pool" : "avg_pool")
    }

    public var kind: String { pooling.rawValue }

    public func build(inputShape: [Int], generator: inout SeededGenerator) throws -> [Int] {
        guard inputShape.count == 3 else {
            throw ModelError("\(name): pooling needs [height, width, channels] inputs, got \(describeShape(inputShape))")
        }
        let probe = try Tensor.zeros([1] + inputShape)
        return Array(try GradientMode.withoutGradients { try pool(probe) }.shape.dropFirst())
    }

    public func forward(_ input: Tensor, context: ForwardContext) throws -> Tensor {
        try pool(input)
    }

    private func pool(_ x: Tensor) throws -> Tensor {
        switch pooling {
        case .max: try Tensor.maxPool2d(x, size: poolSize, stride: strides, padding: padding)
        case .average: try Tensor.avgPool2d(x, size: poolSize, stride: strides, padding: padding)
        }
    }

    public var config: LayerConfig {
        var c = baseConfig()
        c.poolSize = [poolSize.0, poolSize.1]
        c.strides = [strides.0, strides.1]
        c.padding = padding.rawValue
        return c
    }
}
