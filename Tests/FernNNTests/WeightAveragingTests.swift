import Testing
@testable import FernNN
import FernTensor

/// Checkpoint averaging: each weight the mean of the snapshots' (recalibrating batch norm is
/// `BatchNormRecalibration`'s, tested there); only snapshots of one network.
@Suite struct WeightAveragingTests {
    private func network(seed: UInt64, units: Int = 6) throws -> Sequential {
        try Sequential([DenseLayer(units: units, activation: .relu), BatchNormLayer(), DenseLayer(units: 3, activation: .softmax)],
                       inputShape: [4], seed: seed)
    }

    @Test func eachWeightIsTheMeanOfTheSnapshots() throws {
        let snapshots = try [1, 2, 3].map { try network(seed: $0) }
        let averaged = try Sequential.averagingWeights(of: snapshots)
        #expect(Architecture(of: averaged) == Architecture(of: snapshots[0]))
        let weights = averaged.weights
        #expect(Set(weights.keys) == Set(snapshots[0].weights.keys))
        for (name, value) in weights {
            let values = snapshots.map { $0.weights[name]!.scalars }
            for (i, mean) in value.scalars.enumerated() {
                // (a + b + c) · (1/3) in Float: the sum's two roundings and the product's, each within
                // half an ulp of a value no larger than the sum of magnitudes.
                let magnitude = values.map { abs($0[i]) }.reduce(0, +)
                let exact = Double(values.map { $0[i] }.reduce(0, +)) / 3
                #expect(abs(Double(mean) - exact) <= 3 * Double(magnitude.ulp), "\(name)[\(i)]")
            }
        }
    }

    @Test func onlySnapshotsOfOneNetworkAreAveraged() throws {
        #expect(throws: ModelError.self) { try Sequential.averagingWeights(of: [try network(seed: 1)]) }
        expectError(containing: ["model 1 is not the same network as model 0"]) {
            _ = try Sequential.averagingWeights(of: [try network(seed: 1), try network(seed: 2, units: 5)])
        }
    }
}
