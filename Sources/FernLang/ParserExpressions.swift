/// Expression rules, lowest precedence first:
/// lambda `->`, `a if c else b`, `or`, `and`, `not`, comparison, `..`, `+ -`, `* / % @`,
/// unary `-`, `**`, then postfix call / index / member.
extension Parser {
    mutating func expression() throws -> Expr {
        nesting += 1
        defer { nesting -= 1 }
        guard nesting <= Parser.maxNesting else { throw error("expression nested too deeply") }
        return try lambda()
    }

    private mutating func lambda() throws -> Expr {
        let start = peek
        if start.kind == .identifier, tokens[current + 1].kind == .arrow {
            advance(); advance()
            return .lambda([FunctionParameter(name: start.lexeme, defaultValue: nil)], try expression(), start.location)
        }
        if start.kind == .leftParen, isLambdaParameterList() {
            advance()
            let parameters = try parameterList()
            try consume(.arrow, "expected '->' after lambda parameters")
            return .lambda(parameters, try expression(), start.location)
        }
        return try conditional()
    }

    /// `value if condition else other`, Python's conditional expression.
    private mutating func conditional() throws -> Expr {
        let value = try or()
        guard check(.if) else { return value }
        let location = advance().location
        let condition = try or()
        try consume(.else, "expected 'else' after the condition of 'value if condition else other'")
        return .conditional(value, condition: condition, else: try expression(), location)
    }

    /// Whether the '(' at the current token closes with a ')' followed by '->'.
    private func isLambdaParameterList() -> Bool {
        var depth = 0
        var i = current
        while i < tokens.count {
            switch tokens[i].kind {
            case .leftParen, .leftBracket, .leftBrace: depth += 1
            case .rightParen, .rightBracket, .rightBrace:
                depth -= 1
                if depth == 0 { return tokens[i + 1].kind == .arrow }
            case .eof: return false
            default: break
            }
            i += 1
        }
        return false
    }

    private mutating func or() throws -> Expr {
        var expr = try and()
        while check(.or) {
            let op = advance()
            expr = .logical(expr, op, try and())
        }
        return expr
    }

    private mutating func and() throws -> Expr {
        var expr = try not()
        while check(.and) {
            let op = advance()
            expr = .logical(expr, op, try not())
        }
        return expr
    }

    private mutating func not() throws -> Expr {
        guard check(.not) else { return try comparison() }
        let op = advance()
        nesting += 1
        defer { nesting -= 1 }
        guard nesting <= Parser.maxNesting else { throw error("expression nested too deeply") }
        return .unary(op, try not())
    }

    private static let comparisons: [TokenKind] = [.equalEqual, .bangEqual, .less, .lessEqual, .greater, .greaterEqual, .in]

    /// Whether a comparison operator starts here (`not in` is two words).
    private var atComparison: Bool {
        Parser.comparisons.contains(peek.kind) || (peek.kind == .not && tokens[current + 1].kind == .in)
    }

    private mutating func comparison() throws -> Expr {
        let left = try range()
        guard atComparison else { return left }
        var op = advance()
        if op.kind == .not {
            advance()
            op = Token(kind: .notIn, lexeme: "not in", location: op.location)
        }
        let expr = Expr.binary(left, op, try range())
        if atComparison {
            throw error("comparisons cannot be chained; combine them with 'and'")
        }
        return expr
    }

    private mutating func range() throws -> Expr {
        let start = try additive()
        guard check(.dotDot) else { return start }
        let op = advance()
        return .range(start, try additive(), op.location)
    }

    private mutating func additive() throws -> Expr {
        var expr = try multiplicative()
        while check(.plus) || check(.minus) {
            let op = advance()
            expr = .binary(expr, op, try multiplicative())
        }
        return expr
    }

    private mutating func multiplicative() throws -> Expr {
        var expr = try unary()
        while [.star, .slash, .percent, .at].contains(peek.kind) {
            let op = advance()
            expr = .binary(expr, op, try unary())
        }
        return expr
    }

    private mutating func unary() throws -> Expr {
        guard check(.minus) else { return try power() }
        let op = advance()
        nesting += 1
        defer { nesting -= 1 }
        guard nesting <= Parser.maxNesting else { throw error("expression nested too deeply") }
        return .unary(op, try unary())
    }

    private mutating func power() throws -> Expr {
        let base = try postfix()
        guard check(.starStar) else { return base }
        let op = advance()
        nesting += 1
        defer { nesting -= 1 }
        guard nesting <= Parser.maxNesting else { throw error("expression nested too deeply") }
        return .binary(base, op, try unary())
    }

