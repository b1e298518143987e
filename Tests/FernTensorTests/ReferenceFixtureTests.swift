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

    /// |actual − expected| ≤ 1e-4 · max(1, |expected|): absolute for small values, relative for large ones.
    static func expectMatches(_ actual: Tensor, _ expected: [Float], shape: [Int], _ what: String,
                              sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(actual.shape == shape, "\(what): shape \(actual.shape), expected \(shape)", sourceLocation: sourceLocation)
        guard actual.count == expected.count else { return }
        let bad = (0..<expected.count).filter { i in
            !(Swift.abs(actual.scalars[i] - expected[i]) <= 1e-4 * Swift.max(1, Swift.abs(expected[i])))
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
        Self.expectMatches(logits, c.logits, shape: [batch, classes], "\(c.name) logits")
        Self.expectMatches(try logits.logSoftmax(), c.logProbs, shape: [batch, classes], "\(c.name) log-softmax")
        Self.expectMatches(loss, [c.loss], shape: [], "\(c.name) loss")

        let grads = try gradients(of: loss, wrt: [x, convWeight, convBias, denseWeight, denseBias])
        Self.expectMatches(grads[0], c.gradInput, shape: fixture.inputShape, "\(c.name) dLoss/dInput")
        Self.expectMatches(grads[1], c.gradConvWeight, shape: c.convWeightShape, "\(c.name) dLoss/dConvWeight")
        Self.expectMatches(grads[2], c.gradConvBias, shape: [c.convBias.count], "\(c.name) dLoss/dConvBias")
        Self.expectMatches(grads[3], c.gradDenseWeight, shape: c.denseWeightShape, "\(c.name) dLoss/dDenseWeight")
        Self.expectMatches(grads[4], c.gradDenseBias, shape: [classes], "\(c.name) dLoss/dDenseBias")
    }
}
