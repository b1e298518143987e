import FernTensor
import FernTestSupport
import Foundation
import Testing
@testable import FernNN

/// What a forward pass computes: feature maps, training versus inference,
/// logits before the softmax, batched prediction and evaluation.
@Suite struct ForwardTests {
    /// 8×8 grey images → conv → pool → batch norm → dropout → dense softmax.
    private func smallCNN(seed: UInt64 = 1) throws -> Sequential {
        try Sequential([Conv2DLayer(filters: 4, kernelSize: (3, 3), padding: .same, activation: .relu),
                        PoolingLayer(.max), BatchNormLayer(), DropoutLayer(rate: 0.5), FlattenLayer(),
                        DenseLayer(units: 3, activation: .softmax)],
                       inputShape: [8, 8, 1], seed: seed)
    }

    private func images(_ count: Int, seed: UInt64 = 9) throws -> Tensor {
        var generator = SeededGenerator(seed: seed)
        return try Tensor.randomUniform([count, 8, 8, 1], using: &generator)
    }

    @Test func forwardUpToALayerReturnsItsFeatureMaps() throws {
        let model = try smallCNN()
        let x = try images(5)
        let inference = ForwardContext(training: false)
        #expect(try model.forward(x, context: inference, upTo: 0).shape == [5, 8, 8, 4])
        #expect(try model.forward(x, context: inference, upTo: 1).shape == [5, 4, 4, 4])
        #expect(try model.forward(x, context: inference, upTo: 4).shape == [5, 64])
        // Conv with ReLU: no feature value is negative.
        #expect(try model.forward(x, context: inference, upTo: 0).scalars.allSatisfy { $0 >= 0 })
    }

    @Test func collectReceivesEveryLayersOutputInOrder() throws {
        let model = try smallCNN()
        let x = try images(3)
        var seen: [(Int, [Int])] = []
        let output = try model.forward(x, context: ForwardContext(training: false)) { index, t in seen.append((index, t.shape)) }
        #expect(seen.map(\.0) == Array(0..<6))
        #expect(seen.map(\.1) == model.outputShapes.map { [3] + $0 })
        #expect(output.shape == [3, 3])
    }

    @Test func dropoutActsOnlyInTraining() throws {
        let model = try Sequential([DropoutLayer(rate: 0.5)], inputShape: [1000])
        let ones = try Tensor.ones([1, 1000])
        let a = try model.forward(ones, context: ForwardContext(training: false, generator: SeededGenerator(seed: 1)))
        let b = try model.forward(ones, context: ForwardContext(training: false, generator: SeededGenerator(seed: 2)))
        #expect(a.scalars == ones.scalars && b.scalars == ones.scalars)

        let trained = try model.forward(ones, context: ForwardContext(training: true, generator: SeededGenerator(seed: 1)))
        // Inverted dropout at rate 0.5: each value becomes 0 or 1/(1 − 0.5) = 2; about half survive.
        #expect(trained.scalars.allSatisfy { $0 == 0 || $0 == 2 })
        let survivors = trained.scalars.filter { $0 == 2 }.count
        #expect((400...600).contains(survivors))
        let other = try model.forward(ones, context: ForwardContext(training: true, generator: SeededGenerator(seed: 2)))
        #expect(other.scalars != trained.scalars)
    }

    @Test func inferenceOutputIsDeterministic() throws {
        let model = try smallCNN()
        let x = try images(4)
        let first = try model.predict(x)
        let second = try model.forward(x, context: ForwardContext(training: false, generator: SeededGenerator(seed: 77)))
        #expect(first.scalars == second.scalars)
    }

