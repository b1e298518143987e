/// Errors of the analysis functions, naming the function and the problem.
public struct AnalysisError: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
