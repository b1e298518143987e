@testable import FernLang

/// Runs `source` in a fresh interpreter and returns the printed form of its
/// value ("nil" when it has none).
func evaluate(_ source: String) throws -> String {
    try Interpreter(output: { _ in }).run(source).map(\.description) ?? "nil"
}

/// The rendered error `source` raises, or "no error".
func errorText(_ source: String, file: String = "<input>") -> String {
    do {
        _ = try Interpreter(output: { _ in }).run(source, file: file)
        return "no error"
    } catch {
        return "\(error)"
    }
}
