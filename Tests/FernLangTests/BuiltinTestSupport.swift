import FernTensor
import FernTestSupport
import Foundation
@testable import FernLang

/// An interpreter for built-in tests: keeps what programs print and saves
/// shown figures into its own temporary folder (deleted with the session).
final class Session {
    let interpreter: Interpreter
    private let temporary: TemporaryFolder
    var folder: URL { temporary.url }
    private let printed = Box([String]())
    private let shown = Box([String]())

    init() throws {
        temporary = try TemporaryFolder()
        let (printed, shown, folder) = (self.printed, self.shown, temporary.url)
        interpreter = Interpreter(output: { printed.value.append($0) })
        interpreter.display = { figure, name in
            let path = folder.appendingPathComponent((name ?? "figure-\(shown.value.count + 1)") + ".png").path
            try figure.save(to: path)
            shown.value.append(path)
            return path
        }
        interpreter.makeProgress = { .init(style: .silent) { _ in } }
    }

    /// Everything printed so far, one entry per print.
    var output: [String] { printed.value }
    /// The paths of the figures shown so far.
    var figures: [String] { shown.value }

    /// A path inside the session's folder.
    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// Runs `source`; the printed form of its value ("nil" when none).
    @discardableResult
    func run(_ source: String) throws -> String {
        try interpreter.run(source).map(\.description) ?? "nil"
    }

    /// The rendered error `source` raises, or "no error".
    func error(_ source: String) -> String {
        do {
            _ = try interpreter.run(source)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    func value(_ source: String) throws -> Value {
        guard let value = try interpreter.run(source) else { throw TestFailure("\(source) has no value") }
        return value
    }

    func tensor(_ source: String) throws -> Tensor {
        guard case .tensor(let t) = try value(source) else { throw TestFailure("\(source) is not a tensor") }
        return t
    }

    func number(_ source: String) throws -> Double {
        guard case .number(let n) = try value(source) else { throw TestFailure("\(source) is not a number") }
        return n
    }

    func strings(_ source: String) throws -> [String] {
        guard case .list(let items) = try value(source) else { throw TestFailure("\(source) is not a list") }
        return try items.map { item in
            guard case .string(let s) = item else { throw TestFailure("\(source) holds a \(item.typeName)") }
            return s
        }
    }

    func numbers(_ source: String) throws -> [Double] {
        guard case .list(let items) = try value(source) else { throw TestFailure("\(source) is not a list") }
        return try items.map { item in
            guard case .number(let n) = item else { throw TestFailure("\(source) holds a \(item.typeName)") }
            return n
        }
    }
}

/// A mutable value shared with the interpreter's hooks.
final class Box<T> {
    var value: T
    init(_ value: T) { self.value = value }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Width and height of a PNG decoded with Cairo, or nil when it does not decode.
func pngSize(_ path: String) -> (width: Int, height: Int)? {
    guard let png = try? DecodedPNG(path: path) else { return nil }
    return (png.width, png.height)
}

/// Within `absolute + relative · max(|a|, |b|)`; for checks that are not about rounding (Tolerance covers those).
func isClose(_ a: Double, _ b: Double, relative: Double, absolute: Double) -> Bool {
    abs(a - b) <= absolute + relative * max(abs(a), abs(b))
}
