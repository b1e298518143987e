import FernData
import FernNN
import FernPlot
import FernTensor
import Foundation

/// A Fern value.
public enum Value {
    case number(Double)
    case string(String)
    case bool(Bool)
    case none
    case list([Value])
    /// `{key: value, ...}`, in insertion order.
    case dict(FernDictionary)
    case tensor(Tensor)
    /// `start..end` stepping by `step`, end exclusive; iterated lazily.
    case range(start: Double, end: Double, step: Double)
    case function(UserFunction)
    case builtin(Builtin)
    case model(Sequential)
    case dataset(Dataset)
    case history(History)
    case figure(Figure)
    /// A layer for `sequential`, e.g. `conv2d(32, 3)`.
    case layer(LayerRecipe)

    /// The type name shown by `type(x)` and in error messages.
    public var typeName: String {
        switch self {
        case .number: "number"
        case .string: "string"
        case .bool: "bool"
        case .none: "none"
        case .list: "list"
        case .dict: "dict"
        case .tensor: "tensor"
        case .range: "range"
        case .function, .builtin: "function"
        case .model: "model"
        case .dataset: "dataset"
        case .history: "history"
        case .figure: "figure"
        case .layer: "layer"
        }
    }

    /// false, none, 0 (also as a 0-d tensor), "" and [] are false; everything else is true.
    var isTruthy: Bool {
        switch self {
        case .bool(let b): b
        case .none: false
        case .number(let n): n != 0
        case .string(let s): !s.isEmpty
        case .list(let items): !items.isEmpty
        case .dict(let d): d.count > 0
        case .range: rangeCount > 0
        case .tensor(let t) where t.rank == 0: t.scalars[0] != 0
        default: true
        }
    }

    /// The number a number or a 0-d tensor (`max(t)`, `sum(t)`) holds, nil for anything else:
    /// a scalar tensor compares, branches, indexes and formats as a number, as in NumPy.
    var scalarNumber: Double? {
        switch self {
        case .number(let n): n
        case .tensor(let t) where t.rank == 0: Double(t.scalars[0])
        default: nil
        }
    }

    /// Number of elements of a range value (0 for anything else).
    var rangeCount: Int {
        guard case .range(let start, let end, let step) = self, step != 0 else { return 0 }
        let count = ((end - start) / step).rounded(.up)
        return count > 0 ? (count < Double(Int.max) ? Int(count) : Int.max) : 0
    }

    /// Structural equality, used by `==` and `!=`. Tensors are equal when
    /// their shapes and all values are.
    func equals(_ other: Value) -> Bool {
        switch (self, other) {
        case (.number(let a), .number(let b)): a == b
        case (.string(let a), .string(let b)): a == b
        case (.bool(let a), .bool(let b)): a == b
        case (.none, .none): true
        case (.list(let a), .list(let b)): a.count == b.count && zip(a, b).allSatisfy { $0.equals($1) }
        case (.dict(let a), .dict(let b)): a.equals(b)
        case (.tensor(let a), .tensor(let b)): a.shape == b.shape && a.scalars == b.scalars
        case (.tensor, .number), (.number, .tensor): scalarNumber != nil && scalarNumber == other.scalarNumber
        case (.range(let a, _, let stepA), .range(let b, _, let stepB)):
            // Equal when they produce the same numbers, compared without listing them.
            rangeCount == other.rangeCount && (rangeCount == 0 || a == b && (rangeCount == 1 || stepA == stepB))
        case (.function(let a), .function(let b)): a === b
        case (.builtin(let a), .builtin(let b)): a.name == b.name
        case (.model(let a), .model(let b)): a === b
        default: false
        }
    }
}

extension Value: CustomStringConvertible {
    /// How the REPL and `print` show the value: numbers without a trailing
    /// `.0` when whole, tensors summarized, models as their layer table.
    public var description: String {
        switch self {
        case .number(let n):
            if n == n.rounded(), abs(n) < 1e15 { return String(Int(n)) }
            return String(n)
        case .string(let s): return s
        case .bool(let b): return b ? "true" : "false"
        case .none: return "none"
        case .list(let items): return "[" + items.map(\.repr).joined(separator: ", ") + "]"
        case .dict(let d): return d.description
        case .tensor(let t): return t.description
        case .range(let start, let end, let step):
            let text = "\(Value.number(start))..\(Value.number(end))"
            return step == 1 ? text : "range(\(Value.number(start)), \(Value.number(end)), \(Value.number(step)))"
        case .function(let f): return "<function \(f.name)(\(f.parameters.map(\.name).joined(separator: ", ")))>"
        case .builtin(let b): return "<built-in function \(b.signature)>"
        case .model(let m): return m.summary
        case .dataset(let d): return "<dataset: \(d.count) images of shape \(describeShape(Array(d.images.shape.dropFirst())))>"
        case .history(let h): return "<history: \(h.epochs) epochs>"
        case .figure(let f): return "<figure \(f.width)x\(f.height)\(f.title.map { " '\($0)'" } ?? "")>"
        case .layer(let layer): return "<layer \(layer.summary)>"
        }
    }

    /// The value as it appears inside a list: strings quoted.
    var repr: String {
        guard case .string(let s) = self else { return description }
        let escaped = s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\t", with: "\\t")
        return "\"\(escaped)\""
    }
}
