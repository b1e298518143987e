extension Value {
    /// The value of `text` when it is a Fern literal: a number (optionally
    /// negative), a quoted string, `true`, `false`, `none`, or a list or
    /// dictionary of literals. Nil for anything else, such as a bare path or an expression
    /// with names or calls. Used for `fern run -p name=value`.
    public static func literal(_ text: String) -> Value? {
        guard let program = try? onLargeStack({ try Parser.parse(text) }),
              program.count == 1, case .expression(let expr) = program[0] else { return nil }
        return literal(expr)
    }

    static func literal(_ expr: Expr) -> Value? {
        switch expr {
        case .number(let n, _): return .number(n)
        case .string(let s, _): return .string(s)
        case .bool(let b, _): return .bool(b)
        case .none: return Value.none
        case .unary(let op, .number(let n, _)) where op.kind == .minus: return .number(-n)
        case .list(let items, _):
            var values: [Value] = []
            for item in items {
                guard let value = literal(item) else { return nil }
                values.append(value)
            }
            return .list(values)
        case .dict(let entries, _):
            var dictionary = FernDictionary()
            for (keyExpr, valueExpr) in entries {
                guard let key = literal(keyExpr), let value = literal(valueExpr), (try? dictionary.set(key, value)) != nil else { return nil }
            }
            return .dict(dictionary)
        default: return nil
        }
    }
}
