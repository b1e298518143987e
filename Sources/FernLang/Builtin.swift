import Foundation

/// A built-in function: its signature and one-line doc (shown by `help`,
/// used for tab completion and the reference) next to its implementation.
public struct Builtin: Sendable {
    public let name: String
    /// How it is called, e.g. `zeros(shape)` or `sum(t, axis=none, keepdims=false)`.
    /// Parameter names and which ones are optional are read from here.
    public let signature: String
    public let doc: String
    let implementation: @Sendable (inout Arguments, Interpreter) throws -> Value

    init(_ signature: String, _ doc: String,
         _ implementation: @escaping @Sendable (inout Arguments, Interpreter) throws -> Value) {
        self.name = String(signature.prefix { $0 != "(" })
        self.signature = signature
        self.doc = doc
        self.implementation = implementation
    }

    /// The parameters declared by the signature: `name`, `name=default`
    /// (optional) or `name...` (takes the remaining positional arguments).
    var parameters: [(name: String, optional: Bool, variadic: Bool)] {
        let inside = signature.drop { $0 != "(" }.dropFirst().prefix { $0 != ")" }
        return inside.split(separator: ",").map { part in
            let text = part.trimmingCharacters(in: .whitespaces)
            let name = String(text.prefix { $0 != "=" && $0 != "." })
            return (name, text.contains("="), text.hasSuffix("..."))
        }
    }
}

/// The table of every built-in function, grouped by topic in the
/// Builtins*.swift files.
public enum Builtins {
    public static let all: [Builtin] = core + tensor + data + model + training + plot + analysis
    static let named: [String: Builtin] = Dictionary(all.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
}
