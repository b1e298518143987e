import FernTensor
import Foundation

/// Unary minus and the binary operators.
extension Interpreter {
    func negate(_ value: Value) throws -> Value {
        switch value {
        case .number(let n): return .number(-n)
        case .tensor(let t): return .tensor(-t)
        default: throw FernError.runtime("cannot negate a \(value.typeName)")
        }
    }

    func binary(_ op: Token, _ a: Value, _ b: Value) throws -> Value {
        switch op.kind {
        case .equalEqual: return .bool(a.equals(b))
        case .bangEqual: return .bool(!a.equals(b))
        case .less, .lessEqual, .greater, .greaterEqual: return .bool(try compare(op, a, b))
        case .in: return .bool(try contains(b, a))
        case .notIn: return .bool(!(try contains(b, a)))
        default: break
        }
        switch (a, b) {
        case (.number(let x), .number(let y)):
            if let result = arithmetic(op.kind, x, y) { return .number(result) }
        case (.string(let x), .string(let y)) where op.kind == .plus:
            return .string(x + y)
        case (.list(let x), .list(let y)) where op.kind == .plus:
            return .list(x + y)
        case (.tensor(let x), .tensor(let y)):
            return .tensor(try tensorArithmetic(op.kind, x, y))
        case (.tensor(let x), .number(let y)):
            return .tensor(try tensorArithmetic(op.kind, x, Tensor(Float(y))))
        case (.number(let x), .tensor(let y)):
            return .tensor(try tensorArithmetic(op.kind, Tensor(Float(x)), y))
        default:
            break
        }
        throw FernError.runtime("unsupported operand types for \(op.lexeme): \(a.typeName) and \(b.typeName)")
    }

    /// `item in container`: an equal element of a list, a key of a dictionary, a substring of a string, a number of a range.
    func contains(_ container: Value, _ item: Value) throws -> Bool {
        switch (container, item) {
        case (.list(let items), _): return items.contains { $0.equals(item) }
        case (.dict(let d), _): return d.value(at: item) != nil
        case (.string(let text), .string(let part)): return part.isEmpty || text.contains(part)
        case (.string, _): throw FernError.runtime("'in' a string needs a string on its left, got a \(item.typeName)")
        case (.range(let start, _, let step), .number(let n)):
            let position = (n - start) / step
            return position == position.rounded() && position >= 0 && Int(exactly: position).map { $0 < container.rangeCount } == true
        case (.range, _): return false
        default:
            throw FernError.runtime("'in' needs a list, dict, string or range on its right, got a \(container.typeName)")
        }
    }

    private func arithmetic(_ op: TokenKind, _ x: Double, _ y: Double) -> Double? {
        switch op {
        case .plus: x + y
        case .minus: x - y
        case .star: x * y
        case .slash: x / y
        case .percent: x - y * (x / y).rounded(.down)
        case .starStar: pow(x, y)
        default: nil
        }
    }

    private func tensorArithmetic(_ op: TokenKind, _ x: Tensor, _ y: Tensor) throws -> Tensor {
        switch op {
        case .plus: return try x + y
        case .minus: return try x - y
        case .star: return try x * y
        case .slash: return try x / y
        case .starStar: return try x.pow(y)
        case .at: return try Tensor.matmul(x, y)
        default: throw FernError.runtime("the % operator is not defined for tensors")
        }
    }

    /// Whether `a` sorts before `b`: numbers by value, strings by code points, lists
    /// element by element (a prefix first), as Python orders them.
    static func sortsBefore(_ a: Value, _ b: Value) throws -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)): return x < y
        case (.string(let x), .string(let y)): return x < y
        case (.bool(let x), .bool(let y)): return !x && y
        case (.list(let x), .list(let y)):
            for (p, q) in zip(x, y) where !p.equals(q) { return try sortsBefore(p, q) }
            return x.count < y.count
        default: throw FernError.runtime("cannot order a \(a.typeName) and a \(b.typeName)")
        }
    }

    private func compare(_ op: Token, _ a: Value, _ b: Value) throws -> Bool {
        func ordered<T: Comparable>(_ x: T, _ y: T) -> Bool {
            switch op.kind {
            case .less: x < y
            case .lessEqual: x <= y
            case .greater: x > y
            default: x >= y
            }
        }
        if let x = a.scalarNumber, let y = b.scalarNumber { return ordered(x, y) }
        switch (a, b) {
        case (.string(let x), .string(let y)): return ordered(x, y)
        case (.tensor(let t), _), (_, .tensor(let t)):
            throw FernError.runtime("cannot compare \(a.typeName) and \(b.typeName) with \(op.lexeme): a tensor of shape \(describeShape(t.shape)) is not one number; reduce it first (max(t), mean(t), item(t))")
        default: throw FernError.runtime("cannot compare \(a.typeName) and \(b.typeName) with \(op.lexeme)")
        }
    }
}
