import FernTensor

/// Element-wise activation functions, by the names users type.
public enum Activation: Equatable, Sendable {
    case linear, relu, sigmoid, tanh, elu, softmax
    case leakyRelu(alpha: Float)

    public init(name: String) throws {
        switch name.lowercased() {
        case "linear", "none", "": self = .linear
        case "relu": self = .relu
        case "sigmoid": self = .sigmoid
        case "tanh": self = .tanh
        case "elu": self = .elu
        case "softmax": self = .softmax
        case "leaky_relu", "leakyrelu": self = .leakyRelu(alpha: 0.01)
        default:
            throw ModelError("unknown activation '\(name)' (choose relu, leaky_relu, sigmoid, tanh, elu, softmax, linear)")
        }
    }

    public var name: String {
        switch self {
        case .linear: "linear"
        case .relu: "relu"
        case .sigmoid: "sigmoid"
        case .tanh: "tanh"
        case .elu: "elu"
        case .softmax: "softmax"
        case .leakyRelu: "leaky_relu"
        }
    }

    public func apply(_ x: Tensor) throws -> Tensor {
        switch self {
        case .linear: x
        case .relu: x.relu()
        case .sigmoid: x.sigmoid()
        case .tanh: x.tanh()
        case .elu: x.elu()
        case .softmax: try x.softmax()
        case .leakyRelu(let alpha): x.leakyRelu(alpha: alpha)
        }
    }
}
