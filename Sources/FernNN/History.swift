/// What happened in each epoch of training.
public struct History: Codable, Equatable, Sendable {
    public var loss: [Float] = []
    public var accuracy: [Float] = []
    public var validationLoss: [Float] = []
    public var validationAccuracy: [Float] = []
    /// With test-time augmentation, `validationAccuracy` is the augmented score and this the
    /// images' own, epoch by epoch (nil without it, and in histories saved before it).
    public var plainValidationAccuracy: [Float]?
    public var learningRate: [Float] = []
    /// Wall seconds of each epoch, less the time the process was stopped (`RunningClock`).
    public var seconds: [Double] = []
    /// True when training ended early (early stopping or an interruption).
    public var stoppedEarly = false

    public init() {}

    public var epochs: Int { loss.count }
    public var bestValidationAccuracy: Float? { validationAccuracy.max() }
}
