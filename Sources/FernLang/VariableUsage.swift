/// Which variables a piece of Fern code refers to, found from its syntax
/// without running it. A notebook runner uses it to key a cell's cache on
/// the values the cell reads and to know which names the cell binds.
public struct VariableUsage: Equatable, Sendable {
    /// Every name the code refers to anywhere, inside function bodies and
    /// lambdas included. Conservative: a name both assigned and then read is
    /// listed too, and so are built-ins the code calls.
    public var reads: Set<String> = []
    /// The names the code binds at the top level: assignments, `def` and
    /// `for` variables (also inside top-level `for`/`if` blocks, which open
    /// no scope). Names bound inside functions are local and not listed.
    public var assigns: Set<String> = []
    /// The string literals the code contains, e.g. so that a runner can
    /// notice files the code opens.
    public var strings: Set<String> = []
    /// The files the code names in `use "..."`, as written, in order.
    public var uses: [String] = []
    /// The files `use` runs, resolved, with their content hashes; filled by `includingUsedFiles(from:)`.
    public var usedFiles: [String: String] = [:]

    public init() {}

    /// The usage of `source`; throws its first syntax error.
    public init(of source: String, file: String = "<input>") throws {
        do {
            let program = try onLargeStack { try Parser.parse(source) }
            self.init(program)
        } catch let error as FernError {
            throw error.attached(to: source, file: file)
        }
    }

    init(_ statements: [Stmt]) {
        for statement in statements { record(statement, topLevel: true) }
    }

    private mutating func record(_ statement: Stmt, topLevel: Bool) {
        switch statement {
        case .expression(let expr):
            // `xs.append(x)` and `d[key].append(x)` change xs and d.
            if topLevel, case .call(.member(let base, let method, _), _, _, _) = expr, Methods.changing.contains(method) {
                if case .variable(let name, _) = base { assigns.insert(name) }
                if case .index(.variable(let name, _), _, _) = base { assigns.insert(name) }
            }
            record(expr)
        case .assign(let names, let expr, _):
            if topLevel { assigns.formUnion(names) }
            record(expr)
        case .assignItem(let name, let key, let expr, _, _):
            if topLevel { assigns.insert(name) }
            reads.insert(name)
            record(key)
            record(expr)
        case .try(let body, let errorName, let handler, _):
            if topLevel, let errorName { assigns.insert(errorName) }
            for inner in body + handler { record(inner, topLevel: topLevel) }
        case .use(let path, _):
            uses.append(path)
        case .function(let name, let parameters, let body, _):
            if topLevel { assigns.insert(name) }
            for parameter in parameters { if let value = parameter.defaultValue { record(value) } }
            for inner in body { record(inner, topLevel: false) }
        case .return(let expr, _):
            if let expr { record(expr) }
        case .for(let names, let sequence, let body, _):
            if topLevel { assigns.formUnion(names) }
            record(sequence)
            for inner in body { record(inner, topLevel: topLevel) }
        case .while(let condition, let body, _):
            record(condition)
            for inner in body { record(inner, topLevel: topLevel) }
        case .break, .continue:
            break
        case .if(let condition, let thenBranch, let elseBranch):
            record(condition)
            for inner in thenBranch + (elseBranch ?? []) { record(inner, topLevel: topLevel) }
        }
    }

    private mutating func record(_ expr: Expr) {
        switch expr {
        case .number, .bool, .none:
            break
        case .string(let text, _):
            strings.insert(text)
        case .variable(let name, _):
            reads.insert(name)
        case .list(let items, _):
            items.forEach { record($0) }
        case .dict(let entries, _):
            for (key, value) in entries {
                record(key)
                record(value)
            }
        case .format(let parts, _):
            for part in parts { if case .value(let value, _) = part { record(value) } }
        case .comprehension(let element, let clauses, _):
            // Its variables are its own; like a lambda's parameters they are listed as reads.
            record(element)
            record(clauses)
        case .dictComprehension(let key, let value, let clauses, _):
            record(key)
            record(value)
            record(clauses)
        case .unary(_, let operand):
            record(operand)
        case .conditional(let value, let condition, let other, _):
            [value, condition, other].forEach { record($0) }
        case .binary(let left, _, let right), .logical(let left, _, let right), .range(let left, let right, _):
            record(left)
            record(right)
        case .lambda(let parameters, let body, _):
            for parameter in parameters { if let value = parameter.defaultValue { record(value) } }
            record(body)
        case .call(let callee, let arguments, let keywords, _):
            record(callee)
            arguments.forEach { record($0) }
            keywords.forEach { record($0.value) }
        case .index(let base, let items, _):
            record(base)
            for item in items {
                switch item {
                case .single(let index): record(index)
                case .slice(let start, let end, let step): [start, end, step].compactMap { $0 }.forEach { record($0) }
                }
            }
        case .member(let base, _, _):
            record(base)
        }
    }

    private mutating func record(_ clauses: [ComprehensionClause]) {
        for clause in clauses {
            switch clause {
            case .for(_, let sequence, _): record(sequence)
            case .if(let condition): record(condition)
            }
        }
    }
}

extension UserFunction {
    /// The names the function's body and parameter defaults refer to.
    var usage: VariableUsage {
        var usage = VariableUsage(body)
        if let expression { usage = VariableUsage([.expression(expression)]) }
        for parameter in parameters {
            if let value = parameter.defaultValue { usage.reads.formUnion(VariableUsage([.expression(value)]).reads) }
        }
        usage.reads.subtract(parameters.map(\.name))
        return usage
    }

    /// The text of the program the function was defined in.
    var definingSource: String { origin.text }

    /// The variables the function captured from enclosing function calls (not
    /// the globals, which it reads when called), innermost scope first.
    var capturedVariables: [[String: Value]] {
        var scopes: [[String: Value]] = []
        var scope: Environment? = closure
        while let current = scope, current.parent != nil {
            scopes.append(current.values)
            scope = current.parent
        }
        return scopes
    }
}
