/// An error raised while building or saving a plot: bad shapes, mismatched
/// lengths, empty data, an unwritable path. The message names the plot kind
/// and what was wrong, e.g. `bar chart: 7 labels but 6 values`.
public struct PlotError: Error, CustomStringConvertible, Equatable {
    /// The whole message, shown to the user as it is.
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