    private mutating func postfix() throws -> Expr {
        var expr = try primary()
        while true {
            if check(.leftParen) {
                expr = try finishCall(expr)
            } else if check(.leftBracket) {
                let location = advance().location
                var items = [try indexItem()]
                while match(.comma) { items.append(try indexItem()) }
                try consume(.rightBracket, "expected ']' after index")
                expr = .index(expr, items, location)
            } else if check(.dot) {
                advance()
                let name = try consume(.identifier, "expected a member name after '.'")
                expr = .member(expr, name.lexeme, name.location)
            } else {
                return expr
            }
        }
    }

    /// A call; its errors point at the callee, where the reader looks.
    private mutating func finishCall(_ callee: Expr) throws -> Expr {
        advance()
        var arguments: [Expr] = []
        var keywords: [KeywordArgument] = []
        while !check(.rightParen) {
            if check(.identifier), tokens[current + 1].kind == .equal {
                let name = advance().lexeme
                advance()
                if keywords.contains(where: { $0.name == name }) {
                    throw error("keyword argument '\(name)' given twice", at: previous)
                }
                keywords.append(KeywordArgument(name: name, value: try expression()))
            } else {
                let argumentStart = peek
                let argument = try expression()
                if !keywords.isEmpty {
                    throw error("positional argument after keyword arguments; put positional arguments first", at: argumentStart)
                }
                arguments.append(argument)
            }
            if !match(.comma) { break }
        }
        try consume(.rightParen, "expected ')' after arguments")
        return .call(callee, arguments, keywords, callee.location)
    }

    /// The `for ... in ...` and `if ...` clauses after a comprehension's element, and the
    /// closing ']' (a list's) or '}' (a dictionary's).
    private mutating func comprehensionClauses(closing: TokenKind) throws -> [ComprehensionClause] {
        var clauses: [ComprehensionClause] = []
        let (close, kind) = closing == .rightBracket ? ("]", "list") : ("}", "dictionary")
        while !check(closing) {
            if check(.for) {
                let forLocation = advance().location
                let names = try loopNames()
                clauses.append(.for(names, try or(), forLocation))
            } else if match(.if) {
                clauses.append(.if(try or()))
            } else {
                throw error("expected 'for', 'if' or '\(close)' in the \(kind) comprehension, found \(peek.quoted)")
            }
            if closing == .rightBrace { skipNewlines() }
        }
        advance()
        return clauses
    }

    /// `{key: value, ...}` or `{key: value for ...}`, after the '{'; newlines between entries
    /// are allowed.
    private mutating func dictionary(at location: SourceLocation) throws -> Expr {
        var entries: [(key: Expr, value: Expr)] = []
        skipNewlines()
        while !check(.rightBrace) {
            let key = try expression()
            try consume(.colon, check(.comma) || check(.rightBrace)
                ? "expected ':' after the dictionary key; Fern has no sets, use a list [...]"
                : "expected ':' after the dictionary key")
            let value = try expression()
            skipNewlines()
            if entries.isEmpty, check(.for) {
                return .dictComprehension(key: key, value: value, try comprehensionClauses(closing: .rightBrace), location)
            }
            entries.append((key, value))
            if !match(.comma) { break }
            skipNewlines()
        }
        try consume(.rightBrace, "expected '}' or ',' after the dictionary entry")
        return .dict(entries, location)
    }

    private mutating func skipNewlines() {
        while check(.newline) { advance() }
    }

    private mutating func indexItem() throws -> IndexItem {
        func boundary(_ p: Parser) -> Bool { [.colon, .comma, .rightBracket].contains(p.peek.kind) }
        let start = boundary(self) ? nil : try expression()
        guard match(.colon) else {
            guard let start else { throw error("expected an index or a slice") }
            return .single(start)
        }
        let end = boundary(self) ? nil : try expression()
        var step: Expr?
        if match(.colon), !boundary(self) { step = try expression() }
        return .slice(start: start, end: end, step: step)
    }

    private mutating func primary() throws -> Expr {
        let token = peek
        switch token.kind {
        case .number: advance(); return .number(token.number, token.location)
        case .string: advance(); return .string(token.text, token.location)
        case .formatString: advance(); return try formatString(token)
        case .true: advance(); return .bool(true, token.location)
        case .false: advance(); return .bool(false, token.location)
        case .none: advance(); return .none(token.location)
        case .identifier: advance(); return .variable(token.lexeme, token.location)
        case .leftParen:
            advance()
            let expr = try expression()
            try consume(.rightParen, "expected ')' to close '('")
            return expr
        case .leftBracket:
            advance()
            var items: [Expr] = []
            while !check(.rightBracket) {
                items.append(try expression())
                if items.count == 1, check(.for) {
                    return .comprehension(items[0], try comprehensionClauses(closing: .rightBracket), token.location)
                }
                if !match(.comma) { break }
            }
            try consume(.rightBracket, "expected ']' after list items")
            return .list(items, token.location)
        case .leftBrace:
            advance()
            return try dictionary(at: token.location)
        default:
            throw error("expected an expression, found \(token.quoted)")
        }
    }
}
