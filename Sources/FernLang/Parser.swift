/// Builds statements from tokens by recursive descent; statement rules live
/// here, expression rules in ParserExpressions.swift.
///
/// The first error stops parsing: it says what was expected and points at
/// the token where it was found.
struct Parser {
    var tokens: [Token]
    var current = 0
    /// How many function bodies enclose the current point (`return` needs one).
    var functionDepth = 0
    /// How many loops enclose the current point inside the innermost function (`break` and
    /// `continue` need one).
    var loopDepth = 0
    /// Nesting of expressions being parsed, bounded so that absurd input
    /// cannot exhaust the stack.
    var nesting = 0
    static let maxNesting = 100

    init(tokens: [Token]) {
        self.tokens = tokens
    }

    /// Parses a whole program.
    static func parse(_ source: String) throws -> [Stmt] {
        var parser = Parser(tokens: try Scanner.tokens(of: source))
        return try parser.program()
    }

    mutating func program() throws -> [Stmt] {
        var statements: [Stmt] = []
        skipSeparators()
        while !check(.eof) {
            statements.append(try statement())
            try endOfStatement()
            skipSeparators()
        }
        return statements
    }

    // MARK: Statements

    private mutating func statement() throws -> Stmt {
        switch peek.kind {
        case .def: return try functionDefinition()
        case .return: return try returnStatement()
        case .for: return try forStatement()
        case .while: return try whileStatement()
        case .break, .continue:
            let token = advance()
            guard loopDepth > 0 else { throw error("'\(token.lexeme)' outside a loop", at: token) }
            return token.kind == .break ? .break(token.location) : .continue(token.location)
        case .if: return try ifStatement()
        case .else: throw error("'else' without a matching 'if'")
        case .try: return try tryStatement()
        case .catch: throw error("'catch' without a matching 'try'")
        case .use: return try useStatement()
        default: return try expressionOrAssignment()
        }
    }

    private mutating func endOfStatement() throws {
        if match(.newline, .semicolon) || check(.eof) || check(.rightBrace) { return }
        throw error("expected end of line or ';' after statement, found \(peek.quoted)")
    }

    private mutating func skipSeparators() {
        while match(.newline, .semicolon) {}
    }

    private mutating func block(_ context: String) throws -> [Stmt] {
        try consume(.leftBrace, "expected '{' \(context)")
        var statements: [Stmt] = []
        skipSeparators()
        while !check(.rightBrace) {
            if check(.eof) { throw error("expected '}' to close the block \(context)") }
            statements.append(try statement())
            try endOfStatement()
            skipSeparators()
        }
        advance()
        return statements
    }

    private mutating func functionDefinition() throws -> Stmt {
        let location = advance().location
        let name = try consume(.identifier, "expected a function name after 'def'").lexeme
        try consume(.leftParen, "expected '(' after the function name")
        let parameters = try parameterList()
        functionDepth += 1
        let loops = loopDepth
        loopDepth = 0
        defer { functionDepth -= 1; loopDepth = loops }
        return .function(name: name, parameters, body: try block("for the function body"), location)
    }

    /// Parameters up to and including the closing ')'.
    mutating func parameterList() throws -> [FunctionParameter] {
        var parameters: [FunctionParameter] = []
        while !check(.rightParen) {
            let name = try consume(.identifier, "expected a parameter name").lexeme
            var defaultValue: Expr?
            if match(.equal) {
                defaultValue = try expression()
            } else if parameters.last?.defaultValue != nil {
                throw error("parameter '\(name)' needs a default value because the one before it has one", at: previous)
            }
            parameters.append(FunctionParameter(name: name, defaultValue: defaultValue))
            if !match(.comma) { break }
        }
        try consume(.rightParen, "expected ')' after parameters")
        return parameters
    }

    private mutating func returnStatement() throws -> Stmt {
        let token = advance()
        guard functionDepth > 0 else { throw error("'return' outside a function", at: token) }
        if check(.newline) || check(.semicolon) || check(.rightBrace) || check(.eof) {
            return .return(nil, token.location)
        }
        return .return(try expression(), token.location)
    }

    private mutating func forStatement() throws -> Stmt {
        let location = advance().location
        let names = try loopNames()
        let sequence = try expression()
        loopDepth += 1
        defer { loopDepth -= 1 }
        return .for(names: names, sequence, body: try block("for the loop body"), location)
    }

    /// `x in` or `a, b in` after a `for`.
    mutating func loopNames() throws -> [String] {
        var names = [try consume(.identifier, "expected a loop variable name after 'for'").lexeme]
        while match(.comma) { names.append(try consume(.identifier, "expected a loop variable name after ','").lexeme) }
        try consume(.in, "expected 'in' after the loop variable\(names.count > 1 ? "s" : "")")
        return names
    }