    @Test func batchNormRunningStatisticsMoveOnlyInTraining() throws {
        let model = try Sequential([BatchNormLayer(momentum: 0.99)], inputShape: [2])
        let layer = try #require(model.layers[0] as? BatchNormLayer)
        let x = try tensor([2, 2], [1, 2,
                                    3, 6])
        _ = try model.forward(x, context: ForwardContext(training: false))
        #expect(layer.runningMean?.value.scalars == [0, 0])
        #expect(layer.runningVariance?.value.scalars == [1, 1])

        let y = try model.forward(x, context: ForwardContext(training: true))
        // Batch mean [2, 4], biased variance [1, 4] (exact in Float);
        // running mean = 0.99·0 + 0.01·[2, 4], running variance = 0.99·1 + 0.01·[1, 4].
        // Float(0.99) is off by ≤ u·0.99, which 1 − 0.99 (exact in Float) carries to the batch term, and the
        // update rounds 3 times: within γ(1)·(|batch| + |running|) + γ(3)·|result|.
        let meanBound = Tolerance.chain(operations: 1, magnitude: 4) + Tolerance.chain(operations: 3, magnitude: 0.04)
        expectClose(layer.runningMean?.value.scalars ?? [], [0.02, 0.04], tolerance: meanBound)
        expectClose(layer.runningVariance?.value.scalars ?? [], [1.0, 1.03],
                    tolerance: Tolerance.chain(operations: 1, magnitude: 5) + Tolerance.chain(operations: 3, magnitude: 1.03))
        // Training output uses the batch statistics: (x − μ)/√(σ² + 0.001), a chain of 6 roundings (with Float(0.001)'s).
        expectClose(y.scalars, [-1 / 1.001.squareRoot(), -2 / 4.001.squareRoot(), 1 / 1.001.squareRoot(), 2 / 4.001.squareRoot()],
                    tolerance: Tolerance.chain(operations: 6, magnitude: 1))

        let inference = try model.forward(x, context: ForwardContext(training: false))
        expectClose(layer.runningMean?.value.scalars ?? [], [0.02, 0.04], tolerance: meanBound)
        // Inference uses the running statistics: (1 − 0.02)/√(1 + 0.001) for the first value; the running
        // mean's error passes through ÷√1.001 < 1.
        expectClose(inference.scalars[0], 0.98 / 1.001.squareRoot(), tolerance: meanBound + Tolerance.chain(operations: 6, magnitude: 1))
    }

    @Test func softmaxOfLogitsIsTheModelsOutput() throws {
        for model in [try smallCNN(),
                      try Sequential([FlattenLayer(), DenseLayer(units: 3), ActivationLayer(.softmax)], inputShape: [8, 8, 1])] {
            #expect(model.endsInSoftmax)
            let x = try images(4)
            let inference = ForwardContext(training: false)
            let logits = try model.logits(x, context: inference)
            let probabilities = try model.forward(x, context: inference)
            #expect(logits.shape == [4, 3])
            // Two Float softmaxes of the same logits, each output (≤ 1) within Tolerance.softmax of the exact one.
            let spread = Double(logits.scalars.max()! - logits.scalars.min()!)
            expectClose(try logits.softmax().scalars, probabilities.scalars.map(Double.init),
                        tolerance: 2 * Tolerance.softmax(classes: 3, logitSpread: spread))
            #expect(logits.scalars != probabilities.scalars)
            #expect(probabilities.scalars.allSatisfy { $0 > 0 && $0 < 1 })
        }
    }

    @Test func logitsOfAModelWithoutSoftmaxAreItsOutput() throws {
        let model = try Sequential([DenseLayer(units: 3, activation: .tanh)], inputShape: [2])
        #expect(!model.endsInSoftmax)
        let x = try tensor([1, 2], [0.5, -1])
        let context = ForwardContext(training: false)
        #expect(try model.logits(x, context: context).scalars == model.forward(x, context: context).scalars)
    }

    @Test func predictingInSmallBatchesMatchesOneBigBatch() throws {
        let model = try smallCNN()
        let x = try images(10)
        let whole = try model.predict(x, batchSize: 256)
        let pieces = try model.predict(x, batchSize: 3)
        #expect(whole.shape == [10, 3] && pieces.shape == [10, 3])
        expectClose(pieces.scalars, whole.scalars.map(Double.init), tolerance: try Self.batchingBound(model))
        expectError(containing: ["batch size must be positive"]) { _ = try model.predict(x, batchSize: 0) }
    }

    @Test func predictClassesIsTheArgmaxOfThePredictions() throws {
        let model = try smallCNN(seed: 5)
        let x = try images(12)
        let p = try model.predict(x)
        let argmax = (0..<12).map { row in (0..<3).max { p.scalars[row * 3 + $0] < p.scalars[row * 3 + $1] }! }
        #expect(try model.predictClasses(x, batchSize: 5) == argmax)
    }

