import Testing
@testable import FernTensor

/// Checks every input's analytic gradient against central finite differences.
///
/// The scalar checked is `Σ f(inputs) · R` for a fixed random `R`, so every
/// output element contributes with a different weight; it is accumulated in
/// Double so the difference quotient is not drowned by Float rounding.
/// Float32 forward passes limit the agreement to about 1e-3 relative with
/// `epsilon = 1e-2`; the default tolerance leaves a margin above that.
func expectGradientsMatchFiniteDifferences(
    _ f: ([Tensor]) throws -> Tensor,
    at inputs: [Tensor],
    epsilon: Float = 1e-2,
    tolerance: Double = 2e-2,
    maxProbesPerInput: Int = 64,
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    var generator = SeededGenerator(seed: 7)
    let probe = try f(inputs)
    let weights = try Tensor.randomUniform(probe.shape, low: -1, high: 1, using: &generator)

    func projected(_ xs: [Tensor]) throws -> Double {
        let out = try GradientMode.withoutGradients { try f(xs) }
        return zip(out.scalars, weights.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }

    let tracked = inputs.map { $0.requiringGrad() }
    let loss = try (f(tracked) * weights).sum()
    let analytic = try gradients(of: loss, wrt: tracked)

    for (which, input) in inputs.enumerated() {
        #expect(analytic[which].shape == input.shape, "gradient shape of input \(which)", sourceLocation: sourceLocation)
        let stride = Swift.max(1, input.count / maxProbesPerInput)
        for index in Swift.stride(from: 0, to: input.count, by: stride) {
            var plus = inputs, minus = inputs
            plus[which].scalars[index] += epsilon
            minus[which].scalars[index] -= epsilon
            let numeric = (try projected(plus) - projected(minus)) / Double(2 * epsilon)
            let exact = Double(analytic[which].scalars[index])
            let scale = Swift.max(1, Swift.abs(numeric), Swift.abs(exact))
            #expect(Swift.abs(numeric - exact) <= tolerance * scale,
                    "input \(which) element \(index): analytic \(exact) vs numeric \(numeric)",
                    sourceLocation: sourceLocation)
        }
    }
}

/// A seeded random tensor for tests.
func randomTensor(_ shape: [Int], seed: UInt64, low: Float = -1, high: Float = 1) throws -> Tensor {
    var generator = SeededGenerator(seed: seed)
    return try Tensor.randomUniform(shape, low: low, high: high, using: &generator)
}

/// Largest absolute difference between two same-shaped tensors.
func maxDifference(_ a: Tensor, _ b: Tensor) -> Float {
    precondition(a.shape == b.shape, "compare \(a.shape) with \(b.shape)")
    return zip(a.scalars, b.scalars).reduce(0) { Swift.max($0, Swift.abs($1.0 - $1.1)) }
}

/// Runs `body` once with oneDNN's kernels and once with Fern's own (im2col + GEMM, pooling loops).
func withEachKernels(_ body: () throws -> Void) throws {
    for kernels in Kernels.allCases {
        try Kernels.$override.withValue(kernels) { try body() }
    }
}
