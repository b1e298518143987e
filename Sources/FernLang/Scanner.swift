/// Turns source text into tokens.
///
/// Newlines end statements, except inside `( )` and `[ ]`, where they are
/// skipped so that long calls and lists can span lines. Comments run from
/// `#` to the end of the line.
struct Scanner {
    private let characters: [Character]
    private var index = 0
    private var line = 1
    private var column = 1
    /// Open brackets, innermost last; decides whether a newline is a token.
    private var openBrackets: [Character] = []
    private var tokens: [Token] = []

    init(_ source: String) {
        characters = Array(source)
    }

    /// All tokens of the source, ending with `.eof`.
    static func tokens(of source: String) throws -> [Token] {
        var scanner = Scanner(source)
        return try scanner.scanAll()
    }

    /// The tokens of a piece of a line that starts at `start` (an f-string's `{...}`), located there.
    static func tokens(of source: String, startingAt start: SourceLocation) throws -> [Token] {
        var scanner = Scanner(source)
        (scanner.line, scanner.column) = (start.line, start.column)
        return try scanner.scanAll()
    }

    /// The brackets still open after the whole source, or nil when a string
    /// is left unterminated. Used to decide whether REPL input is complete.
    static func openBracketCount(of source: String) -> Int? {
        var scanner = Scanner(source)
        do {
            _ = try scanner.scanAll()
        } catch let error as FernError where error.message.hasPrefix("unterminated string") {
            return nil
        } catch {
            return 0
        }
        return scanner.openBrackets.count
    }

    private mutating func scanAll() throws -> [Token] {
        while let c = peek() {
            let start = SourceLocation(line: line, column: column)
            if c == " " || c == "\t" || c == "\r" {
                advance()
            } else if c == "#" {
                while let next = peek(), !isNewline(next) { advance() }
            } else if isNewline(c) {
                advance()
                if openBrackets.last ?? "{" == "{" { add(.newline, "\\n", at: start) }
            } else if c.isNumber && c.isASCII || (c == "." && peek(1)?.isNumber == true && peek(1)?.isASCII == true) {
                try scanNumber(at: start)
            } else if c == "f", let quote = peek(1), quote == "\"" || quote == "'" {
                try scanFormatString(quote: quote, at: start)
            } else if c.isLetter || c == "_" {
                scanIdentifier(at: start)
            } else if c == "\"" || c == "'" {
                try scanString(quote: c, at: start)
            } else {
                try scanOperator(c, at: start)
            }
        }
        add(.eof, "", at: SourceLocation(line: line, column: column))
        return tokens
    }

    private func isNewline(_ c: Character) -> Bool { c == "\n" || c == "\r\n" }

    private func peek(_ offset: Int = 0) -> Character? {
        index + offset < characters.count ? characters[index + offset] : nil
    }

    @discardableResult
    private mutating func advance() -> Character {
        let c = characters[index]
        index += 1
        if isNewline(c) {
            line += 1
            column = 1
        } else {
            column += 1
        }
        return c
    }

    private mutating func add(_ kind: TokenKind, _ lexeme: String, at location: SourceLocation) {
        tokens.append(Token(kind: kind, lexeme: lexeme, location: location))
    }

    private mutating func scanNumber(at start: SourceLocation) throws {
        var text = ""
        scanDigits(into: &text)
        // A '.' followed by another '.' is the range operator, not a decimal point.
        if peek() == ".", peek(1) != "." {
            text.append(advance())
            scanDigits(into: &text)
        }
        if let e = peek(), e == "e" || e == "E" {
            let sign = peek(1)
            let hasSign = sign == "+" || sign == "-"
            if let d = peek(hasSign ? 2 : 1), d.isASCII, d.isNumber {
                text.append(advance())
                if hasSign { text.append(advance()) }
                scanDigits(into: &text)
            }
        }
        guard let value = Double(text) else { throw FernError.syntax("malformed number '\(text)'", at: start) }
        var token = Token(kind: .number, lexeme: text, location: start)
        token.number = value
        tokens.append(token)
    }

