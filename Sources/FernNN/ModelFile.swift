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

    /// The model saved at `path` (NAME, NAME.safetensors or NAME.json), or the model a training
    /// checkpoint holds (its file by any name), as its last epoch was scored: a run's checkpoint
    /// after some epoch is a model too.
    public static func load(from path: String) throws -> Sequential {
        let base = ModelFile.basePath(path)
        var isFolder: ObjCBool = false
        let named = FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && !isFolder.boolValue && !path.hasSuffix(".json")
        let file = named ? path : base + ".safetensors"
        var (tensors, metadata) = try ModelFile.readSafetensors(file)
        if metadata[CheckpointState.metadataKey] != nil {
            // The weights its last epoch was scored with: the moving average where the run keeps one.
            let average = CheckpointState.group("average/", of: tensors)
            tensors = average.isEmpty ? CheckpointState.group("model/", of: tensors) : average
        }
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
