import FernTestSupport
import Foundation
import Testing
@testable import FernTensor

/// A small conv net computed by PyTorch in float64 (Fixtures/make_reference.py,
/// run once by hand) and rebuilt here from Fern ops: conv2d + bias → relu →
/// pool → flatten (NHWC order) → dense + bias → softmax cross-entropy.
/// Logits, loss and the gradients of every input and parameter must agree.
@Suite struct ReferenceFixtureTests {

    struct Fixture: Decodable {
        let inputShape: [Int]
        let input: [Float]
        let labels: [Int]
        let cases: [Case]
    }

    struct Case: Decodable {
        let name: String
        let convKernel: [Int], convStride: [Int], convPadding: String
        let poolKind: String, poolSize: [Int], poolStride: [Int], poolPadding: String
        let convWeightShape: [Int], convWeight: [Float], convBias: [Float]
        let denseWeightShape: [Int], denseWeight: [Float], denseBias: [Float]
        let pooledShape: [Int]
        let logits: [Float], logProbs: [Float], loss: Float
        let gradInput: [Float], gradConvWeight: [Float], gradConvBias: [Float]
        let gradDenseWeight: [Float], gradDenseBias: [Float]
    }

    static func loadFixture() throws -> Fixture {
        let url = try #require(Bundle.module.url(forResource: "reference", withExtension: "json", subdirectory: "Fixtures"),
                               "Fixtures/reference.json is missing from the test bundle")
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    /// |actual − expected| ≤ bounds[i], plus the half ulp PyTorch's value lost when stored as a Float.
    static func expectMatches(_ actual: Tensor, _ expected: [Float], shape: [Int], within bounds: [Double], _ what: String,
                              sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(actual.shape == shape, "\(what): shape \(actual.shape), expected \(shape)", sourceLocation: sourceLocation)
        guard actual.count == expected.count else { return }
        let bad = (0..<expected.count).filter { i in
            !(Swift.abs(Double(actual.scalars[i]) - Double(expected[i])) <= bounds[i] + Tolerance.ulps(0.5, of: Double(expected[i])))
        }
        if let first = bad.first {
            let message = "\(what): \(bad.count) of \(expected.count) differ; "
                + "element \(first) is \(actual.scalars[first]), PyTorch says \(expected[first])"
            Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
        }
    }

    static func padding(_ text: String) throws -> Padding {
        try #require(Padding(rawValue: text), "unknown padding \(text)")
    }

    /// How far each Float value of the net may be from the exact one. For sums and products the error
    /// is within γ(D) of the same computation run on absolute values, D the most roundings along any
    /// path (Higham §3.1): so the net runs again on |inputs|, with max pooling as a window sum (at
    /// least the winner, and its gradient sent to every input that could have won) and ReLU passing
    /// everything. The loss enters the gradients as dLogits = (p − onehot)/batch: of magnitude
    /// (p + onehot)/batch, and off by p·(2·(the logits' error) + the softmax's rounding)/batch, which
    /// the same net on absolute values carries back.
    static func roundingBounds(_ fixture: Fixture, _ c: Case, logits: Tensor)
        throws -> (logits: [Double], logProbs: [Double], loss: Double, gradients: [[Double]]) {
        let absolute = try [(fixture.input, fixture.inputShape), (c.convWeight, c.convWeightShape), (c.convBias, [c.convBias.count]),
                            (c.denseWeight, c.denseWeightShape), (c.denseBias, [c.denseBias.count])]
            .map { try Tensor(shape: $0.1, scalars: $0.0.map(Swift.abs)).requiringGrad() }
        let window = c.poolSize[0] * c.poolSize[1], poolSize = (c.poolSize[0], c.poolSize[1])
        let convolved = try Tensor.conv2d(absolute[0], absolute[1], stride: (c.convStride[0], c.convStride[1]),
                                          padding: padding(c.convPadding)) + absolute[2]
        let pooled = try Tensor.avgPool2d(convolved, size: poolSize, stride: (c.poolStride[0], c.poolStride[1]),
                                          padding: padding(c.poolPadding)) * (c.poolKind == "max" ? Float(window) : 1)
        let magnitudes = try Tensor.matmul(pooled.flattened(), absolute[3]) + absolute[4]
        // Forward: the convolution's products and bias, the pool's sum and scale, the dense layer's products and bias.
        let (batch, classes, features) = (fixture.inputShape[0], c.denseBias.count, c.denseWeightShape[0])
        let forward = c.convWeightShape[0] * c.convWeightShape[1] * fixture.inputShape[3] + 1 + window + 2 + features + 1
        let logitBounds = magnitudes.scalars.map { Tolerance.gamma(forward) * Double($0) }
        // Backward adds dLogits' 3 roundings, the sum over classes, the pool's, and the longest of the filter
        // gradient's sum over batch·positions and the input gradient's over kh·kw·outChannels.
        let positions = convolved.count / convolved.shape[3]
        let backward = forward + 3 + classes + window + 2 + Swift.max(positions, c.convWeightShape[0] * c.convWeightShape[1] * c.convWeightShape[3])
        var logProbBounds = [Double](), seed = [Float](), lossBound = 0.0
        for n in 0..<batch {
            let row = Array(logits.scalars[n * classes..<(n + 1) * classes])
            let p = SoftmaxReference.softmaxRow(row), logitError = logitBounds[n * classes..<(n + 1) * classes].max()!
            for j in 0..<classes {
                let target: Double = j == fixture.labels[n] ? 1 : 0
                logProbBounds.append(logitBounds[n * classes + j] + logitError + SoftmaxReference.logBound(row, output: Foundation.log(p[j])))
                seed.append(Float((Tolerance.gamma(backward) * (p[j] + target)
                                   + p[j] * (2 * logitError + SoftmaxReference.relativeBound(row))) / Double(batch)))
            }
            lossBound += logProbBounds[n * classes + fixture.labels[n]] / Double(batch)
        }
        let carried = try gradients(of: magnitudes, seed: Tensor(shape: magnitudes.shape, scalars: seed), wrt: absolute)
        return (logitBounds, logProbBounds, lossBound + Tolerance.ulps(0.5, of: Double(c.loss)), carried.map { $0.scalars.map(Double.init) })
    }

