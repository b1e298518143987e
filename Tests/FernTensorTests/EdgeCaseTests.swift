import Testing
@testable import FernTensor

/// Empty tensors and absurd sizes are errors or empty results, never traps.
@Suite struct EdgeCaseTests {
    @Test func emptyTensorsFlowThroughOps() throws {
        let empty = try Tensor.zeros([0, 3])
        #expect(empty.exp().shape == [0, 3])
        #expect(try (empty + empty).shape == [0, 3])
        #expect(try (empty + Tensor(1)).shape == [0, 3])
        #expect(try empty.sum().item() == 0)
        #expect(try empty.sum(axes: [0]).scalars == [0, 0, 0])
        #expect(try empty.softmax().shape == [0, 3])
        #expect(try Tensor.matmul(empty, Tensor.ones([3, 2])).shape == [0, 2])
        #expect(try Tensor.matmul(Tensor.ones([2, 0]), Tensor.ones([0, 4])).scalars == [Float](repeating: 0, count: 8))
        #expect(try empty.transposed().shape == [3, 0])
        #expect(try empty.sliced(axis: 1, start: 1, end: 1).shape == [0, 0])
        #expect(try Tensor.concat([empty, Tensor.ones([1, 3])]).shape == [1, 3])
        #expect(throws: TensorError.self) { try empty.max(axes: [0]) }
    }

    @Test func emptyBatchThroughConvolutionAndPooling() throws {
        let images = try Tensor.zeros([0, 6, 6, 2]).requiringGrad()
        let filter = try Tensor.ones([3, 3, 2, 4]).requiringGrad()
        let out = try Tensor.maxPool2d(Tensor.conv2d(images, filter, padding: .same))
        #expect(out.shape == [0, 3, 3, 4])
        let grads = try gradients(of: out.sum(), wrt: [images, filter])
        #expect(grads[0].shape == [0, 6, 6, 2])
        #expect(grads[1].scalars.allSatisfy { $0 == 0 })
    }

    @Test func absurdSizesAreErrorsNotCrashes() throws {
        var generator = SeededGenerator(seed: 1)
        #expect(throws: TensorError.self) { try Tensor.zeros([1 << 40, 1 << 40]) }
        #expect(throws: TensorError.self) { try Tensor.arange(0, 1e30) }
        #expect(throws: TensorError.self) { try Tensor.ones([2]).reshaped([Int.max, 2]) }
        #expect(throws: TensorError.self) { try Tensor.ones([2]).padded([(Int.max, 1)]) }
        #expect(throws: TensorError.self) { try Tensor.ones([2]).broadcast(to: [1 << 40, 2]) }
        #expect(throws: TensorError.self) { try Tensor.matmul(Tensor.ones([1 << 20, 1]), Tensor.ones([1, 1 << 20])) }
        #expect(throws: TensorError.self) {
            try Tensor.conv2d(Tensor.ones([1, 4, 4, 1]), Tensor.ones([3, 3, 1, 1]), stride: (0, 1))
        }
        #expect(throws: TensorError.self) { try Tensor.ones([3]).dropout(rate: .nan, training: true, using: &generator) }
        #expect(try Tensor.ones([3]).sliced(axis: 0, start: 1, step: Int.max).shape == [1])
    }
}
