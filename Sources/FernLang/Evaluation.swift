/// Expression evaluation.
extension Interpreter {
    func evaluate(_ expr: Expr, in scope: Environment) throws -> Value {
        switch expr {
        case .number(let n, _): return .number(n)
        case .string(let s, _): return .string(s)
        case .bool(let b, _): return .bool(b)
        case .none: return .none
        case .variable(let name, let location): return try lookup(name, in: scope, at: location)
        case .list(let items, _): return .list(try items.map { try evaluate($0, in: scope) })
        case .dict(let entries, _):
            var dictionary = FernDictionary()
            for (keyExpr, valueExpr) in entries {
                let key = try evaluate(keyExpr, in: scope)
                let value = try evaluate(valueExpr, in: scope)
                try locating(keyExpr.location) { try dictionary.set(key, value) }
            }
            return .dict(dictionary)
        case .format(let parts, _):
            return .string(try parts.map { part in
                switch part {
                case .text(let text): return text
                case .value(let expr, let spec):
                    let value = try evaluate(expr, in: scope)
                    guard let spec else { return value.description }
                    return try spec.format(value)
                }
            }.joined())
        case .comprehension(let element, let clauses, _):
            var results: [Value] = []
            try comprehension(clauses, in: scope) { results.append(try evaluate(element, in: $0)) }
            return .list(results)
        case .dictComprehension(let keyExpr, let valueExpr, let clauses, _):
            var dictionary = FernDictionary()
            try comprehension(clauses, in: scope) { inner in
                let key = try evaluate(keyExpr, in: inner)
                let value = try evaluate(valueExpr, in: inner)
                try locating(keyExpr.location) { try dictionary.set(key, value) }
            }
            return .dict(dictionary)
        case .unary(let op, let operand):
            let value = try evaluate(operand, in: scope)
            if op.kind == .not { return .bool(!value.isTruthy) }
            return try locating(op.location) { try negate(value) }
        case .binary(let left, let op, let right):
            let a = try evaluate(left, in: scope)
            let b = try evaluate(right, in: scope)
            return try locating(op.location) { try binary(op, a, b) }
        case .logical(let left, let op, let right):
            let a = try evaluate(left, in: scope)
            if op.kind == .and ? !a.isTruthy : a.isTruthy { return a }
            return try evaluate(right, in: scope)
        case .conditional(let value, let condition, let other, _):
            return try evaluate(try evaluate(condition, in: scope).isTruthy ? value : other, in: scope)
        case .range(let startExpr, let endExpr, let location):
            let start = try evaluate(startExpr, in: scope)
            let end = try evaluate(endExpr, in: scope)
            guard case .number(let a) = start, case .number(let b) = end else {
                throw FernError.runtime("'..' needs two numbers, got \(start.typeName) and \(end.typeName)", at: location)
            }
            return .range(start: a, end: b, step: 1)
        case .lambda(let parameters, let body, _):
            return .function(UserFunction(name: "lambda", parameters: parameters, body: [], expression: body, closure: scope,
                                              origin: currentSource))
        case .call(let calleeExpr, let argumentExprs, let keywordExprs, let location):
            let callee: Value
            if case .member(let baseExpr, let name, let memberLocation) = calleeExpr {
                try checkModulePath(calleeExpr, in: scope)
                let base = try evaluate(baseExpr, in: scope)
                if Methods.has(base, name) {
                    let arguments = try argumentExprs.map { try evaluate($0, in: scope) }
                    let keywords = try keywordExprs.map { ($0.name, try evaluate($0.value, in: scope)) }
                    return try callMethod(name, of: base, baseExpr, arguments, keywords, in: scope, at: memberLocation)
                }
                callee = try locating(memberLocation) { try member(base, name) }
            } else {
                callee = try evaluate(calleeExpr, in: scope)
            }
            let arguments = try argumentExprs.map { try evaluate($0, in: scope) }
            let keywords = try keywordExprs.map { ($0.name, try evaluate($0.value, in: scope)) }
            return try call(callee, arguments, keywords, at: location)
        case .index(let baseExpr, let items, let location):
            let base = try evaluate(baseExpr, in: scope)
            if case .dict(let dictionary) = base {
                let key = try itemKey(items, in: scope, at: location)
                return try locating(location) { try dictionary.lookup(key) }
            }
            let indices = try items.map { try evaluateIndex($0, in: scope) }
            return try locating(location) { try index(base, indices) }
        case .member(let baseExpr, let name, let location):
            try checkModulePath(expr, in: scope)
            let base = try evaluate(baseExpr, in: scope)
            return try locating(location) { try member(base, name) }
        }
    }

