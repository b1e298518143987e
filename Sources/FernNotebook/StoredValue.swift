import FernData
import FernLang
import FernNN
import FernTensor
import Foundation

/// A Fern value as a cache entry keeps it: numbers, strings and histories
/// in the entry's JSON; tensors and data sets' arrays in one safetensors
/// file (by key); models as safetensors + JSON files of their own.
/// Functions, figures and layer recipes cannot be stored.
indirect enum StoredValue: Codable {
    case number(Double)
    case string(String)
    case bool(Bool)
    case none
    case list([StoredValue])
    case range(start: Double, end: Double, step: Double)
    case tensor(key: String)
    case builtin(name: String)
    case model(file: String)
    case dataset(images: String, labels: [Int], ids: [Int], classNames: [String], masks: String?)
    case history(History)
}

extension StoredValue {
    /// Whether `value` can go into the cache.
    static func canStore(_ value: Value) -> Bool {
        switch value {
        case .function, .figure, .layer: false
        case .list(let items): items.allSatisfy(canStore)
        default: true
        }
    }

    /// The type that keeps `value` out of the cache, e.g. "list with a function".
    static func unstorableType(_ value: Value) -> String {
        if case .list(let items) = value, let inner = items.first(where: { !canStore($0) }) {
            return "list with a \(unstorableType(inner))"
        }
        return value.typeName
    }
}

/// Why a value cannot go into the cache.
struct UnstorableValue: Error {
    var typeName: String
}

/// Turns values into `StoredValue`s, collecting the tensors and writing the
/// models into `folder`. A model held by two variables is written once and
/// comes back as one model.
struct ValueArchiver {
    let folder: URL
    private(set) var tensors: [String: Tensor] = [:]
    private var modelFiles: [ObjectIdentifier: String] = [:]

    init(folder: URL) {
        self.folder = folder
    }

    mutating func store(_ value: Value) throws -> StoredValue {
        switch value {
        case .number(let n): return .number(n)
        case .string(let s): return .string(s)
        case .bool(let b): return .bool(b)
        case .none: return .none
        case .list(let items): return .list(try items.map { try store($0) })
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
            throw UnstorableValue(typeName: value.typeName)
        }
    }

    private mutating func add(_ tensor: Tensor) -> String {
        let key = "t\(tensors.count)"
        tensors[key] = tensor
        return key
    }
}

/// Turns `StoredValue`s back into values, reading from an entry's folder.
struct ValueUnarchiver {
    let folder: URL
    let tensors: [String: Tensor]
    private var models: [String: Sequential] = [:]

    init(folder: URL, tensors: [String: Tensor]) {
        self.folder = folder
        self.tensors = tensors
    }

    mutating func value(_ stored: StoredValue) throws -> Value {
        switch stored {
        case .number(let n): return .number(n)
        case .string(let s): return .string(s)
        case .bool(let b): return .bool(b)
        case .none: return .none
        case .list(let items): return .list(try items.map { try value($0) })
        case .range(let start, let end, let step): return .range(start: start, end: end, step: step)
        case .tensor(let key): return .tensor(try tensor(key))
        case .builtin(let name):
            guard let builtin = Builtins.all.first(where: { $0.name == name }) else {
                throw NotebookError("the cache names a built-in '\(name)' that no longer exists")
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
        guard let tensor = tensors[key] else { throw NotebookError("the cache entry lacks tensor '\(key)'") }
        return tensor
    }
}
