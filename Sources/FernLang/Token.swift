/// The kinds of token the scanner produces.
enum TokenKind: Equatable, Sendable {
    case leftParen, rightParen, leftBracket, rightBracket, leftBrace, rightBrace
    case comma, dot, colon, semicolon, newline
    case plus, minus, star, slash, percent, at, starStar, arrow, dotDot
    case equal, equalEqual, bangEqual, less, lessEqual, greater, greaterEqual
    /// `+=`, `-=`, `*=`, `/=`.
    case plusEqual, minusEqual, starEqual, slashEqual
    case identifier, string, number
    /// `f"..."`: its text as written between the quotes (escapes unresolved), for the parser.
    case formatString
    case and, or, not, `true`, `false`, none, def, `return`, `for`, `in`, `if`, `else`, `while`, `break`, `continue`, `try`, `catch`, use
    /// `not in`, made by the parser from the two words.
    case notIn
    case eof

    /// The operator of an augmented assignment (`+` for `+=`), nil for other tokens.
    var augmentedOperator: (kind: TokenKind, lexeme: String)? {
        switch self {
        case .plusEqual: (.plus, "+")
        case .minusEqual: (.minus, "-")
        case .starEqual: (.star, "*")
        case .slashEqual: (.slash, "/")
        default: nil
        }
    }

    /// Reserved words, by spelling.
    static let keywords: [String: TokenKind] = [
        "and": .and, "or": .or, "not": .not, "true": .true, "false": .false, "none": .none,
        "def": .def, "return": .return, "for": .for, "in": .in, "if": .if, "else": .else,
        "while": .while, "break": .break, "continue": .continue, "try": .try, "catch": .catch, "use": .use,
    ]
}

/// One token: its kind, its text as written, where it starts and, for
/// literals, its value.
struct Token: Equatable, Sendable {
    var kind: TokenKind
    var lexeme: String
    var location: SourceLocation
    /// The value of a number literal.
    var number: Double = 0
    /// The value of a string literal, escapes resolved.
    var text: String = ""

    /// How the token is named in error messages.
    var quoted: String {
        switch kind {
        case .newline: "end of line"
        case .eof: "end of input"
        default: "'\(lexeme)'"
        }
    }
}
