import FernTensor

/// Checkpoint averaging (the weights of stochastic weight averaging): one network whose every
/// weight is the mean of that weight over several snapshots of one architecture, e.g. one run's
/// checkpoints after its last epochs. Batch-norm statistics averaged this way do not describe
/// the averaged network's activations; `recalibrateBatchNorm` on training images makes them.
extension Sequential {
    public static func averagingWeights(of models: [Sequential]) throws -> Sequential {
        guard models.count >= 2, let first = models.first else {
            throw ModelError("averaging weights needs at least two models (got \(models.count))")
        }
        let architecture = Architecture(of: first)
        for (k, model) in models.enumerated().dropFirst() where Architecture(of: model) != architecture {
            throw ModelError("averaging weights: model \(k) is not the same network as model 0 (their architectures differ)")
        }
        let snapshots = models.map(\.weights)
        var mean: [String: Tensor] = [:]
        for (name, value) in snapshots[0] {
            var sum = value
            for snapshot in snapshots.dropFirst() { sum = try sum + snapshot[name]! }
            mean[name] = try sum * (1 / Float(models.count))
        }
        let averaged = try architecture.makeModel()
        try averaged.loadWeights(mean)
        return averaged
    }
}
