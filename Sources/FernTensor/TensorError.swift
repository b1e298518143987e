/// An error raised by a tensor operation. The message always names the
/// operation and, where shapes are involved, the shapes.
public struct TensorError: Error, CustomStringConvertible, Equatable {
    public let op: String
    public let message: String

    public init(op: String, _ message: String) {
        self.op = op
        self.message = message
    }

    public var description: String { "\(op): \(message)" }

    static func shapes(_ op: String, _ shapes: [Int]..., detail: String) -> TensorError {
        let list = shapes.map(describeShape).joined(separator: " and ")
        return TensorError(op: op, "\(detail) (shapes \(list))")
    }

    static func axis(_ op: String, _ axis: Int, shape: [Int], rank: Int) -> TensorError {
        TensorError(op: op, "axis \(axis) is out of range for rank \(rank) (shape \(describeShape(shape)))")
    }
}

/// `[2, 3]` style shape text used in every message.
public func describeShape(_ shape: [Int]) -> String {
    "[" + shape.map(String.init).joined(separator: ", ") + "]"
}