    /// Appends a run of digits; `_` may separate groups (`1_000`) and is dropped.
    private mutating func scanDigits(into text: inout String) {
        while let c = peek(), c.isASCII, c.isNumber || c == "_" {
            let digit = advance()
            if digit != "_" { text.append(digit) }
        }
    }

    private mutating func scanIdentifier(at start: SourceLocation) {
        var text = ""
        while let c = peek(), c.isLetter || c.isNumber || c == "_" { text.append(advance()) }
        add(TokenKind.keywords[text] ?? .identifier, text, at: start)
    }

    /// The next character of a string opened at `start`, nil at its closing quote; a string
    /// never runs past the end of its line.
    private mutating func stringCharacter(quote: Character, opened start: SourceLocation) throws -> Character? {
        guard let c = peek(), !isNewline(c) else {
            throw FernError.syntax("unterminated string: expected \(quote) before the end of the line", at: start)
        }
        advance()
        return c == quote ? nil : c
    }

    private mutating func scanString(quote: Character, at start: SourceLocation) throws {
        advance()
        var value = ""
        while let c = try stringCharacter(quote: quote, opened: start) {
            if c == "\\" {
                guard let escaped = peek(), !isNewline(escaped) else { continue }
                let escapeLocation = SourceLocation(line: line, column: column - 1)
                advance()
                value.append(try Scanner.escape(escaped, at: escapeLocation))
            } else {
                value.append(c)
            }
        }
        var token = Token(kind: .string, lexeme: "\(quote)\(value)\(quote)", location: start)
        token.text = value
        tokens.append(token)
    }

    /// The character `\\c` stands for in a string (plain or f-string).
    static func escape(_ c: Character, at location: SourceLocation) throws -> Character {
        switch c {
        case "n": return "\n"
        case "t": return "\t"
        case "\"", "'", "\\": return c
        default: throw FernError.syntax("unknown escape '\\\(c)'; expected \\n, \\t, \\\", \\' or \\\\", at: location)
        }
    }

    /// `f"..."` on one line, kept as written: the parser splits it into text and `{...}` parts
    /// and needs each character's column for its errors.
    private mutating func scanFormatString(quote: Character, at start: SourceLocation) throws {
        advance()
        advance()
        var raw = ""
        while let c = try stringCharacter(quote: quote, opened: start) {
            raw.append(c)
            if c == "\\", let escaped = peek(), !isNewline(escaped) { raw.append(advance()) }
        }
        var token = Token(kind: .formatString, lexeme: "f\(quote)\(raw)\(quote)", location: start)
        token.text = raw
        tokens.append(token)
    }

    private mutating func scanOperator(_ c: Character, at start: SourceLocation) throws {
        let two: [String: TokenKind] = [
            "**": .starStar, "->": .arrow, "..": .dotDot, "==": .equalEqual,
            "!=": .bangEqual, "<=": .lessEqual, ">=": .greaterEqual,
            "+=": .plusEqual, "-=": .minusEqual, "*=": .starEqual, "/=": .slashEqual,
        ]
        if let next = peek(1), let kind = two[String([c, next])] {
            advance(); advance()
            add(kind, String([c, next]), at: start)
            return
        }
        let one: [Character: TokenKind] = [
            "(": .leftParen, ")": .rightParen, "[": .leftBracket, "]": .rightBracket,
            "{": .leftBrace, "}": .rightBrace, ",": .comma, ".": .dot, ":": .colon,
            ";": .semicolon, "+": .plus, "-": .minus, "*": .star, "/": .slash,
            "%": .percent, "@": .at, "=": .equal, "<": .less, ">": .greater,
        ]
        guard let kind = one[c] else { throw FernError.syntax("unexpected character '\(c)'", at: start) }
        advance()
        switch c {
        case "(", "[", "{": openBrackets.append(c)
        case ")", "]", "}": _ = openBrackets.popLast()
        default: break
        }
        add(kind, String(c), at: start)
    }
}
