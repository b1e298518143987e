/// A problem with a notebook as a whole (unreadable file, bad `-p` value).
public struct NotebookError: Error, CustomStringConvertible, Sendable {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
