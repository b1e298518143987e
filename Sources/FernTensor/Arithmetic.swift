import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Element-wise binary ops with broadcasting; each forward sits beside its
/// backward rule. Gradients flowing to a broadcast input are summed back to
/// its shape.
extension Tensor {
    public static func + (a: Tensor, b: Tensor) throws -> Tensor {
        try broadcastMap(a, b, op: "add", AddElements.self).recorded("add", inputs: [a, b]) { g, needs in
            [needs[0] ? try g.unbroadcast(to: a.shape) : nil,
             needs[1] ? try g.unbroadcast(to: b.shape) : nil]
        }
    }

    public static func - (a: Tensor, b: Tensor) throws -> Tensor {
        try broadcastMap(a, b, op: "subtract", SubtractElements.self).recorded("subtract", inputs: [a, b]) { g, needs in
            [needs[0] ? try g.unbroadcast(to: a.shape) : nil,
             needs[1] ? try g.map { -$0 }.unbroadcast(to: b.shape) : nil]
        }
    }

    public static func * (a: Tensor, b: Tensor) throws -> Tensor {
        try broadcastMap(a, b, op: "multiply", MultiplyElements.self).recorded("multiply", inputs: [a, b]) { g, needs in
            [needs[0] ? try broadcastMap(g, b, op: "multiply", MultiplyElements.self).unbroadcast(to: a.shape) : nil,
             needs[1] ? try broadcastMap(g, a, op: "multiply", MultiplyElements.self).unbroadcast(to: b.shape) : nil]
        }
    }

    public static func / (a: Tensor, b: Tensor) throws -> Tensor {
        try broadcastMap(a, b, op: "divide", DivideElements.self).recorded("divide", inputs: [a, b]) { g, needs in
            [needs[0] ? try broadcastMap(g, b, op: "divide", DivideElements.self).unbroadcast(to: a.shape) : nil,
             needs[1] ? try broadcastMap(broadcastMap(g, a, op: "divide", *), b, op: "divide") { -$0 / ($1 * $1) }
                .unbroadcast(to: b.shape) : nil]
        }
    }

    public static prefix func - (a: Tensor) -> Tensor {
        a.map { -$0 }.recorded("negate", inputs: [a]) { g, _ in [g.map { -$0 }] }
    }

    public static func + (a: Tensor, b: Float) throws -> Tensor { try a + Tensor(b) }
    public static func - (a: Tensor, b: Float) throws -> Tensor { try a - Tensor(b) }
    public static func * (a: Tensor, b: Float) throws -> Tensor { try a * Tensor(b) }
    public static func / (a: Tensor, b: Float) throws -> Tensor { try a / Tensor(b) }
    public static func + (a: Float, b: Tensor) throws -> Tensor { try Tensor(a) + b }
    public static func - (a: Float, b: Tensor) throws -> Tensor { try Tensor(a) - b }
    public static func * (a: Float, b: Tensor) throws -> Tensor { try Tensor(a) * b }
    public static func / (a: Float, b: Tensor) throws -> Tensor { try Tensor(a) / b }

    /// `a` raised to `b`, element-wise with broadcasting.
    public func pow(_ exponent: Tensor) throws -> Tensor {
        let base = self
        let result = try broadcastMap(base, exponent, op: "pow") { Foundation.pow($0, $1) }
        return result.recorded("pow", inputs: [base, exponent]) { g, needs in
            [needs[0] ? try broadcastMap(g, broadcastMap(base, exponent, op: "pow") {
                $1 == 0 ? 0 : $1 * Foundation.pow($0, $1 - 1)
            }, op: "pow", *).unbroadcast(to: base.shape) : nil,
             needs[1] ? try broadcastMap(g, broadcastMap(base, result, op: "pow") {
                $0 > 0 ? $1 * Foundation.log($0) : 0
             }, op: "pow", *).unbroadcast(to: exponent.shape) : nil]
        }
    }

    public func pow(_ exponent: Float) throws -> Tensor { try pow(Tensor(exponent)) }

    /// Element-wise maximum; the gradient goes to the larger input (to `self` on ties).
    public func maximum(_ other: Tensor) throws -> Tensor {
        try choose(other, op: "maximum") { $0 >= $1 }
    }

    /// Element-wise minimum; the gradient goes to the smaller input (to `self` on ties).
    public func minimum(_ other: Tensor) throws -> Tensor {
        try choose(other, op: "minimum") { $0 <= $1 }
    }

    private func choose(_ other: Tensor, op: String, _ keepSelf: @escaping (Float, Float) -> Bool) throws -> Tensor {
        let a = self, b = other
        return try broadcastMap(a, b, op: op) { keepSelf($0, $1) ? $0 : $1 }
            .recorded(op, inputs: [a, b]) { g, needs in
                let mask = try broadcastMap(a, b, op: op) { keepSelf($0, $1) ? 1 : 0 }
                return [needs[0] ? try broadcastMap(g, mask, op: op, *).unbroadcast(to: a.shape) : nil,
                        needs[1] ? try broadcastMap(g, mask, op: op) { $0 * (1 - $1) }.unbroadcast(to: b.shape) : nil]
            }
    }

    // Comparisons give 1 where true and 0 where false; they have no gradient.
    public func equal(_ other: Tensor) throws -> Tensor { try broadcastMap(self, other, op: "equal") { $0 == $1 ? 1 : 0 } }
    public func notEqual(_ other: Tensor) throws -> Tensor { try broadcastMap(self, other, op: "notEqual") { $0 != $1 ? 1 : 0 } }
    public func less(_ other: Tensor) throws -> Tensor { try broadcastMap(self, other, op: "less") { $0 < $1 ? 1 : 0 } }
    public func lessEqual(_ other: Tensor) throws -> Tensor { try broadcastMap(self, other, op: "lessEqual") { $0 <= $1 ? 1 : 0 } }
    public func greater(_ other: Tensor) throws -> Tensor { try broadcastMap(self, other, op: "greater") { $0 > $1 ? 1 : 0 } }
    public func greaterEqual(_ other: Tensor) throws -> Tensor { try broadcastMap(self, other, op: "greaterEqual") { $0 >= $1 ? 1 : 0 } }
}
