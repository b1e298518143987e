/// An error raised while reading, checking or writing data. The message names
/// the file and, for a malformed row, the line (1-based, the header is line 1)
/// and what was wrong with it, e.g.
/// `train.csv, line 17: expected 2304 pixel values, found 2303`.
public struct DataError: Error, CustomStringConvertible, Equatable {
    /// The whole message, shown to the user as it is.
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }

    /// A problem with one line of a file.
    static func line(_ number: Int, of path: String, _ problem: String) -> DataError {
        DataError("\(path), line \(number): \(problem)")
    }
}
