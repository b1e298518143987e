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
        case .comprehension(let element, let clauses, _): return try comprehension(element, clauses, in: scope)
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
        case .call(.member(.variable(let name, _), let method, _), let argumentExprs, let keywordExprs, let location)
            where ["append", "extend"].contains(method) && isList(scope.lookup(name)):
            return try changeList(name, method, argumentExprs, keywordExprs, in: scope, at: location)
        case .call(let calleeExpr, let argumentExprs, let keywordExprs, let location):
            let callee = try evaluate(calleeExpr, in: scope)
            let arguments = try argumentExprs.map { try evaluate($0, in: scope) }
            let keywords = try keywordExprs.map { ($0.name, try evaluate($0.value, in: scope)) }
            return try call(callee, arguments, keywords, at: location)
        case .index(let baseExpr, let items, let location):
            let base = try evaluate(baseExpr, in: scope)
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

/// `value` as an Int, requiring a whole number.
func wholeNumber(_ value: Value, what: String) throws -> Int {
    guard case .number(let n) = value else { throw FernError.runtime("\(what) must be a whole number, got \(value.typeName)") }
    guard n == n.rounded(), abs(n) < 1e15 else { throw FernError.runtime("\(what) must be a whole number, got \(Value.number(n))") }
    return Int(n)
}

extension Interpreter {
    /// `[element for x in xs if condition ...]`: the clauses nest left to right, as Python's
    /// do; the loop variables live in a scope of the comprehension's own and do not leak.
    func comprehension(_ element: Expr, _ clauses: [ComprehensionClause], in scope: Environment) throws -> Value {
        let inner = Environment(parent: scope)
        var results: [Value] = []
        func run(_ k: Int) throws {
            guard k < clauses.count else {
                results.append(try evaluate(element, in: inner))
                return
            }
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
        return .list(results)
    }
}

extension Interpreter {
    func isList(_ value: Value?) -> Bool {
        if case .list? = value { true } else { false }
    }

    /// `xs.append(x)` and `xs.extend(ys)` on a list held in a variable: the variable's list
    /// grows where it lives, as Python's list does.
    func changeList(_ name: String, _ method: String, _ argumentExprs: [Expr], _ keywordExprs: [KeywordArgument],
                    in scope: Environment, at location: SourceLocation) throws -> Value {
        guard argumentExprs.count == 1, keywordExprs.isEmpty else {
            throw FernError.runtime("\(name).\(method)() takes one value, got \(argumentExprs.count + keywordExprs.count)", at: location)
        }
        let argument = try evaluate(argumentExprs[0], in: scope)
        guard case .list(var items)? = scope.lookup(name) else { return .none }
        if method == "append" {
            items.append(argument)
        } else {
            items += try locating(argumentExprs[0].location) {
                do {
                    return try listElements(of: argument)
                } catch {
                    throw FernError.runtime("\(name).extend() takes a list, range, string or tensor, got a \(argument.typeName)")
                }
            }
        }
        scope.update(name, .list(items))
        return .none
    }
}
