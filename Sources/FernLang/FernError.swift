/// An error in a Fern program: a syntax error found while scanning or
/// parsing, or a runtime error found while running.
public struct FernError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Kind: String, Sendable { case syntax, runtime }

    public var kind: Kind
    public var message: String
    /// Where the error is; nil until the interpreter attaches the location
    /// of the call or operation that raised it.
    public var location: SourceLocation?
    public var file: String
    /// The source line the location points into, shown above the caret.
    public var sourceLine: String?

    public init(_ kind: Kind, _ message: String, at location: SourceLocation? = nil,
                file: String = "<input>", sourceLine: String? = nil) {
        self.kind = kind
        self.message = message
        self.location = location
        self.file = file
        self.sourceLine = sourceLine
    }

    static func syntax(_ message: String, at location: SourceLocation) -> FernError {
        FernError(.syntax, message, at: location)
    }

    static func runtime(_ message: String, at location: SourceLocation? = nil) -> FernError {
        FernError(.runtime, message, at: location)
    }

    /// `file:line:col: error: message`, then the source line and a caret
    /// under the column.
    public var description: String {
        guard let location else { return "\(file): error: \(message)" }
        var text = "\(file):\(location.line):\(location.column): error: \(message)"
        if let sourceLine {
            text += "\n    \(sourceLine)\n    " + String(repeating: " ", count: max(0, location.column - 1)) + "^"
        }
        return text
    }

    /// This error with its file and source line filled in from `source`,
    /// unless an enclosing function already did.
    func attached(to source: String, file: String) -> FernError {
        guard sourceLine == nil else { return self }
        var copy = self
        copy.file = file
        if let line = location?.line {
            let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
            if line - 1 < lines.count { copy.sourceLine = String(lines[line - 1]) }
        }
        return copy
    }
}
