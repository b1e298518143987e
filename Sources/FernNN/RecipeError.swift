/// A training setting out of range or unknown. It names the setting so that each front end
/// can say it in its own words: `fit: 'lr' must be a positive number, got 0` in the language,
/// `--learning-rate must be a positive number, got 0` on the command line.
public struct RecipeError: Error, CustomStringConvertible, Equatable {
    public enum Setting: String, CaseIterable, Sendable {
        case epochs, batchSize, learningRate, optimizer, momentum, weightDecay, schedule, shift, rotate, zoom
        case classWeights, patience, monitor, batchNormBatches, testTimeAugmentation
        case warmup, plateauFactor, plateauPatience, labelSmoothing, mixup, cutMix, distillation, averaging, crop, erasing, precision
        case nesterov, flip, restoreBest, seed
    }

    public let setting: Setting
    /// What is wrong: "must be a positive number, got 0", or a whole sentence when
    /// `startsWithName` is false ("unknown optimizer \"rmsprop\" (choose ...)").
    public let problem: String
    public let startsWithName: Bool

    init(_ setting: Setting, _ problem: String, startsWithName: Bool = true) {
        (self.setting, self.problem, self.startsWithName) = (setting, problem, startsWithName)
    }

    /// The message with the setting called `name`.
    public func message(calling name: String) -> String {
        startsWithName ? "\(name) \(problem)" : problem
    }

    public var description: String { message(calling: setting.rawValue) }

    /// A number as users typed it: 0, 2, 0.5.
    static func format(_ value: Float) -> String {
        value == value.rounded() && Swift.abs(value) < 1e15 ? String(Int(value)) : "\(value)"
    }
}
