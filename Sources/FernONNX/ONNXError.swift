/// A model that cannot be written as ONNX, or an ONNX file that cannot be read as a Fern model:
/// the message names the file, the node and the operator where there is one.
public struct ONNXError: Error, CustomStringConvertible, Sendable {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
