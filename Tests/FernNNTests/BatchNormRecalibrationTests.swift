import FernNN
import FernTensor
import FernTestSupport
import Testing

@Suite struct BatchNormRecalibrationTests {
    /// Behind dropout too: inference never drops, so statistics gathered with dropout on would describe
    /// inputs inference never sees (at rate 0.5 each value doubled or zeroed, the mean moved by about its
    /// spread / √32, far beyond the rounding bound below).
    @Test(arguments: [false, true])
    func recalibratedStatisticsAreTheMeanOfTheBatchStatistics(afterDropout: Bool) throws {
        let model = try Sequential((afterDropout ? [try DropoutLayer(rate: 0.5)] : [])
                                   + [BatchNormLayer(), FlattenLayer(), DenseLayer(units: 2)], inputShape: [2, 2, 3], seed: 1)
        var generator = SeededGenerator(seed: 5)
        let images = try Tensor.randomNormal([8, 2, 2, 3], mean: 3, std: 2, using: &generator)
        var order = SeededGenerator(seed: 9)
        try model.recalibrateBatchNorm(images: images, batchSize: 8, batches: 1, generator: &order)
        let layer = try #require(model.layers[afterDropout ? 1 : 0] as? BatchNormLayer)
        let mean = try images.mean(axes: [0, 1, 2])
        // Both are Float means of the same 32 values per channel, in other orders (and, below, as the mean of two
        // means of 16: momentum ½, two more roundings): each within γ(32 + 3)·mean|x| of the exact mean.
        let bounds = try images.abs().mean(axes: [0, 1, 2]).scalars.map { Tolerance.betweenTwoSums(terms: 32, absoluteSum: Double($0), extraOperations: 3) }
        #expect(zip(zip(layer.runningMean!.value.scalars, mean.scalars), bounds).allSatisfy { Double(abs($0.0 - $0.1)) <= $1 },
                "\(layer.runningMean!.value.scalars) vs \(mean.scalars)")

        // Two batches of four: the running mean is the plain mean of the two batch means.
        var again = SeededGenerator(seed: 9)
        try model.recalibrateBatchNorm(images: images, batchSize: 4, batches: 2, generator: &again)
        #expect(zip(zip(layer.runningMean!.value.scalars, mean.scalars), bounds).allSatisfy { Double(abs($0.0 - $0.1)) <= $1 })
        #expect(layer.momentum == 0.99, "the layer's own momentum is restored")
        if afterDropout {  // training still drops
            let dropped = try model.forward(images, context: ForwardContext(training: true, generator: SeededGenerator(seed: 2)), upTo: 0)
            #expect(dropped.scalars.filter { $0 == 0 }.count > 4)
        }
    }

    /// With the default momentum and few steps the running averages lag far
    /// behind; fit recalibrates them after every epoch, so inference sees the
    /// statistics of the trained weights.
    @Test func fitLeavesStatisticsOfTheTrainedWeights() throws {
        let model = try Sequential([FlattenLayer(), DenseLayer(units: 4), BatchNormLayer(), DenseLayer(units: 2)],
                                   inputShape: [3], seed: 2)
        var generator = SeededGenerator(seed: 3)
        let images = try Tensor.randomNormal([64, 3], mean: 5, std: 1, using: &generator)
        var options = TrainingRecipe()
        options.epochs = 1
        options.batchSize = 16
        options.batchNormRecalibrationBatches = 4
        let trainer = Trainer(model: model, optimizer: try Adam(learningRate: 1e-3), recipe: options,
                              progress: ProgressReporter(style: .silent) { _ in })
        try trainer.fit(images: images, labels: (0..<64).map { $0 % 2 })
        let dense = try model.forward(images, context: ForwardContext(training: false), upTo: 1)
        let layer = try #require(model.layers[2] as? BatchNormLayer)
        let expected = try dense.mean(axes: [0]).scalars
        // All 64 images were used (4 batches of 16), so the mean is exact but for rounding: both sides are Float means
        // of the same 64 values (the running one four means of 16 combined with momentum k/(k+1), ≤ 4 roundings a
        // step, and the rounded momentum's own), and those values come from batches of 16 and 64, which may sum each
        // dense output's 3 products and bias in other orders: γ(4) of Σ|x·w| + |b| ≤ max|x|·Σ|w| + |b| each.
        let largest = try dense.abs().max(axes: [0]).scalars
        let inputs = Double(images.scalars.map(abs).max()!)
        let weights = try #require(model.weights["dense.weight"]), bias = try #require(model.weights["dense.bias"])
        let bounds = (0..<4).map { j in
            let terms = inputs * (0..<3).map { Double(abs(weights.scalars[$0 * 4 + j])) }.reduce(0, +) + Double(abs(bias.scalars[j]))
            return Tolerance.betweenTwoSums(terms: 64, absoluteSum: Double(largest[j]), extraOperations: 20)
                + Tolerance.betweenTwoSums(terms: 4, absoluteSum: terms)
        }
        #expect(zip(zip(layer.runningMean!.value.scalars, expected), bounds).allSatisfy { Double(abs($0.0 - $0.1)) <= $1 },
                "\(layer.runningMean!.value.scalars) vs \(expected)")
    }
}