    @Test func mirrorAveragedClassesAverageTheProbabilitiesOfEachImageAndItsMirror() throws {
        let model = try smallCNN(seed: 6)
        let x = try images(12)
        // The mirror image built by hand: column w of each row becomes column width-1-w.
        let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        var mirrored = [Float](repeating: 0, count: x.count)
        for i in 0..<n { for y in 0..<h { for col in 0..<w { for ch in 0..<c {
            mirrored[((i * h + y) * w + (w - 1 - col)) * c + ch] = x.scalars[((i * h + y) * w + col) * c + ch]
        } } } }
        let p = try model.predict(x), q = try model.predict(Tensor(shape: x.shape, scalars: mirrored))
        let averaged: [Float] = zip(p.scalars, q.scalars).map { $0 + $1 }
        let expected: [Int] = (0..<n).map { row in (0..<3).max { averaged[row * 3 + $0] < averaged[row * 3 + $1] }! }
        #expect(try model.predictClasses(x, augmentation: .mirror) == expected)
        #expect(try model.predictClasses(x) != expected, "with these images the mirror changes some decisions")
        expectError(containing: ["NHWC"]) { _ = try handMadeClassifier().predictClasses(Tensor.zeros([2, 2]), augmentation: .mirror) }
    }

    /// Ten crops: the image and its four diagonal shifts by 1/16 of its side (at least one
    /// pixel), edge pixels repeated, each with its mirror image; their probabilities summed.
    @Test func tenCropClassesAverageTenViewsOfEachImage() throws {
        let model = try smallCNN(seed: 6)
        let x = try images(12)
        let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        func view(dx: Int, dy: Int, mirror: Bool) throws -> Tensor {
            var out = [Float](repeating: 0, count: x.count)
            for i in 0..<n { for y in 0..<h { for col in 0..<w { for ch in 0..<c {
                let (sy, sx) = (min(max(y - dy, 0), h - 1), min(max(col - dx, 0), w - 1))
                let to = mirror ? w - 1 - col : col
                out[((i * h + y) * w + to) * c + ch] = x.scalars[((i * h + sy) * w + sx) * c + ch]
            } } } }
            return try Tensor(shape: x.shape, scalars: out)
        }
        let step = max(1, min(h, w) / 16)
        var sums = [Float](repeating: 0, count: n * 3)
        for mirror in [false, true] {
            for (dx, dy) in [(0, 0), (-step, -step), (step, -step), (-step, step), (step, step)] {
                let p = try model.predict(try view(dx: dx, dy: dy, mirror: mirror))
                for k in sums.indices { sums[k] += p.scalars[k] }
            }
        }
        let expected: [Int] = (0..<n).map { row in (0..<3).max { sums[row * 3 + $0] < sums[row * 3 + $1] }! }
        #expect(try model.predictClasses(x, augmentation: .tenCrop) == expected)
        // The probabilities themselves, so a padding that changes no decision still shows:
        // ten values of at most 1, summed in float, agree to a few ulps of 1.
        let averaged = try model.averagedProbabilities(x, batchSize: 256, augmentation: .tenCrop)
        #expect(zip(averaged.scalars, sums).allSatisfy { abs($0 - $1 / 10) < 1e-5 })
        expectError(containing: ["tencrop", "NHWC"]) { _ = try handMadeClassifier().predictClasses(Tensor.zeros([2, 2]), augmentation: .tenCrop) }
    }

    /// One pass over the ten crops' views gives each augmentation's classes, the same as
    /// asking for each alone (the same views through the same kernels, summed in the same order).
    @Test func classesForEachAugmentationAreThoseOfEachAlone() throws {
        let model = try smallCNN(seed: 6)
        let x = try images(12)
        let each = try model.predictClassesForEachAugmentation(x, batchSize: 5)
        #expect(Set(each.keys) == Set(TestTimeAugmentation.allCases))
        for augmentation in TestTimeAugmentation.allCases {
            #expect(each[augmentation] == (try model.predictClasses(x, batchSize: 5, augmentation: augmentation)), "\(augmentation)")
        }
        #expect(each[.none] != each[.mirror] || each[.mirror] != each[.tenCrop], "with these images the views change some decisions")
        expectError(containing: ["tencrop", "NHWC"]) { _ = try handMadeClassifier().predictClassesForEachAugmentation(Tensor.zeros([2, 2])) }
    }