    @Test func fixtureLoadsAndCoversTheExpectedCases() throws {
        let fixture = try Self.loadFixture()
        #expect(fixture.inputShape == [2, 9, 9, 3])
        #expect(fixture.input.count == 2 * 9 * 9 * 3)
        #expect(fixture.labels == [1, 3])
        #expect(fixture.cases.count == 3)
    }

    @Test(arguments: 0..<3)
    func convNetForwardAndGradientsMatchPyTorch(index: Int) throws {
        let fixture = try Self.loadFixture()
        let c = try #require(fixture.cases.indices.contains(index) ? fixture.cases[index] : nil)

        let x = try Tensor(shape: fixture.inputShape, scalars: fixture.input).requiringGrad()
        let convWeight = try Tensor(shape: c.convWeightShape, scalars: c.convWeight).requiringGrad()
        let convBias = try Tensor(shape: [c.convBias.count], scalars: c.convBias).requiringGrad()
        let denseWeight = try Tensor(shape: c.denseWeightShape, scalars: c.denseWeight).requiringGrad()
        let denseBias = try Tensor(shape: [c.denseBias.count], scalars: c.denseBias).requiringGrad()
        #expect(c.convWeightShape[0] == c.convKernel[0] && c.convWeightShape[1] == c.convKernel[1])

        let convolved = try Tensor.conv2d(x, convWeight, stride: (c.convStride[0], c.convStride[1]),
                                          padding: Self.padding(c.convPadding))
        let activated = try (convolved + convBias).relu()
        let poolSize = (c.poolSize[0], c.poolSize[1]), poolStride = (c.poolStride[0], c.poolStride[1])
        let pooled = c.poolKind == "max"
            ? try Tensor.maxPool2d(activated, size: poolSize, stride: poolStride, padding: Self.padding(c.poolPadding))
            : try Tensor.avgPool2d(activated, size: poolSize, stride: poolStride, padding: Self.padding(c.poolPadding))
        #expect(pooled.shape == c.pooledShape, "\(c.name): pooled shape")
        let logits = try Tensor.matmul(pooled.flattened(), denseWeight) + denseBias
        let loss = try Tensor.softmaxCrossEntropy(logits: logits, labels: fixture.labels)

        let batch = fixture.inputShape[0], classes = c.denseBias.count
        let bounds = try Self.roundingBounds(fixture, c, logits: logits)
        Self.expectMatches(logits, c.logits, shape: [batch, classes], within: bounds.logits, "\(c.name) logits")
        Self.expectMatches(try logits.logSoftmax(), c.logProbs, shape: [batch, classes], within: bounds.logProbs, "\(c.name) log-softmax")
        Self.expectMatches(loss, [c.loss], shape: [], within: [bounds.loss], "\(c.name) loss")

        let grads = try gradients(of: loss, wrt: [x, convWeight, convBias, denseWeight, denseBias])
        Self.expectMatches(grads[0], c.gradInput, shape: fixture.inputShape, within: bounds.gradients[0], "\(c.name) dLoss/dInput")
        Self.expectMatches(grads[1], c.gradConvWeight, shape: c.convWeightShape, within: bounds.gradients[1], "\(c.name) dLoss/dConvWeight")
        Self.expectMatches(grads[2], c.gradConvBias, shape: [c.convBias.count], within: bounds.gradients[2], "\(c.name) dLoss/dConvBias")
        Self.expectMatches(grads[3], c.gradDenseWeight, shape: c.denseWeightShape, within: bounds.gradients[3], "\(c.name) dLoss/dDenseWeight")
        Self.expectMatches(grads[4], c.gradDenseBias, shape: [classes], within: bounds.gradients[4], "\(c.name) dLoss/dDenseBias")
    }
}
