import Testing
@testable import FernTensor

@Suite struct BiasReluTests {
    /// Values kept away from the kink at 0, where the finite difference is undefined.
    static func input(_ shape: [Int], seed: UInt64) throws -> Tensor {
        var generator = SeededGenerator(seed: seed)
        let values = try Tensor.randomUniform(shape, low: 0.1, high: 1, using: &generator).scalars.enumerated()
            .map { $0.offset % 3 == 0 ? -$0.element : $0.element }
        return try Tensor(shape: shape, scalars: values)
    }

    @Test func fusedBiasReluEqualsBroadcastAddThenRelu() throws {
        let x = try Self.input([2, 5, 3, 4], seed: 1), bias = try Self.input([4], seed: 2)
        let fused = try Tensor.biasRelu(x, bias: bias)
        let composite = try (x + bias).relu()
        #expect(fused.shape == composite.shape)
        #expect(fused.scalars == composite.scalars)
    }

    @Test func biasReluGradientsMatchFiniteDifferences() throws {
        let x = try Self.input([3, 2, 2, 5], seed: 3)
        let bias = try Tensor(shape: [5], scalars: [0.013, -0.021, 0.032, -0.047, 0.055])
        try expectGradientsMatchFiniteDifferences({ try Tensor.biasRelu($0[0], bias: $0[1]) }, at: [x, bias])
    }

    @Test func biasOfTheWrongLengthIsAnErrorNamingTheOp() throws {
        #expect(throws: TensorError.self) { try Tensor.biasRelu(Tensor.zeros([2, 3]), bias: Tensor.zeros([2])) }
        do {
            _ = try Tensor.biasRelu(Tensor.zeros([2, 3]), bias: Tensor.zeros([2]))
        } catch {
            #expect("\(error)".contains("biasRelu"))
        }
    }
}
