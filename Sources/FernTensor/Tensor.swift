import Foundation

/// A Float32 n-dimensional array, contiguous and row-major.
///
/// Storage is a Swift array, so copies share memory until one is written
/// (copy-on-write). A tensor produced while gradients are recorded carries a
/// `node` linking it into the autodiff graph.
public struct Tensor {
    public let shape: [Int]
    public internal(set) var scalars: [Float]
    var node: Node?

    /// Creates a tensor from row-major scalars; the count must match the shape.
    public init(shape: [Int], scalars: [Float]) throws {
        try Tensor.checkShape(shape, op: "tensor")
        guard shapeCount(shape) == scalars.count else {
            throw TensorError(op: "tensor",
                              "\(scalars.count) values do not fill shape \(describeShape(shape))")
        }
        self.shape = shape
        self.scalars = scalars
        self.node = nil
    }

    /// Internal initializer for results whose count is already known to match.
    init(unchecked shape: [Int], _ scalars: [Float]) {
        self.shape = shape
        self.scalars = scalars
        self.node = nil
    }

    /// A rank-0 tensor holding one value.
    public init(_ value: Float) {
        self.init(unchecked: [], [value])
    }

    public var rank: Int { shape.count }
    public var count: Int { scalars.count }

    /// The single value of a one-element tensor.
    public func item() throws -> Float {
        guard scalars.count == 1 else {
            throw TensorError.shapes("item", shape, detail: "needs a tensor with exactly one element")
        }
        return scalars[0]
    }

    /// Whether gradients with respect to this tensor (or through it) are tracked.
    public var requiresGrad: Bool { node != nil }

    /// This tensor as a leaf of the autodiff graph: gradients of later
    /// results can be taken with respect to it.
    public func requiringGrad() -> Tensor {
        var leaf = self
        leaf.node = Node(op: "leaf", shape: shape, parents: [], backward: nil)
        return leaf
    }

    /// The same values, cut from the autodiff graph.
    public func detached() -> Tensor {
        var copy = self
        copy.node = nil
        return copy
    }

    /// Element at a full multi-index (bounds checked).
    public func value(at index: [Int]) throws -> Float {
        guard index.count == rank else {
            throw TensorError(op: "index", "\(index.count) indices for a tensor of shape \(describeShape(shape))")
        }
        var flat = 0
        for (axis, i) in index.enumerated() {
            guard i >= 0 && i < shape[axis] else {
                throw TensorError(op: "index", "index \(i) is out of range for axis \(axis) of shape \(describeShape(shape))")
            }
            flat = flat * shape[axis] + i
        }
        return scalars[flat]
    }
}

extension Tensor: CustomStringConvertible {
    /// A short summary: shape and the first few values.
    public var description: String {
        let shown = scalars.prefix(8).map { formatScalar($0) }.joined(separator: ", ")
        let more = scalars.count > 8 ? ", …" : ""
        return "Tensor\(describeShape(shape)) [\(shown)\(more)]"
    }
}

func formatScalar(_ value: Float) -> String {
    if value == value.rounded() && abs(value) < 1e7 { return String(Int(value)) }
    let text = String(format: "%.4g", Double(value))
    return text
}

/// A buffer the caller promises to overwrite completely before reading.
func uninitializedScalars(_ count: Int) -> [Float] {
    [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
}

/// Number of elements of a shape.
public func shapeCount(_ shape: [Int]) -> Int {
    shape.reduce(1, *)
}

/// Row-major strides of a shape.
func stridesOf(_ shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    var running = 1
    for axis in stride(from: shape.count - 1, through: 0, by: -1) {
        strides[axis] = running
        running *= shape[axis]
    }
    return strides
}

/// Resolves a possibly negative axis against a rank.
/// `rank` differs from the shape's only for ops that add an axis (stack).
func normalizeAxis(_ axis: Int, shape: [Int], rank: Int? = nil, op: String) throws -> Int {
    let rank = rank ?? shape.count
    let resolved = axis < 0 ? axis + rank : axis
    guard resolved >= 0 && resolved < rank else { throw TensorError.axis(op, axis, shape: shape, rank: rank) }
    return resolved
}

extension Tensor {
    /// Read access to the row-major scalars without copying.
    public func withUnsafeScalars<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try scalars.withUnsafeBufferPointer(body)
    }

    /// In-place update of the scalars (optimizer steps). The tensor leaves
    /// the autodiff graph: a changed value has no recorded history.
    public mutating func withUnsafeMutableScalars<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        node = nil
        return try scalars.withUnsafeMutableBufferPointer { try body($0) }
    }
}
