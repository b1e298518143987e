import FernTensor

/// The arguments of one built-in call, bound to the parameter names of its
/// signature, with typed accessors whose errors name the function and the
/// parameter. An optional parameter the call omits, or passes none, holds
/// the signature's default, so implementations never repeat it.
struct Arguments {
    let function: String
    private var values: [String: Value] = [:]
    /// Positional arguments taken by a `name...` parameter.
    private(set) var rest: [Value] = []

    init(for builtin: Builtin, _ positional: [Value], _ keywords: [(String, Value)]) throws {
        try self.init(function: builtin.name, builtin.parameters, usage: builtin.signature, positional, keywords)
    }

    /// Binds to `parameters`; errors name `function` and show `usage`.
    init(function: String, _ parameters: [BuiltinParameter], usage: String,
         _ positional: [Value], _ keywords: [(String, Value)]) throws {
        self.function = function
        var remaining = positional[...]
        for parameter in parameters {
            if parameter.variadic {
                rest = Array(remaining)
                remaining = []
            } else if let value = remaining.popFirst() {
                values[parameter.name] = value
            }
        }
        guard remaining.isEmpty else {
            let fixed = parameters.count
            throw FernError.runtime("\(function)() takes at most \(fixed) argument\(fixed == 1 ? "" : "s") but \(positional.count) were given")
        }
        for (name, value) in keywords {
            guard parameters.contains(where: { $0.name == name && !$0.variadic }) else {
                throw FernError.runtime("\(function)() has no parameter named '\(name)'; see help(\(function))")
            }
            guard values[name] == nil else { throw FernError.runtime("\(function)() got two values for '\(name)'") }
            values[name] = value
        }
        for parameter in parameters where !parameter.variadic && optional(parameter.name) == nil {
            if let defaultValue = parameter.defaultValue {
                values[parameter.name] = defaultValue
            } else if values[parameter.name] == nil {
                throw FernError.runtime("\(function)() is missing a value for '\(parameter.name)'; usage: \(usage)")
            }
        }
    }

    func failure(_ name: String, expected: String, got value: Value) -> FernError {
        FernError.runtime("\(function): expected \(expected) for '\(name)', got \(value.typeName)")
    }

    /// The argument, or nil when it was not given or is `none`.
    func optional(_ name: String) -> Value? {
        if case .none? = values[name] { return nil }
        return values[name]
    }

    /// A required argument (its presence was checked when binding).
    func value(_ name: String) -> Value { values[name] ?? .none }

    func number(_ name: String) throws -> Double {
        guard let value = optional(name) else {
            throw FernError.runtime("\(function): '\(name)' must be a number, got none")
        }
        if let n = value.scalarNumber { return n }
        if case .bool(let b) = value { return b ? 1 : 0 }
        throw failure(name, expected: "a number", got: value)
    }

    func int(_ name: String) throws -> Int {
        let n = try number(name)
        guard n == n.rounded(), abs(n) < 1e15 else {
            throw FernError.runtime("\(function): expected a whole number for '\(name)', got \(Value.number(n))")
        }
        return Int(n)
    }

    /// none is false.
    func bool(_ name: String) -> Bool {
        value(name).isTruthy
    }

    func string(_ name: String) throws -> String {
        guard case .string(let s) = value(name) else { throw failure(name, expected: "a string", got: value(name)) }
        return s
    }

    /// A tensor; numbers and (nested) lists of numbers are converted.
    func tensor(_ name: String) throws -> Tensor {
        let value = value(name)
        if case .tensor(let t) = value { return t }
        guard let t = try? tensorFromValue(value) else {
            throw failure(name, expected: "a tensor (or a nested list of numbers)", got: value)
        }
        return t
    }

    /// A shape: a whole number or a list of whole numbers, small enough to
    /// allocate (at most `Arguments.maxElements` elements).
    func shape(_ name: String) throws -> [Int] {
        guard let shape = try wholeNumbers(name) else {
            throw failure(name, expected: "a list of whole numbers", got: value(name))
        }
        try Arguments.checkSize(shape.reduce(1.0) { $0 * Double(Swift.max($1, 1)) }, function)
        return shape
    }

    /// The most elements a built-in will allocate in one tensor (1 GiB of
    /// floats): asking for more is an error, not an out-of-memory crash.
    static let maxElements = 1 << 28

    static func checkSize(_ elements: Double, _ function: String) throws {
        guard elements <= Double(maxElements) else {
            throw FernError.runtime("\(function): a tensor of \(Value.number(elements)) elements is too large (at most \(maxElements))")
        }
    }

    /// Axes for a reduction: nil when not given.
    func axes(_ name: String) throws -> [Int]? {
        guard optional(name) != nil else { return nil }
        return try shape(name)
    }

    private func wholeNumbers(_ name: String) throws -> [Int]? {
        switch value(name) {
        case .number: return [try int(name)]
        case .list(let items):
            let ints = items.compactMap { item -> Int? in
                guard case .number(let n) = item, n == n.rounded(), abs(n) < 1e15 else { return nil }
                return Int(n)
            }
            return ints.count == items.count ? ints : nil
        default: return nil
        }
    }

    /// A random seed (a non-negative whole number).
    func seed(_ name: String) throws -> UInt64 {
        let n = try int(name)
        guard n >= 0 else { throw FernError.runtime("\(function): '\(name)' must not be negative, got \(n)") }
        return UInt64(n)
    }

    func callable(_ name: String) throws -> Value {
        let value = value(name)
        switch value {
        case .function, .builtin: return value
        default: throw failure(name, expected: "a function", got: value)
        }
    }
}

/// A tensor built from a number, a tensor, or a rectangular nested list of
/// numbers (or of tensors of one shape, which are stacked).
func tensorFromValue(_ value: Value) throws -> Tensor {
    switch value {
    case .tensor(let t): return t
    case .number(let n): return Tensor(Float(n))
    case .bool(let b): return Tensor(b ? 1 : 0)
    case .range: return try tensorFromValue(.list(listElements(of: value)))
    case .list(let items):
        if items.allSatisfy({ if case .number = $0 { true } else { false } }) {
            return try Tensor(shape: [items.count], scalars: items.map { if case .number(let n) = $0 { Float(n) } else { 0 } })
        }
        let rows = try items.map(tensorFromValue)
        guard let first = rows.first, rows.allSatisfy({ $0.shape == first.shape }) else {
            throw FernError.runtime("tensor: the nested lists are not rectangular (rows of different lengths)")
        }
        return try Tensor.stack(rows)
    default:
        throw FernError.runtime("tensor: cannot make a tensor from a \(value.typeName)")
    }
}

/// The elements of a list, range, string, dictionary (its keys) or tensor (its first axis), as a list.
func listElements(of value: Value) throws -> [Value] {
    switch value {
    case .list(let items): return items
    case .range(let start, _, let step):
        let count = value.rangeCount
        guard count <= 1_000_000 else { throw FernError.runtime("list: the range has \(count) elements, too many to list") }
        return (0..<count).map { .number(start + Double($0) * step) }
    case .string(let s): return s.map { .string(String($0)) }
    case .dict(let d): return d.keys
    case .tensor(let t):
        guard t.rank > 0 else { throw FernError.runtime("list: cannot list the elements of a scalar tensor") }
        if t.rank == 1 { return t.scalars.map { .number(Double($0)) } }
        return try (0..<t.shape[0]).map { .tensor(try t.indexed($0)) }
    default:
        throw FernError.runtime("list: cannot list the elements of a \(value.typeName)")
    }
}