    /// How far smallCNN's probabilities for the same images may differ between two batch sizes (which may
    /// take kernels that sum in other orders), from the weights' ranges and images in [0, 1]: a conv
    /// output sums 9 products and a bias (magnitude ≤ 9·max|filter| + max|bias|, each pass within γ(10)
    /// of it); pooling and inference batch norm (fresh: ×1/√1.001) pass it on; a logit sums 64 of them
    /// times max|weight| and a bias, carrying their errors; a probability moves by at most 2·(the logits'
    /// error) and its own softmax rounding. Twice that for two passes.
    static func batchingBound(_ model: Sequential) throws -> Double {
        func largest(_ name: String) throws -> Double { Double(try #require(model.weights[name]).scalars.map(Swift.abs).max()!) }
        let conv = 9 * (try largest("conv2d.weight")) + (try largest("conv2d.bias"))
        let convError = Tolerance.sum(terms: 10, absoluteSum: conv)
        let denseWeight = try largest("dense.weight")
        let logits = 64 * conv * denseWeight + (try largest("dense.bias"))
        let logitError = Tolerance.sum(terms: 65, absoluteSum: logits) + 64 * denseWeight * convError
        return 2 * (2 * logitError + Tolerance.softmax(classes: 3, logitSpread: 2 * logits))
    }

    /// A dense softmax layer with weights set by hand:
    /// W = [[1, 0, −1], [0, 1, 0]], b = [0, 0, 0.5].
    private func handMadeClassifier() throws -> Sequential {
        let model = try Sequential([DenseLayer(units: 3, activation: .softmax)], inputShape: [2])
        try model.loadWeights(["dense.weight": tensor([2, 3], [1, 0, -1,
                                                               0, 1, 0]),
                               "dense.bias": tensor([3], [0, 0, 0.5])])
        return model
    }

    @Test func evaluateComputesMeanCrossEntropyAndAccuracy() throws {
        let model = try handMadeClassifier()
        let x = try tensor([3, 2], [1, 0,
                                    0, 2,
                                    1, 0.5])
        // Logits x·W + b: [1, 0, −0.5], [0, 2, 0.5], [1, 0.5, −0.5]; labels 0, 1, 2.
        func minusLogP(_ z: [Double], _ label: Int) -> Double { -(z[label] - Foundation.log(z.map(Foundation.exp).reduce(0, +))) }
        let l0 = minusLogP([1, 0, -0.5], 0), l1 = minusLogP([0, 2, 0.5], 1), l2 = minusLogP([1, 0.5, -0.5], 2)
        // The logits are exact here. Each −log p is log Σ exp(z − max) + max − z by Fern's log-softmax: the
        // 3-term sum's relative error becomes an absolute one after log, log's ulps, and two roundings of values
        // below 4; the weighted mean is in Double, rounded once to Float.
        let tolerance = Tolerance.softmax(classes: 3, logitSpread: 2.5) + Tolerance.ulps(Tolerance.logUlps, of: 4)
            + Tolerance.chain(operations: 3, magnitude: 4)
        let (loss, accuracy) = try model.evaluate(x, labels: [0, 1, 2])
        expectClose(loss, (l0 + l1 + l2) / 3, tolerance: tolerance)
        // Predicted classes 0, 1, 0: two of three right (2/3 rounded once).
        expectClose(accuracy, 2.0 / 3.0, tolerance: Tolerance.chain(operations: 1, magnitude: 2.0 / 3.0))

        // Class weights [1, 2, 3]: Σ w_label·(−log p) / Σ w_label.
        let (weighted, _) = try model.evaluate(x, labels: [0, 1, 2], batchSize: 2, classWeights: [1, 2, 3])
        expectClose(weighted, (1 * l0 + 2 * l1 + 3 * l2) / (1 + 2 + 3), tolerance: tolerance)
        // Two examples of class 1 with weight 2 and one of class 0 with weight 1: weights need not sum to the count.
        let (repeated, _) = try model.evaluate(x, labels: [1, 1, 0], classWeights: [1, 2, 3])
        let r0 = minusLogP([1, 0, -0.5], 1), r1 = minusLogP([0, 2, 0.5], 1), r2 = minusLogP([1, 0.5, -0.5], 0)
        expectClose(repeated, (2 * r0 + 2 * r1 + 1 * r2) / 5, tolerance: tolerance)
    }

    @Test func evaluateRejectsMismatchedLabels() throws {
        let model = try handMadeClassifier()
        expectError(containing: ["one label per image", "2 images", "3 labels"]) {
            _ = try model.evaluate(Tensor.zeros([2, 2]), labels: [0, 1, 2])
        }
    }
}
