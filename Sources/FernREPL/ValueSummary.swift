import FernLang

/// One line about a value for `:vars`: a number or short list as it
/// prints, a tensor's shape and first values, a model's parameter count.
enum ValueSummary {
    static let maxLength = 60

    static func line(for value: Value) -> String {
        let text: String
        switch value {
        case .string(let s):
            text = "\"\(s)\""
        case .model:
            text = value.description.split(separator: "\n").first { $0.hasPrefix("Total params") }.map(String.init)
                ?? value.description
        default:
            text = value.description
        }
        let firstLine = text.prefix { $0 != "\n" }
        return firstLine.count > maxLength || firstLine.count < text.count
            ? String(firstLine.prefix(maxLength - 1)) + "…" : String(firstLine)
    }
}
