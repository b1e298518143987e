import FernTensor

/// A named tensor a layer owns. Trainable parameters are updated by the
/// optimizer; the others (batch-norm running statistics) by the layer itself.
public final class Parameter {
    public let name: String
    public var value: Tensor
    public let trainable: Bool

    public init(name: String, value: Tensor, trainable: Bool = true) {
        self.name = name
        self.value = value
        self.trainable = trainable
    }

    public var count: Int { value.count }
}