    private func lookup(_ name: String, in scope: Environment, at location: SourceLocation) throws -> Value {
        if let value = scope.lookup(name) { return value }
        if let builtin = Builtins.named[name] { return .builtin(builtin) }
        let candidates = scope.visibleNames.union(Builtins.all.map(\.name))
        let hint = PythonNames.hint(for: name)
            ?? (PythonNames.modules.contains(name) ? "; Fern has no modules: the functions are built in (help() lists them)" : nil)
            ?? closestName(to: name, among: candidates).map { "; did you mean '\($0)'?" } ?? ""
        throw FernError.runtime("unknown name '\(name)'\(hint)", at: location)
    }

    /// `np.random.randn(...)` and the like, where the first name is not a variable: the error
    /// says how Fern spells the longest part the table knows.
    private func checkModulePath(_ expr: Expr, in scope: Environment) throws {
        var path: [String] = []
        var base = expr
        while case .member(let inner, let name, _) = base {
            path.insert(name, at: 0)
            base = inner
        }
        guard case .variable(let root, let location) = base, scope.lookup(root) == nil, Builtins.named[root] == nil else { return }
        let names = [root] + path
        for count in stride(from: names.count, through: 2, by: -1) {
            let dotted = names.prefix(count).joined(separator: ".")
            if let hint = PythonNames.hint(for: dotted) {
                throw FernError.runtime("unknown name '\(dotted)'\(hint)", at: location)
            }
        }
    }

    private func evaluateIndex(_ item: IndexItem, in scope: Environment) throws -> Subscript {
        func whole(_ expr: Expr?) throws -> Int? {
            guard let expr else { return nil }
            let value = try evaluate(expr, in: scope)
            if case .none = value { return nil }
            return try locating(expr.location) { try wholeNumber(value, what: "an index") }
        }
        switch item {
        case .single(let expr):
            let value = try evaluate(expr, in: scope)
            return .single(try locating(expr.location) { try wholeNumber(value, what: "an index") })
        case .slice(let start, let end, let step): return .slice(try whole(start), try whole(end), try whole(step) ?? 1)
        }
    }
}

/// `value` as an Int, requiring a whole number (or a 0-d tensor holding one).
func wholeNumber(_ value: Value, what: String) throws -> Int {
    guard let n = value.scalarNumber else { throw FernError.runtime("\(what) must be a whole number, got \(value.typeName)") }
    guard n == n.rounded(), abs(n) < 1e15 else { throw FernError.runtime("\(what) must be a whole number, got \(Value.number(n))") }
    return Int(n)
}

extension Interpreter {
    /// The key inside `d[...]`, or `xs[...]` on the left of `=`: one value, not a slice.
    func itemKey(_ items: [IndexItem], in scope: Environment, at location: SourceLocation) throws -> Value {
        guard items.count == 1, case .single(let keyExpr) = items[0] else {
            throw FernError.runtime("expected one key in [...], not a slice or several", at: location)
        }
        return try evaluate(keyExpr, in: scope)
    }

    /// Runs a comprehension's clauses, nested left to right as Python's are, calling `body` in
    /// the innermost one; the loop variables live in a scope of the comprehension's own and do
    /// not leak.
    func comprehension(_ clauses: [ComprehensionClause], in scope: Environment,
                       _ body: (Environment) throws -> Void) throws {
        let inner = Environment(parent: scope)
        func run(_ k: Int) throws {
            guard k < clauses.count else { return try body(inner) }
            switch clauses[k] {
            case .for(let names, let sequenceExpr, let location):
                let sequence = try evaluate(sequenceExpr, in: inner)
                _ = try forEachElement(of: sequence, at: sequenceExpr.location) { item in
                    try checkInterrupt(at: location)
                    try assign(names, item, in: inner, at: location, local: true)
                    try run(k + 1)
                    return .normal
                }
            case .if(let condition):
                if try evaluate(condition, in: inner).isTruthy { try run(k + 1) }
            }
        }
        try run(0)
    }
}
