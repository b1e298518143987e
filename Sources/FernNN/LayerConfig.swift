/// The readable description of one layer, as stored in a model's
/// architecture JSON. Only the fields a layer type uses are set.
public struct LayerConfig: Codable, Equatable, Sendable {
    public var type: String
    public var name: String
    public var units: Int?
    public var filters: Int?
    public var kernelSize: [Int]?
    public var strides: [Int]?
    public var poolSize: [Int]?
    public var padding: String?
    public var activation: String?
    public var alpha: Float?
    public var useBias: Bool?
    public var rate: Float?
    public var momentum: Float?
    public var epsilon: Float?
    public var initializer: String?
    /// A residual block's body and shortcut.
    public var layers: [LayerConfig]?
    public var shortcut: [LayerConfig]?
    /// An ensemble's members, each a list of layers.
    public var members: [[LayerConfig]]?

    public init(type: String, name: String) {
        self.type = type
        self.name = name
    }

    mutating func setActivation(_ activation: Activation) {
        self.activation = activation.name
        if case .leakyRelu(let a) = activation { alpha = a }
    }

    /// The activation these fields describe.
    func decodedActivation() throws -> Activation {
        let activation = try Activation(name: self.activation ?? "linear")
        if case .leakyRelu = activation, let alpha { return .leakyRelu(alpha: alpha) }
        return activation
    }
}
