/// A parameter of a function or lambda, with an optional default value.
struct FunctionParameter: Sendable {
    var name: String
    var defaultValue: Expr?
}

/// One position inside `[...]`: a single index, or a `start:end:step` slice.
enum IndexItem: Sendable {
    case single(Expr)
    case slice(start: Expr?, end: Expr?, step: Expr?)
}

/// A `for ... in ...` or `if ...` part of a list comprehension, in the order written.
enum ComprehensionClause: Sendable {
    case `for`([String], Expr, SourceLocation)
    case `if`(Expr)
}

/// A piece of an f-string: text, or a `{value:spec}`.
enum FormatPart: Sendable {
    case text(String)
    case value(Expr, FormatSpec?)
}

/// A keyword argument `name=value` in a call.
struct KeywordArgument: Sendable {
    var name: String
    var value: Expr
}

/// An expression; every case carries the location errors point at.
indirect enum Expr: Sendable {
    case number(Double, SourceLocation)
    case string(String, SourceLocation)
    case bool(Bool, SourceLocation)
    case none(SourceLocation)
    case variable(String, SourceLocation)
    case list([Expr], SourceLocation)
    /// `{key: value, ...}`.
    case dict([(key: Expr, value: Expr)], SourceLocation)
    /// `f"text {value:spec} ..."`.
    case format([FormatPart], SourceLocation)
    /// `[element for x in xs if condition]`: the element, then the clauses.
    case comprehension(Expr, [ComprehensionClause], SourceLocation)
    /// `{key: value for x in xs if condition}`.
    case dictComprehension(key: Expr, value: Expr, [ComprehensionClause], SourceLocation)
    /// `-x` or `not x`; the token is the operator.
    case unary(Token, Expr)
    /// Arithmetic and comparisons; the token is the operator.
    case binary(Expr, Token, Expr)
    /// `and` / `or`, which evaluate their right side only when needed.
    case logical(Expr, Token, Expr)
    /// `value if condition else other`, which evaluates only the side it returns.
    case conditional(Expr, condition: Expr, else: Expr, SourceLocation)
    /// `start..end`.
    case range(Expr, Expr, SourceLocation)
    case lambda([FunctionParameter], Expr, SourceLocation)
    case call(Expr, [Expr], [KeywordArgument], SourceLocation)
    case index(Expr, [IndexItem], SourceLocation)
    case member(Expr, String, SourceLocation)

    var location: SourceLocation {
        switch self {
        case .number(_, let l), .string(_, let l), .bool(_, let l), .none(let l), .variable(_, let l),
             .list(_, let l), .dict(_, let l), .format(_, let l), .comprehension(_, _, let l), .dictComprehension(_, _, _, let l), .range(_, _, let l), .lambda(_, _, let l), .call(_, _, _, let l),
             .conditional(_, _, _, let l), .index(_, _, let l), .member(_, _, let l):
            l
        case .unary(let op, _), .binary(_, let op, _), .logical(_, let op, _):
            op.location
        }
    }
}

/// A statement.
indirect enum Stmt: Sendable {
    case expression(Expr)
    /// `a = value` or `a, b = value` (destructuring a list).
    case assign([String], Expr, SourceLocation)
    /// `xs[i] = value` or `d[key] = value` on a list or dictionary held in a variable; with an
    /// operator, `d[key] += value`.
    case assignItem(name: String, key: Expr, Expr, augmenting: Token?, SourceLocation)
    /// `try { } catch e { }`: runs the handler, with `e` the error's message, when the body fails.
    case `try`(body: [Stmt], errorName: String?, handler: [Stmt], SourceLocation)
    /// `use "helpers.fern"`: runs the file once, at the top level, into the global scope.
    case use(path: String, SourceLocation)
    case function(name: String, [FunctionParameter], body: [Stmt], SourceLocation)
    case `return`(Expr?, SourceLocation)
    /// `for x in xs { }`, or `for a, b in pairs { }` unpacking each element.
    case `for`(names: [String], Expr, body: [Stmt], SourceLocation)
    case `while`(Expr, body: [Stmt], SourceLocation)
    case `break`(SourceLocation)
    case `continue`(SourceLocation)
    case `if`(Expr, then: [Stmt], else: [Stmt]?)
}