    private mutating func whileStatement() throws -> Stmt {
        let location = advance().location
        let condition = try expression()
        loopDepth += 1
        defer { loopDepth -= 1 }
        return .while(condition, body: try block("after the 'while' condition"), location)
    }

    private mutating func ifStatement() throws -> Stmt {
        advance()
        let condition = try expression()
        let thenBranch = try block("after the 'if' condition")
        guard matchAfterNewlines(.else) else { return .if(condition, then: thenBranch, else: nil) }
        if check(.if) { return .if(condition, then: thenBranch, else: [try ifStatement()]) }
        return .if(condition, then: thenBranch, else: try block("after 'else'"))
    }

    /// Consumes `kind` when it is the next token after any newlines (`}` and `else` or `catch`
    /// on separate lines); otherwise consumes nothing.
    private mutating func matchAfterNewlines(_ kind: TokenKind) -> Bool {
        var lookahead = current
        while tokens[lookahead].kind == .newline { lookahead += 1 }
        guard tokens[lookahead].kind == kind else { return false }
        current = lookahead + 1
        return true
    }

    private mutating func tryStatement() throws -> Stmt {
        let location = advance().location
        let body = try block("after 'try'")
        guard matchAfterNewlines(.catch) else { throw error("expected 'catch' after the 'try' block") }
        let name = check(.identifier) ? advance().lexeme : nil
        return .try(body: body, errorName: name, handler: try block(name == nil ? "after 'catch'" : "after 'catch \(name!)'"), location)
    }

    private mutating func useStatement() throws -> Stmt {
        let token = advance()
        guard functionDepth == 0 else { throw error("'use' belongs at the top level, not inside a function", at: token) }
        let path = try consume(.string, "expected a file name in quotes after 'use', e.g. use \"helpers.fern\"")
        return .use(path: path.text, path.location)
    }

    private mutating func expressionOrAssignment() throws -> Stmt {
        let first = try expression()
        if let (kind, lexeme) = peek.kind.augmentedOperator {
            let token = advance()
            let op = Token(kind: kind, lexeme: lexeme, location: token.location)
            let value = try expression()
            if case .variable(let name, let location) = first {
                return .assign([name], .binary(first, op, value), location)
            }
            let (name, key) = try itemTarget(first)
            return .assignItem(name: name, key: key, value, augmenting: op, token.location)
        }
        if check(.equal), case .index = first {
            let equals = advance()
            let (name, key) = try itemTarget(first)
            return .assignItem(name: name, key: key, try expression(), augmenting: nil, equals.location)
        }
        guard check(.comma) || check(.equal) else { return .expression(first) }
        var targets = [first]
        while match(.comma) { targets.append(try expression()) }
        let equals = try consume(.equal, "expected '=' after the names to assign")
        let names = try targets.map { target in
            guard case .variable(let name, _) = target else {
                throw FernError.syntax("cannot assign to this expression; expected a variable name", at: target.location)
            }
            return name
        }
        return .assign(names, try expression(), equals.location)
    }

    /// The variable and key of `name[key]` on the left of `=`.
    private func itemTarget(_ target: Expr) throws -> (String, Expr) {
        guard case .index(let base, let items, _) = target else {
            throw FernError.syntax("cannot assign to this expression; expected a variable name or name[key]", at: target.location)
        }
        guard case .variable(let name, _) = base else {
            throw FernError.syntax("can only assign to an item of a list or dictionary held in a variable, as in name[key] = value", at: base.location)
        }
        guard items.count == 1, case .single(let key) = items[0] else {
            throw FernError.syntax("assigning to a slice or to several indices is not supported; assign name[key] = value", at: target.location)
        }
        return (name, key)
    }

    // MARK: Token helpers

    var peek: Token { tokens[current] }
    var previous: Token { tokens[max(current - 1, 0)] }

    func check(_ kind: TokenKind) -> Bool { peek.kind == kind }

    @discardableResult
    mutating func advance() -> Token {
        let token = tokens[current]
        if token.kind != .eof { current += 1 }
        return token
    }

    mutating func match(_ kinds: TokenKind...) -> Bool {
        guard kinds.contains(peek.kind) else { return false }
        advance()
        return true
    }

    @discardableResult
    mutating func consume(_ kind: TokenKind, _ message: String) throws -> Token {
        guard check(kind) else { throw error(message) }
        return advance()
    }

    /// An error at `token`, or at the current token; when that is the end
    /// of a line or of the input, just after the previous token instead, so
    /// the caret sits where the missing thing belongs.
    func error(_ message: String, at token: Token? = nil) -> FernError {
        if let token { return FernError.syntax(message, at: token.location) }
        if (peek.kind == .eof || peek.kind == .newline) && current > 0 {
            let last = previous
            return FernError.syntax(message, at: SourceLocation(line: last.location.line,
                                                                column: last.location.column + last.lexeme.count))
        }
        return FernError.syntax(message, at: peek.location)
    }
}
