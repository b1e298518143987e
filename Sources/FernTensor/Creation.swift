/// The most elements one tensor may hold (8 GiB of Float32), which also
/// keeps every dimension within BLAS's 32-bit sizes.
let maxElementCount = Int(Int32.max)

extension Tensor {
    /// A tensor of `shape` filled with `value`, for shapes known to be valid.
    init(repeating value: Float, shape: [Int]) {
        self.init(unchecked: shape, [Float](repeating: value, count: shapeCount(shape)))
    }

    public static func zeros(_ shape: [Int]) throws -> Tensor {
        try full(shape, 0, op: "zeros")
    }

    public static func ones(_ shape: [Int]) throws -> Tensor {
        try full(shape, 1, op: "ones")
    }

    public static func full(_ shape: [Int], _ value: Float) throws -> Tensor {
        try full(shape, value, op: "full")
    }

    private static func full(_ shape: [Int], _ value: Float, op: String) throws -> Tensor {
        try checkShape(shape, op: op)
        return Tensor(repeating: value, shape: shape)
    }

    /// Values `start, start+step, …` below `end`, as a rank-1 tensor.
    public static func arange(_ start: Float, _ end: Float, step: Float = 1) throws -> Tensor {
        guard step != 0, step.isFinite, start.isFinite, end.isFinite else {
            throw TensorError(op: "arange", "start, end and step must be finite and step non-zero (got \(start), \(end), \(step))")
        }
        let steps = ((end - start) / step).rounded(.up)
        guard steps <= Float(maxElementCount) else {
            throw TensorError(op: "arange", "\(steps) values are too many")
        }
        let count = Swift.max(0, Int(steps))
        return Tensor(unchecked: [count], (0..<count).map { start + Float($0) * step })
    }

    /// Samples from a normal distribution, reproducible from the generator's seed.
    public static func randomNormal(_ shape: [Int], mean: Float = 0, std: Float = 1,
                                    using generator: inout SeededGenerator) throws -> Tensor {
        try checkShape(shape, op: "randomNormal")
        let values = (0..<shapeCount(shape)).map { _ in mean + std * generator.nextNormal() }
        return Tensor(unchecked: shape, values)
    }

    /// Samples uniformly from `[low, high)`.
    public static func randomUniform(_ shape: [Int], low: Float = 0, high: Float = 1,
                                     using generator: inout SeededGenerator) throws -> Tensor {
        try checkShape(shape, op: "randomUniform")
        let values = (0..<shapeCount(shape)).map { _ in low + (high - low) * generator.nextUnitFloat() }
        return Tensor(unchecked: shape, values)
    }

    static func checkShape(_ shape: [Int], op: String) throws {
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw TensorError(op: op, "negative dimension in shape \(describeShape(shape))")
        }
        let (count, overflow) = shape.reduce((1, false)) { acc, dim in
            let (product, o) = acc.0.multipliedReportingOverflow(by: dim)
            return (product, acc.1 || o)
        }
        guard !overflow && count <= maxElementCount else {
            throw TensorError(op: op, "shape \(describeShape(shape)) is too large")
        }
    }
}
