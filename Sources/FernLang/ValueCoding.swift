import FernData
import FernNN
import FernTensor
import Foundation

/// A Fern value as a notebook's cell cache keeps it: numbers, strings and
/// histories in the entry's JSON; tensors and data sets' arrays in one
/// safetensors file (by key); models as safetensors + JSON files of their
/// own. Functions, figures and layer recipes cannot be stored.
///
/// Opaque outside FernLang: a cache writes it into its entry and hands it
/// back to a `ValueUnarchiver`, and never looks inside.
public struct StoredValue: Codable {
    fileprivate let form: Form

    fileprivate indirect enum Form: Codable {
        case number(Double)
        case string(String)
        case bool(Bool)
        case none
        case list([Form])
        case dict(keys: [Form], values: [Form])
        case range(start: Double, end: Double, step: Double)
        case tensor(key: String)
        case builtin(name: String)
        case model(file: String)
        case dataset(images: String, labels: [Int], ids: [Int], classNames: [String], masks: String?)
        case history(History)
    }

    fileprivate init(_ form: Form) {
        self.form = form
    }

    // Coded as the form itself, so the entry's JSON has no wrapper level.
    public init(from decoder: any Decoder) throws {
        form = try decoder.singleValueContainer().decode(Form.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(form)
    }

    /// Whether `value` can go into the cache.
    public static func canStore(_ value: Value) -> Bool {
        switch value {
        case .function, .figure, .layer: false
        case .list(let items): items.allSatisfy(canStore)
        case .dict(let d): d.values.allSatisfy(canStore)
        default: true
        }
    }

    /// The type that keeps `value` out of the cache, e.g. "list with a function".
    public static func unstorableType(_ value: Value) -> String {
        if case .list(let items) = value, let inner = items.first(where: { !canStore($0) }) {
            return "list with a \(unstorableType(inner))"
        }
        if case .dict(let d) = value, let inner = d.values.first(where: { !canStore($0) }) {
            return "dict with a \(unstorableType(inner))"
        }
        return value.typeName
    }

    fileprivate static func tensorFile(in folder: URL) -> String {
        folder.appendingPathComponent("tensors.safetensors").path
    }
}

/// Why a value could not be stored or restored.
struct ValueCodingError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// Turns values into `StoredValue`s, writing the models into `folder` as
/// it goes and the tensors at `finish()`. A model held by two variables is
/// written once and comes back as one model.
public struct ValueArchiver {
    let folder: URL
    private var tensors: [String: Tensor] = [:]
    private var modelFiles: [ObjectIdentifier: String] = [:]

    public init(folder: URL) {
        self.folder = folder
    }

    public mutating func store(_ value: Value) throws -> StoredValue {
        StoredValue(try form(of: value))
    }

    /// Writes the tensors of the values stored so far; call after the last `store`.
    public func finish() throws {
        guard !tensors.isEmpty else { return }
        try Safetensors.write(tensors, to: StoredValue.tensorFile(in: folder))
    }

    private mutating func form(of value: Value) throws -> StoredValue.Form {
        switch value {
        case .number(let n): return .number(n)
        case .string(let s): return .string(s)
        case .bool(let b): return .bool(b)
        case .none: return .none
        case .list(let items): return .list(try items.map { try form(of: $0) })
        case .dict(let d): return .dict(keys: try d.keys.map { try form(of: $0) }, values: try d.values.map { try form(of: $0) })
        case .range(let start, let end, let step): return .range(start: start, end: end, step: step)
        case .tensor(let t): return .tensor(key: add(t))
        case .builtin(let builtin): return .builtin(name: builtin.name)
        case .history(let history): return .history(history)
        case .dataset(let d):
            return .dataset(images: add(d.images), labels: d.labels, ids: d.ids, classNames: d.classNames,
                            masks: d.featureMasks.map { add($0) })
        case .model(let model):
            if let file = modelFiles[ObjectIdentifier(model)] { return .model(file: file) }
            let file = "model-\(modelFiles.count)"
            try model.save(to: folder.appendingPathComponent(file).path)
            modelFiles[ObjectIdentifier(model)] = file
            return .model(file: file)
        case .function, .figure, .layer:
            throw ValueCodingError("a \(value.typeName) cannot be stored")
        }
    }

    private mutating func add(_ tensor: Tensor) -> String {
        let key = "t\(tensors.count)"
        tensors[key] = tensor
        return key
    }
}

/// Turns `StoredValue`s back into values, reading from the folder a
/// `ValueArchiver` wrote.
public struct ValueUnarchiver {
    let folder: URL
    private let tensors: [String: Tensor]
    private var models: [String: Sequential] = [:]

    public init(folder: URL) throws {
        self.folder = folder
        let tensorFile = StoredValue.tensorFile(in: folder)
        tensors = FileManager.default.fileExists(atPath: tensorFile) ? try Safetensors.read(tensorFile).tensors : [:]
    }

    public mutating func value(_ stored: StoredValue) throws -> Value {
        try value(stored.form)
    }

    private mutating func value(_ form: StoredValue.Form) throws -> Value {
        switch form {
        case .number(let n): return .number(n)
        case .string(let s): return .string(s)
        case .bool(let b): return .bool(b)
        case .none: return .none
        case .list(let items): return .list(try items.map { try value($0) })
        case .dict(let keys, let values):
            return .dict(try FernDictionary(Array(zip(try keys.map { try value($0) }, try values.map { try value($0) }))))
        case .range(let start, let end, let step): return .range(start: start, end: end, step: step)
        case .tensor(let key): return .tensor(try tensor(key))
        case .builtin(let name):
            guard let builtin = Builtins.named[name] else {
                throw ValueCodingError("the cache names a built-in '\(name)' that no longer exists")
            }
            return .builtin(builtin)
        case .history(let history): return .history(history)
        case .dataset(let images, let labels, let ids, let classNames, let masks):
            return .dataset(Dataset(images: try tensor(images), labels: labels, ids: ids, classNames: classNames,
                                    featureMasks: try masks.map { try tensor($0) }))
        case .model(let file):
            if let model = models[file] { return .model(model) }
            let model = try Sequential.load(from: folder.appendingPathComponent(file).path)
            models[file] = model
            return .model(model)
        }
    }

    private func tensor(_ key: String) throws -> Tensor {
        guard let tensor = tensors[key] else { throw ValueCodingError("the cache entry lacks tensor '\(key)'") }
        return tensor
    }
}
