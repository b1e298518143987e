/// f-strings: `f"{acc:.1%} after {n} epochs"` split into text and `{value:spec}` parts, each
/// expression parsed where it stands so that its errors point at its own column.
extension Parser {
    mutating func formatString(_ token: Token) throws -> Expr {
        let raw = Array(token.text)
        // The text starts after `f` and the quote; one string never spans lines.
        func location(_ i: Int) -> SourceLocation {
            SourceLocation(line: token.location.line, column: token.location.column + 2 + i)
        }
        var parts: [FormatPart] = []
        var text = ""
        var i = 0
        while i < raw.count {
            let c = raw[i]
            switch c {
            case "\\":
                text.append(try Scanner.escape(i + 1 < raw.count ? raw[i + 1] : "\\", at: location(i)))
                i += 2
            case "{" where i + 1 < raw.count && raw[i + 1] == "{", "}" where i + 1 < raw.count && raw[i + 1] == "}":
                text.append(c)
                i += 2
            case "}":
                throw FernError.syntax("a single '}' in an f-string; write '}}' for the character", at: location(i))
            case "{":
                if !text.isEmpty { parts.append(.text(text)) }
                text = ""
                let (part, end) = try formatField(raw, from: i, location: location)
                parts.append(part)
                i = end + 1
            default:
                text.append(c)
                i += 1
            }
        }
        if !text.isEmpty { parts.append(.text(text)) }
        return .format(parts, token.location)
    }

    /// The `{expression:spec}` starting at `open`, and the position of its closing '}'.
    private func formatField(_ raw: [Character], from open: Int, location: (Int) -> SourceLocation) throws -> (FormatPart, Int) {
        var depth = 0, quote: Character?, colon: Int?, close: Int?
        var i = open + 1
        scan: while i < raw.count {
            let c = raw[i]
            if let q = quote {
                if c == q { quote = nil }
            } else {
                switch c {
                case "\"", "'": quote = c
                case "(", "[", "{": depth += 1
                case ")", "]": depth -= 1
                case "}" where depth == 0:
                    close = i
                    break scan
                case "}": depth -= 1
                case ":" where depth == 0 && colon == nil: colon = i
                default: break
                }
            }
            i += 1
        }
        guard let close else { throw FernError.syntax("expected '}' to close '{' in the f-string", at: location(open)) }
        let expressionEnd = colon ?? close
        let source = String(raw[(open + 1)..<expressionEnd])
        guard !source.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw FernError.syntax("an empty '{}' in an f-string; put a value inside, or write '{{' for the character", at: location(open))
        }
        // The expression's tokens, moved to where the expression stands in the line.
        let start = location(open + 1)
        var tokens = try Scanner.tokens(of: source, startingAt: start)
        tokens.removeAll { $0.kind == .newline }
        var inner = Parser(tokens: tokens)
        inner.nesting = nesting
        let value = try inner.expression()
        guard inner.check(.eof) else { throw inner.error("expected '}' after the value in the f-string, found \(inner.peek.quoted)") }
        let spec = try colon.map { colon in
            try FormatSpec(parsing: String(raw[(colon + 1)..<close]), at: location(colon + 1))
        }
        return (.value(value, spec), close)
    }
}
