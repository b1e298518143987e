import Foundation
import Testing
@testable import FernNN
import FernTensor

/// Ensembles: one model whose probabilities are its members' averaged.
@Suite struct EnsembleTests {
    private func member(seed: UInt64, residual: Bool = false) throws -> Sequential {
        var layers: [Layer] = [try Conv2DLayer(filters: 3, kernelSize: (3, 3), padding: .same, activation: .relu)]
        if residual { layers.append(try ResidualLayer(body: [try Conv2DLayer(filters: 3, kernelSize: (3, 3), padding: .same)])) }
        layers += [try BatchNormLayer(), try PoolingLayer(.max), FlattenLayer(), try DenseLayer(units: 4, activation: .softmax)]
        return try Sequential(layers, inputShape: [6, 6, 1], seed: seed)
    }

    private func images(_ count: Int) throws -> Tensor {
        var generator = SeededGenerator(seed: 7)
        return try Tensor.randomNormal([count, 6, 6, 1], using: &generator)
    }

    /// The ensemble's probabilities are the mean of its members', to the rounding of that mean,
    /// its log and the softmax back (see `ensembleBound`).
    @Test func probabilitiesAreTheMembersAverage() throws {
        let members = [try member(seed: 1), try member(seed: 2), try member(seed: 3, residual: true)]
        let ensemble = try EnsembleLayer.model(of: members)
        let x = try images(9)
        let each = try members.map { try $0.predict(x) }
        let expected = (0..<each[0].count).map { k in Double(each.map { $0.scalars[k] }.reduce(0, +)) / 3 }
        let actual = try ensemble.predict(x).scalars
        for (k, p) in expected.enumerated() {
            let row = expected[(k / 4 * 4)..<(k / 4 * 4 + 4)]
            expectClose(actual[k], p, tolerance: ensembleBound(p, row: Array(row), members: 3))
        }
        // Classes: the argmax of the averaged probabilities.
        let classes = (0..<9).map { row in (0..<4).max { expected[row * 4 + $0] < expected[row * 4 + $1] }! }
        #expect(try ensemble.predictClasses(x) == classes)
    }

    @Test func membersKeepTheirWeightsUnderTheirOwnNames() throws {
        let members = [try member(seed: 1), try member(seed: 2, residual: true)]
        let ensemble = try EnsembleLayer.model(of: members)
        #expect(ensemble.weights["ensemble.0.conv2d.weight"]?.scalars == members[0].weights["conv2d.weight"]?.scalars)
        #expect(ensemble.weights["ensemble.1.residual.conv2d.weight"]?.scalars == members[1].weights["residual.conv2d.weight"]?.scalars)
        #expect(ensemble.weights.count == members[0].weights.count + members[1].weights.count)
        let summary = ensemble.summary
        #expect(summary.contains("ensemble (Ensemble)") && summary.contains("  ensemble.1.residual (Residual)"))
        #expect(summary.contains("    ensemble.1.residual.conv2d (Conv2D)"))
    }

    @Test func savedEnsembleLoadsWithBitIdenticalPredictions() throws {
        let folder = try TemporaryFolder()
        let ensemble = try EnsembleLayer.model(of: [try member(seed: 1), try member(seed: 2, residual: true)])
        try ensemble.save(to: folder.path("ens"))
        let loaded = try Sequential.load(from: folder.path("ens"))
        #expect(Architecture(of: loaded) == Architecture(of: ensemble))
        let x = try images(5)
        #expect(try loaded.predict(x).scalars == ensemble.predict(x).scalars)
    }

    @Test func membersMustAgreeOnInputsAndClasses() throws {
        let other = try Sequential([FlattenLayer(), DenseLayer(units: 5, activation: .softmax)], inputShape: [6, 6, 1])
        expectError(containing: ["ensemble: model 1 takes [6, 6, 1] to [5]", "model 0 takes [6, 6, 1] to [4]"]) {
            _ = try EnsembleLayer.model(of: [try member(seed: 1), other])
        }
        expectError(containing: ["at least two models (got 1)"]) { _ = try EnsembleLayer.model(of: [try member(seed: 1)]) }
    }

    /// The input gradient of the ensemble's class score is finite and is what saliency uses.
    @Test func gradientsFlowThroughEveryMember() throws {
        let members = [try member(seed: 1), try member(seed: 2)]
        let ensemble = try EnsembleLayer.model(of: members)
        let x = try images(2).requiringGrad()
        let score = try ensemble.logits(x, context: ForwardContext(training: false)).sum()
        let grads = try gradients(of: score, wrt: [x])
        #expect(grads[0].scalars.allSatisfy(\.isFinite) && grads[0].scalars.contains { $0 != 0 })
    }
}
