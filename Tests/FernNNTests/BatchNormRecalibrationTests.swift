import FernNN
import FernTensor
import Testing

@Suite struct BatchNormRecalibrationTests {
    @Test func recalibratedStatisticsAreTheMeanOfTheBatchStatistics() throws {
        let model = try Sequential([BatchNormLayer(), FlattenLayer(), DenseLayer(units: 2)], inputShape: [2, 2, 3], seed: 1)
        var generator = SeededGenerator(seed: 5)
        let images = try Tensor.randomNormal([8, 2, 2, 3], mean: 3, std: 2, using: &generator)
        var order = SeededGenerator(seed: 9)
        try model.recalibrateBatchNorm(images: images, batchSize: 8, batches: 1, generator: &order)
        let layer = try #require(model.layers[0] as? BatchNormLayer)
        let mean = try images.mean(axes: [0, 1, 2])
        #expect(zip(layer.runningMean!.value.scalars, mean.scalars).allSatisfy { abs($0 - $1) < 1e-5 })

        // Two batches of four: the running mean is the plain mean of the two batch means.
        var again = SeededGenerator(seed: 9)
        try model.recalibrateBatchNorm(images: images, batchSize: 4, batches: 2, generator: &again)
        #expect(zip(layer.runningMean!.value.scalars, mean.scalars).allSatisfy { abs($0 - $1) < 1e-5 })
        #expect(layer.momentum == 0.99, "the layer's own momentum is restored")
    }

    /// With the default momentum and few steps the running averages lag far
    /// behind; fit recalibrates them after every epoch, so inference sees the
    /// statistics of the trained weights.
    @Test func fitLeavesStatisticsOfTheTrainedWeights() throws {
        let model = try Sequential([FlattenLayer(), DenseLayer(units: 4), BatchNormLayer(), DenseLayer(units: 2)],
                                   inputShape: [3], seed: 2)
        var generator = SeededGenerator(seed: 3)
        let images = try Tensor.randomNormal([64, 3], mean: 5, std: 1, using: &generator)
        var options = TrainingOptions()
        options.epochs = 1
        options.batchSize = 16
        options.batchNormRecalibrationBatches = 4
        let trainer = Trainer(model: model, optimizer: try Adam(learningRate: 1e-3), options: options,
                              progress: ProgressReporter(style: .silent) { _ in })
        try trainer.fit(images: images, labels: (0..<64).map { $0 % 2 })
        let dense = try model.forward(images, context: ForwardContext(training: false), upTo: 1)
        let layer = try #require(model.layers[2] as? BatchNormLayer)
        let expected = try dense.mean(axes: [0]).scalars
        // All 64 images were used (4 batches of 16), so the mean is exact.
        #expect(zip(layer.runningMean!.value.scalars, expected).allSatisfy { abs($0 - $1) < 1e-3 },
                "\(layer.runningMean!.value.scalars) vs \(expected)")
    }
}
