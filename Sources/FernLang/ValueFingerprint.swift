import FernData
import FernNN
import FernTensor
import Foundation

/// Content hashes of Fern values: equal values get equal fingerprints
/// however they were computed, so a cell's cache survives an upstream edit
/// that leaves the values it reads unchanged.
///
/// A user function is fingerprinted by the program it was written in, the
/// variables it captured and, because it reads globals when it is called,
/// the current values of the globals its body names (followed recursively).
public struct ValueFingerprinter {
    let globals: [String: Value]
    private var functionsInProgress: Set<ObjectIdentifier> = []

    public init(globals: [String: Value]) {
        self.globals = globals
    }

    public mutating func fingerprint(_ value: Value) -> String {
        var hash = ContentHash()
        combine(value, into: &hash)
        return hash.hex
    }

    private mutating func combine(_ value: Value, into hash: inout ContentHash) {
        hash.combine(value.typeName)
        switch value {
        case .number(let n): hash.combine(n)
        case .string(let s): hash.combine(s)
        case .bool(let b): hash.combine(b ? 1 : 0)
        case .none: break
        case .list(let items):
            hash.combine(items.count)
            for item in items { combine(item, into: &hash) }
        case .dict(let d):
            hash.combine(d.count)
            for (key, item) in zip(d.keys, d.values) {
                combine(key, into: &hash)
                combine(item, into: &hash)
            }
        case .tensor(let t): combine(t, into: &hash)
        case .range(let start, let end, let step):
            [start, end, step].forEach { hash.combine($0) }
        case .builtin(let builtin): hash.combine(builtin.name)
        case .function(let function): combine(function, into: &hash)
        case .model(let model):
            hash.combine((try? Architecture(of: model).json(pretty: false)) ?? "")
            for (name, weight) in model.weights.sorted(by: { $0.key < $1.key }) {
                hash.combine(name)
                combine(weight, into: &hash)
            }
        case .dataset(let dataset):
            combine(dataset.images, into: &hash)
            hash.combine(dataset.labels.count)
            dataset.labels.forEach { hash.combine($0) }
            hash.combine(dataset.ids.count)
            dataset.ids.forEach { hash.combine($0) }
            hash.combine(dataset.classNames.joined(separator: "\n"))
            if let masks = dataset.featureMasks { combine(masks, into: &hash) }
        case .history(let history):
            hash.combine(ValueFingerprinter.json(history) ?? Data())
        case .layer(let recipe):
            hash.combine(ValueFingerprinter.json(recipe.config) ?? Data(recipe.summary.utf8))
        case .figure(let figure):
            // Panels are opaque; the rendered picture stands for the figure.
            hash.combine((try? figure.pngData()) ?? Data("\(figure.width)x\(figure.height) \(figure.title ?? "")".utf8))
        }
    }

    /// JSON with sorted keys: without them, two encodings of one value may
    /// list its keys in different orders.
    private static func json(_ value: some Encodable) -> Data? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return try? encoder.encode(value)
    }

    private func combine(_ tensor: Tensor, into hash: inout ContentHash) {
        hash.combine(tensor.shape.count)
        tensor.shape.forEach { hash.combine($0) }
        tensor.withUnsafeScalars { hash.combine(UnsafeRawBufferPointer($0)) }
    }

    private mutating func combine(_ function: UserFunction, into hash: inout ContentHash) {
        hash.combine(function.name)
        hash.combine(function.parameterNames.joined(separator: ","))
        hash.combine(function.definingSource)
        let identity = ObjectIdentifier(function)
        guard !functionsInProgress.contains(identity) else { return }  // recursion: already being hashed
        functionsInProgress.insert(identity)
        defer { functionsInProgress.remove(identity) }
        for scope in function.capturedVariables {
            for (name, value) in scope.sorted(by: { $0.key < $1.key }) {
                hash.combine(name)
                combine(value, into: &hash)
            }
        }
        let captured = Set(function.capturedVariables.flatMap(\.keys))
        for name in function.usage.reads.sorted() where !captured.contains(name) {
            guard let value = globals[name] else { continue }
            hash.combine(name)
            combine(value, into: &hash)
        }
    }
}
