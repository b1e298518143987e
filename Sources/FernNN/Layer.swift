import FernTensor

/// What a forward pass needs besides the input: the mode, whether dropout
/// drops (as in training, unless told otherwise), and the random stream it draws from.
public final class ForwardContext {
    public let training: Bool
    public let dropout: Bool
    public var generator: SeededGenerator

    public init(training: Bool, dropout: Bool? = nil, generator: SeededGenerator = SeededGenerator(seed: 0)) {
        self.training = training
        self.dropout = dropout ?? training
        self.generator = generator
    }
}

/// A building block of a model. `build` learns the input shape (per example,
/// without the batch axis), creates parameters and returns the output shape.
public protocol Layer: AnyObject {
    var name: String { get set }
    /// The type name shown in summaries and stored in architecture files ("Conv2D").
    var kind: String { get }
    var parameters: [Parameter] { get }
    var config: LayerConfig { get }
    /// The layers inside this one (a residual block's), in order; none for plain layers.
    var sublayers: [Layer] { get }

    func build(inputShape: [Int], generator: inout SeededGenerator) throws -> [Int]
    func forward(_ input: Tensor, context: ForwardContext) throws -> Tensor
}

extension Layer {
    public var parameters: [Parameter] { [] }
    public var sublayers: [Layer] { [] }

    /// This layer and every layer inside it, depth first.
    public var allLayers: [Layer] { [self] + sublayers.flatMap(\.allLayers) }

    /// A configuration with the layer's type and name filled in.
    func baseConfig() -> LayerConfig { LayerConfig(type: kind, name: name) }
}
