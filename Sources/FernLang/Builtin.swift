/// A built-in function: its signature and one-line doc (shown by `help`,
/// used for tab completion and the reference) next to its implementation.
public struct Builtin: Sendable {
    public let name: String
    /// How it is called, e.g. `zeros(shape)` or `sum(t, axis=none, keepdims=false)`.
    /// The one place a parameter's name, and whether and to what it defaults, is written.
    public let signature: String
    public let doc: String
    /// The parameters the signature declares, read once.
    let parameters: [BuiltinParameter]
    let implementation: @Sendable (inout Arguments, Interpreter) throws -> Value

    /// Stops the program when the signature does not parse: the whole table
    /// is built when a program first names a built-in, so a mistyped default
    /// shows on any run, not only when that built-in is called (and
    /// BuiltinSignatureTests parses every signature).
    init(_ signature: String, _ doc: String,
         _ implementation: @escaping @Sendable (inout Arguments, Interpreter) throws -> Value) {
        do {
            (name, parameters) = try BuiltinParameter.parse(signature: signature)
        } catch {
            preconditionFailure("the built-in signature \(signature) does not parse: \(error)")
        }
        self.signature = signature
        self.doc = doc
        self.implementation = implementation
    }
}

/// The table of every built-in function, grouped by topic in the
/// Builtins*.swift files.
public enum Builtins {
    public static let all: [Builtin] = core + collections + tensor + data + model + training + plot + analysis
    static let named: [String: Builtin] = Dictionary(all.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
}
