import FernLang

/// Gathers typed lines until they form a complete input: while a bracket,
/// brace or block is open the prompt asks for more.
struct InputBuffer {
    static let prompt = "fern> "
    static let continuationPrompt = "  ... "

    private var lines: [String] = []

    var isEmpty: Bool { lines.isEmpty }

    /// The prompt for the next line.
    var prompt: String { lines.isEmpty ? InputBuffer.prompt : InputBuffer.continuationPrompt }

    /// Adds a line; returns the whole input once it is complete, and starts over.
    /// A meta command is always one line. A string left open at the end of a
    /// line can never be closed (strings do not span lines), so such input is
    /// returned at once for the interpreter to report.
    mutating func add(_ line: String) -> String? {
        if lines.isEmpty {
            if line.allSatisfy(\.isWhitespace) { return nil }
            if line.drop(while: \.isWhitespace).hasPrefix(":") { return line }
        }
        lines.append(line)
        let source = lines.joined(separator: "\n")
        guard Interpreter.isComplete(source) || LineContext(endOf: line[...]).isString else { return nil }
        lines = []
        return source
    }

    /// Drops the lines gathered so far (Ctrl-C, Ctrl-D).
    mutating func clear() {
        lines = []
    }
}

extension LineContext {
    var isString: Bool {
        if case .string = self { return true }
        return false
    }
}
