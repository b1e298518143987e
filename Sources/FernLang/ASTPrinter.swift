/// Renders expressions back as text with every operation parenthesized,
/// which makes the parser's precedence and grouping visible (and testable).
extension Expr {
    var parenthesized: String {
        switch self {
        case .number(let value, _): Value.number(value).description
        case .string(let text, _): Value.string(text).repr
        case .bool(let value, _): value ? "true" : "false"
        case .none: "none"
        case .variable(let name, _): name
        case .list(let items, _): "[" + items.map(\.parenthesized).joined(separator: ", ") + "]"
        case .format(let parts, _):
            "f\"" + parts.map { part in
                switch part {
                case .text(let text): text.replacingOccurrences(of: "{", with: "{{").replacingOccurrences(of: "}", with: "}}")
                case .value(let value, let spec): "{" + value.parenthesized + (spec.map { ":" + $0.text } ?? "") + "}"
                }
            }.joined() + "\""
        case .dict(let entries, _): "{" + entries.map { "\($0.key.parenthesized): \($0.value.parenthesized)" }.joined(separator: ", ") + "}"
        case .comprehension(let element, let clauses, _):
            "[" + ([element.parenthesized] + clauses.map(\.parenthesized)).joined(separator: " ") + "]"
        case .dictComprehension(let key, let value, let clauses, _):
            "{" + (["\(key.parenthesized): \(value.parenthesized)"] + clauses.map(\.parenthesized)).joined(separator: " ") + "}"
        case .unary(let op, let operand): "(\(op.lexeme)\(op.kind == .not ? " " : "")\(operand.parenthesized))"
        case .binary(let left, let op, let right), .logical(let left, let op, let right):
            "(\(left.parenthesized) \(op.lexeme) \(right.parenthesized))"
        case .conditional(let value, let condition, let other, _):
            "(\(value.parenthesized) if \(condition.parenthesized) else \(other.parenthesized))"
        case .range(let start, let end, _): "(\(start.parenthesized)..\(end.parenthesized))"
        case .lambda(let parameters, let body, _):
            "((" + parameters.map(\.parenthesized).joined(separator: ", ") + ") -> \(body.parenthesized))"
        case .call(let callee, let arguments, let keywords, _):
            callee.parenthesized + "(" + (arguments.map(\.parenthesized)
                + keywords.map { "\($0.name)=\($0.value.parenthesized)" }).joined(separator: ", ") + ")"
        case .index(let base, let items, _):
            base.parenthesized + "[" + items.map(\.parenthesized).joined(separator: ", ") + "]"
        case .member(let base, let name, _): "\(base.parenthesized).\(name)"
        }
    }
}

extension FunctionParameter {
    var parenthesized: String {
        defaultValue.map { "\(name)=\($0.parenthesized)" } ?? name
    }
}

extension IndexItem {
    var parenthesized: String {
        switch self {
        case .single(let expr): expr.parenthesized
        case .slice(let start, let end, let step):
            (start?.parenthesized ?? "") + ":" + (end?.parenthesized ?? "") + (step.map { ":" + $0.parenthesized } ?? "")
        }
    }
}

extension ComprehensionClause {
    var parenthesized: String {
        switch self {
        case .for(let names, let sequence, _): "for \(names.joined(separator: ", ")) in \(sequence.parenthesized)"
        case .if(let condition): "if \(condition.parenthesized)"
        }
    }
}
