import FernTensor

/// Batch normalization over the last axis (channels or features). The
/// running mean and variance are non-trainable parameters, saved with the
/// weights and used in inference.
public final class BatchNormLayer: Layer {
    public var name: String
    public let kind = "BatchNorm"
    public let momentum: Float
    public let epsilon: Float
    public private(set) var gamma: Parameter?
    public private(set) var beta: Parameter?
    public private(set) var runningMean: Parameter?
    public private(set) var runningVariance: Parameter?
    /// Replaces `momentum` while the running statistics are recalibrated.
    var momentumOverride: Float?

    public init(momentum: Float = 0.99, epsilon: Float = 1e-3, name: String = "batch_norm") throws {
        guard momentum >= 0 && momentum < 1, epsilon > 0 else {
            throw ModelError("BatchNorm needs momentum in [0, 1) and a positive epsilon (got \(momentum), \(epsilon))")
        }
        self.momentum = momentum
        self.epsilon = epsilon
        self.name = name
    }

    public var parameters: [Parameter] { [gamma, beta, runningMean, runningVariance].compactMap { $0 } }

    public func build(inputShape: [Int], generator: inout SeededGenerator) throws -> [Int] {
        guard let channels = inputShape.last else { throw ModelError("\(name): BatchNorm needs at least one input axis") }
        gamma = Parameter(name: "\(name).gamma", value: try Tensor.ones([channels]))
        beta = Parameter(name: "\(name).beta", value: try Tensor.zeros([channels]))
        runningMean = Parameter(name: "\(name).running_mean", value: try Tensor.zeros([channels]), trainable: false)
        runningVariance = Parameter(name: "\(name).running_variance", value: try Tensor.ones([channels]), trainable: false)
        return inputShape
    }

    public func forward(_ input: Tensor, context: ForwardContext) throws -> Tensor {
        guard let gamma, let beta, let runningMean, let runningVariance else {
            throw ModelError("\(name) is used before it was built")
        }
        var statistics = BatchNormStatistics(mean: runningMean.value, variance: runningVariance.value)
        let y = try Tensor.batchNorm(input, gamma: gamma.value, beta: beta.value, statistics: &statistics,
                                     training: context.training, momentum: momentumOverride ?? momentum, epsilon: epsilon)
        if context.training {
            runningMean.value = statistics.mean
            runningVariance.value = statistics.variance
        }
        return y
    }

    public var config: LayerConfig {
        var c = baseConfig()
        c.momentum = momentum
        c.epsilon = epsilon
        return c
    }
}
