import FernTensor

/// Everything `Trainer.fit` can be told besides the data.
public struct TrainingOptions {
    public enum Monitor: String, Codable, Sendable { case validationAccuracy, validationLoss }

    public var epochs = 10
    public var batchSize = 64
    /// Per-class loss weights (e.g. "balanced" ones from the data set's counts).
    public var classWeights: [Float]?
    /// Seeds shuffling, dropout and augmentation; each epoch derives its own
    /// streams from it, so a resumed run repeats an uninterrupted one exactly.
    public var seed: UInt64 = 0
    /// Stop after this many epochs without improvement of `monitor`.
    public var earlyStoppingPatience: Int?
    public var monitor: Monitor = .validationAccuracy
    /// At the end, put back the weights of the best validation epoch.
    public var restoreBestWeights = true
    /// Where to write a checkpoint after every epoch (resume with `Trainer.resume`).
    public var checkpointPath: String?
    /// After each epoch, recompute batch-norm statistics from this many
    /// training batches (0: keep the running averages, as Keras does).
    public var batchNormRecalibrationBatches = 10
    /// Transforms each training batch (augmentation); gets the epoch's generator.
    public var augment: ((Tensor, inout SeededGenerator) throws -> Tensor)?

    public init() {}

    func validate() throws {
        guard epochs >= 0 else { throw ModelError("epochs must be ≥ 0 (got \(epochs))") }
        guard batchSize > 0 else { throw ModelError("batch size must be positive (got \(batchSize))") }
        if let p = earlyStoppingPatience, p < 0 { throw ModelError("early-stopping patience must be ≥ 0") }
        guard batchNormRecalibrationBatches >= 0 else { throw ModelError("batch-norm recalibration batches must be ≥ 0") }
    }
}

/// Independent random streams for one epoch, derived from the run's seed.
func epochGenerator(seed: UInt64, epoch: Int, stream: UInt64) -> SeededGenerator {
    SeededGenerator(seed: seed &+ UInt64(epoch + 1) &* 0x9E37_79B9_7F4A_7C15 &+ stream &* 0xD1B5_4A32_D192_ED03)
}
