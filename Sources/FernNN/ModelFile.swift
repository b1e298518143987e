import FernTensor
import Foundation

/// Saving and loading models: weights as `NAME.safetensors` (readable by
/// numpy/PyTorch, the architecture also embedded in its metadata) and the
/// architecture as readable `NAME.json` beside it. Both written atomically.
extension Sequential {
    public func save(to path: String) throws {
        let base = ModelFile.basePath(path)
        let architecture = Architecture(of: self)
        try Safetensors.write(weights, metadata: [ModelFile.architectureKey: try architecture.json(pretty: false)],
                              to: base + ".safetensors")
        try AtomicFile.write(try architecture.json() + "\n", to: URL(fileURLWithPath: base + ".json"))
    }

    public static func load(from path: String) throws -> Sequential {
        let base = ModelFile.basePath(path)
        let file = base + ".safetensors"
        let (tensors, metadata) = try ModelFile.readSafetensors(file)
        let json: String
        if let embedded = metadata[ModelFile.architectureKey] {
            json = embedded
        } else if let text = try? String(contentsOfFile: base + ".json", encoding: .utf8) {
            json = text
        } else {
            throw ModelError("\(file) has no architecture in its metadata and \(base).json is missing")
        }
        let model = try Architecture.parse(json, source: file).makeModel()
        do {
            try model.loadWeights(tensors)
        } catch let error as ModelError {
            throw ModelError("\(file): \(error.message)")
        }
        return model
    }
}

enum ModelFile {
    static let architectureKey = "fern.architecture"

    /// "runs/cnn.safetensors", "runs/cnn.json" and "runs/cnn" all name the model "runs/cnn".
    static func basePath(_ path: String) -> String {
        for suffix in [".safetensors", ".json"] where path.hasSuffix(suffix) {
            return String(path.dropLast(suffix.count))
        }
        return path
    }

    static func readSafetensors(_ path: String) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        do {
            return try Safetensors.read(path)
        } catch let error as TensorError {
            throw ModelError(error.message)
        }
    }
}
