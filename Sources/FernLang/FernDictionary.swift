/// A Fern dictionary, `{"angry": 0.61, "happy": 0.88}`: keys are numbers, strings, bools or
/// none, and it keeps them in the order they were first added, as Python's dict does.
public struct FernDictionary {
    /// A key as the dictionary hashes it; numbers and bools stay apart (Fern's `1 == true` is false).
    private enum Key: Hashable {
        case number(Double)
        case string(String)
        case bool(Bool)
        case none

        init(_ value: Value) throws {
            switch value {
            case .number(let n): self = .number(n == 0 ? 0 : n)  // -0 and 0 are one key
            case .string(let s): self = .string(s)
            case .bool(let b): self = .bool(b)
            case .none: self = .none
            default: throw FernError.runtime("a dictionary key must be a number, string, bool or none, got a \(value.typeName)")
            }
        }
    }

    public private(set) var keys: [Value] = []
    public private(set) var values: [Value] = []
    private var positions: [Key: Int] = [:]

    public init() {}

    /// A dictionary of the pairs in order; a later pair with the same key replaces the value.
    public init(_ pairs: [(Value, Value)]) throws {
        for (key, value) in pairs { try set(key, value) }
    }

    public var count: Int { keys.count }

    public var items: [(key: Value, value: Value)] {
        Array(zip(keys, values)).map { (key: $0, value: $1) }
    }

    /// The value at `key`, or nil when the dictionary has none (or the key cannot be one).
    public func value(at key: Value) -> Value? {
        guard let k = try? Key(key), let position = positions[k] else { return nil }
        return values[position]
    }

    /// The value at `key`, or an error naming the key and the keys there are.
    func lookup(_ key: Value) throws -> Value {
        _ = try Key(key)
        guard let value = value(at: key) else {
            let known = keys.prefix(10).map(\.repr).joined(separator: ", ") + (keys.count > 10 ? ", ..." : "")
            throw FernError.runtime("key \(key.repr) is not in the dictionary" + (keys.isEmpty ? " (it is empty)" : "; its keys: \(known)"))
        }
        return value
    }

    /// Adds `key`, or replaces its value where it stands.
    public mutating func set(_ key: Value, _ value: Value) throws {
        let k = try Key(key)
        if let position = positions[k] {
            values[position] = value
        } else {
            positions[k] = keys.count
            keys.append(key)
            values.append(value)
        }
    }

    /// Removes `key` and returns its value (nil when absent).
    mutating func remove(_ key: Value) throws -> Value? {
        let k = try Key(key)
        guard let position = positions.removeValue(forKey: k) else { return nil }
        let value = values[position]
        keys.remove(at: position)
        values.remove(at: position)
        for (other, p) in positions where p > position { positions[other] = p - 1 }
        return value
    }

    /// Equal when they hold equal values at the same keys, in any order (as Python's are).
    func equals(_ other: FernDictionary) -> Bool {
        count == other.count && zip(keys, values).allSatisfy { key, value in other.value(at: key).map(value.equals) == true }
    }

    var description: String {
        "{" + zip(keys, values).map { "\($0.repr): \($1.repr)" }.joined(separator: ", ") + "}"
    }
}
