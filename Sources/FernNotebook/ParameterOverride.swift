import Foundation
import FernLang

/// One `-p name=value` from the command line. The value is a Fern literal
/// when it reads as one (`30`, `0.001`, `true`, `none`, `[32, 64]`,
/// `"quoted"`), and otherwise the text itself as a string, so that paths
/// need no quotes: `-p data=../fer2013/train.csv`.
public struct ParameterOverride: Sendable, Equatable {
    public var name: String
    public var text: String

    public init(name: String, text: String) {
        self.name = name
        self.text = text
    }

    /// Parses `name=value`.
    public init(parsing argument: String) throws {
        guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex else {
            throw NotebookError("parameter '\(argument)' should look like name=value")
        }
        let name = argument[..<equals].trimmingCharacters(in: .whitespaces)
        guard name.first.map({ $0.isLetter || $0 == "_" }) == true,
              name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
            throw NotebookError("parameter name '\(name)' is not a Fern variable name")
        }
        self.init(name: name, text: String(argument[argument.index(after: equals)...]))
    }

    public var value: Value { Value.literal(text) ?? .string(text) }
}
