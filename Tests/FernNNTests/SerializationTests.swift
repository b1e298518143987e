import Foundation
import Testing
@testable import FernNN
import FernTensor

/// Saving and loading models: the files' exact contents, atomic writes and
/// the errors of damaged or mismatched files.
@Suite struct SerializationTests {
    /// A small CNN trained for two epochs, so its batch-norm statistics and
    /// weights are no longer their initial values.
    private func trainedCNN() throws -> (model: Sequential, images: Tensor) {
        let data = try separableData(count: 16, shape: [8, 8, 1], classes: 2, seed: 21)
        let model = try Sequential([Conv2DLayer(filters: 3, kernelSize: (3, 3), padding: .same, activation: .relu),
                                    BatchNormLayer(), PoolingLayer(.max), DropoutLayer(rate: 0.25), FlattenLayer(),
                                    DenseLayer(units: 2, activation: .softmax)],
                                   inputShape: [8, 8, 1], seed: 8)
        var options = TrainingRecipe()
        options.epochs = 2
        options.batchSize = 8
        try Trainer(model: model, optimizer: try Adam(learningRate: 0.01), recipe: options, progress: silentProgress())
            .fit(images: data.images, labels: data.labels)
        return (model, data.images)
    }

    @Test func savedModelLoadsWithBitIdenticalPredictions() throws {
        let folder = try TemporaryFolder()
        let (model, images) = try trainedCNN()
        let runningMean = try #require(model.weights["batch_norm.running_mean"])
        #expect(runningMean.scalars.contains { $0 != 0 }, "training should have moved the running mean")

        try model.save(to: folder.path("cnn"))
        let loaded = try Sequential.load(from: folder.path("cnn"))
        #expect(loaded.layers.map(\.name) == model.layers.map(\.name))
        #expect(loaded.layers.map(\.kind) == model.layers.map(\.kind))
        #expect(loaded.inputShape == [8, 8, 1])
        #expect(sameWeights(loaded.weights, model.weights))
        #expect(try loaded.predict(images).scalars == model.predict(images).scalars)
        #expect(try loaded.predictClasses(images) == model.predictClasses(images))
    }

    @Test func anyOfTheThreeNamesFindsTheModel() throws {
        let folder = try TemporaryFolder()
        let model = try Sequential([DenseLayer(units: 3)], inputShape: [2], seed: 4)
        try model.save(to: folder.path("m.safetensors"))
        #expect(folder.contents == ["m.json", "m.safetensors"])
        for name in ["m", "m.safetensors", "m.json"] {
            #expect(sameWeights(try Sequential.load(from: folder.path(name)).weights, model.weights))
        }
    }

    @Test func architectureSidecarIsReadableJSON() throws {
        let folder = try TemporaryFolder()
        let (model, _) = try trainedCNN()
        try model.save(to: folder.path("cnn"))
        let data = try Data(contentsOf: URL(fileURLWithPath: folder.path("cnn.json")))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(json["format"] as? String == "fern.sequential")
        #expect(json["inputShape"] as? [Int] == [8, 8, 1])
        let layers = try #require(json["layers"] as? [[String: Any]])
        #expect(layers.compactMap { $0["type"] as? String } == ["Conv2D", "BatchNorm", "MaxPool2D", "Dropout", "Flatten", "Dense"])
        #expect(layers[0]["filters"] as? Int == 3)
        #expect(layers[0]["kernelSize"] as? [Int] == [3, 3])
        #expect(layers[0]["padding"] as? String == "same")
        #expect(layers[0]["activation"] as? String == "relu")
        #expect(layers[5]["units"] as? Int == 2)
        #expect(layers[5]["activation"] as? String == "softmax")
        #expect(layers[3]["rate"] as? Double == 0.25)
    }

    @Test func everyLayerSettingSurvivesSaveAndLoad() throws {
        let folder = try TemporaryFolder()
        let model = try Sequential([
            Conv2DLayer(filters: 2, kernelSize: (3, 2), strides: (2, 1), padding: .same, activation: .leakyRelu(alpha: 0.2),
                        useBias: false, initializer: .heNormal, name: "features"),
            BatchNormLayer(momentum: 0.9, epsilon: 0.01),
            PoolingLayer(.average, poolSize: (2, 2), strides: (1, 1)),
            DropoutLayer(rate: 0.1),
            FlattenLayer(),
            DenseLayer(units: 4, activation: .elu, initializer: .glorotNormal),
            ActivationLayer(.sigmoid),
            DenseLayer(units: 3, useBias: false, initializer: .heUniform),
            ActivationLayer(.softmax),
        ], inputShape: [6, 5, 2], seed: 3)
        try model.save(to: folder.path("all"))
        let loaded = try Sequential.load(from: folder.path("all"))
        #expect(Architecture(of: loaded) == Architecture(of: model))
        #expect(loaded.outputShapes == model.outputShapes)
        let conv = try #require(loaded.layers[0] as? Conv2DLayer)
        #expect(conv.activation == .leakyRelu(alpha: 0.2) && conv.strides == (2, 1) && conv.kernelSize == (3, 2) && !conv.useBias)
        #expect(conv.name == "features" && conv.initializer == .heNormal)
        let pool = try #require(loaded.layers[2] as? PoolingLayer)
        #expect(pool.pooling == .average && pool.strides == (1, 1))
        let norm = try #require(loaded.layers[1] as? BatchNormLayer)
        #expect(norm.momentum == 0.9 && norm.epsilon == 0.01)
        var generator = SeededGenerator(seed: 4)
        let x = try Tensor.randomNormal([3, 6, 5, 2], using: &generator)
        #expect(try loaded.predict(x).scalars == model.predict(x).scalars)
    }

    /// Reads the safetensors file byte by byte, as a reader in another
    /// language would, without the library's decoder.
    @Test func weightsFileHasTheSafetensorsLayout() throws {
        let folder = try TemporaryFolder()
        let (model, _) = try trainedCNN()
        try model.save(to: folder.path("cnn"))
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: folder.path("cnn.safetensors"))))

        // 8 bytes: little-endian UInt64 header length N.
        let n = (0..<8).reduce(0) { $0 | Int(bytes[$1]) << (8 * $1) }
        #expect(n > 0 && 8 + n <= bytes.count)
        let header = try #require(try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + n)])) as? [String: Any])
        let dataStart = 8 + n
        let dataLength = bytes.count - dataStart

        let metadata = try #require(header["__metadata__"] as? [String: String])
        #expect(metadata["fern.architecture"]?.contains("Conv2D") == true)

        let weights = model.weights
        let names = header.keys.filter { $0 != "__metadata__" }
        #expect(Set(names) == Set(weights.keys))
        var spans: [(begin: Int, end: Int)] = []
        for name in names {
            let entry = try #require(header[name] as? [String: Any])
            let shape = try #require(entry["shape"] as? [Int])
            let offsets = try #require(entry["data_offsets"] as? [Int])
            let expected = try #require(weights[name])
            #expect(entry["dtype"] as? String == "F32")
            #expect(shape == expected.shape, "\(name)")
            #expect(offsets.count == 2)
            let (begin, end) = (offsets[0], offsets[1])
            #expect(end - begin == 4 * expected.count, "\(name): 4 bytes per Float32")
            spans.append((begin, end))
            // The raw little-endian floats at those offsets are the weights.
            let floats = (0..<expected.count).map { i -> Float in
                let at = dataStart + begin + 4 * i
                let bits = (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[at + $1]) << (8 * UInt32($1)) }
                return Float(bitPattern: bits)
            }
            #expect(floats == expected.scalars, "\(name)")
        }
        // The spans tile the data block: from 0, end to start, to its last byte.
        spans.sort { $0.begin < $1.begin }
        #expect(spans.first?.begin == 0)
        #expect(zip(spans, spans.dropFirst()).allSatisfy { $0.end == $1.begin })
        #expect(spans.last?.end == dataLength)
    }

    @Test func savingLeavesNoTemporaryFiles() throws {
        let folder = try TemporaryFolder()
        let model = try Sequential([DenseLayer(units: 3)], inputShape: [2])
        try model.save(to: folder.path("m"))
        try model.save(to: folder.path("m"))  // overwriting goes through a temporary file too
        #expect(folder.contents == ["m.json", "m.safetensors"])
        try model.save(to: folder.path("sub/dir/m"))
        #expect(FileManager.default.fileExists(atPath: folder.path("sub/dir/m.safetensors")))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path("sub/dir")).sorted() == ["m.json", "m.safetensors"])
    }

    @Test func truncatedFileIsRejectedNamingThePath() throws {
        let folder = try TemporaryFolder()
        let model = try Sequential([DenseLayer(units: 8)], inputShape: [4])
        try model.save(to: folder.path("m"))
        let path = folder.path("m.safetensors")
        let whole = try Data(contentsOf: URL(fileURLWithPath: path))
        try whole.prefix(whole.count - 20).write(to: URL(fileURLWithPath: path))
        expectError(containing: [path, "not a valid safetensors file"]) { _ = try Sequential.load(from: path) }
        try whole.prefix(5).write(to: URL(fileURLWithPath: path))
        expectError(containing: [path, "5 bytes"]) { _ = try Sequential.load(from: path) }
        try whole.prefix(100).write(to: URL(fileURLWithPath: path))
        expectError(containing: [path, "header length"]) { _ = try Sequential.load(from: path) }
    }

    @Test func garbageHeaderIsRejectedNamingThePath() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("junk.safetensors")
        let text = Array("this is not json".utf8)
        try Data([UInt8(text.count), 0, 0, 0, 0, 0, 0, 0] + text).write(to: URL(fileURLWithPath: path))
        expectError(containing: [path, "not a JSON object"]) { _ = try Sequential.load(from: path) }
    }

    @Test func missingFileIsRejectedNamingThePath() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("absent.safetensors")
        expectError(containing: [path, "no such file"]) { _ = try Sequential.load(from: path) }
    }

    @Test func weightsOfAnotherArchitectureAreRejectedNamingTheParameter() throws {
        let folder = try TemporaryFolder()
        try Sequential([DenseLayer(units: 8)], inputShape: [2]).save(to: folder.path("eight"))
        let nine = try Sequential([DenseLayer(units: 9)], inputShape: [2])
        let before = nine.weights
        let saved = try Safetensors.read(folder.path("eight.safetensors")).tensors
        // Checked before anything is replaced; the first mismatch is reported.
        expectError(containing: ["dense.weight", "[2, 8]", "[2, 9]"]) { try nine.loadWeights(saved) }
        #expect(sameWeights(nine.weights, before))

        let renamed = try Sequential([DenseLayer(units: 8, name: "hidden")], inputShape: [2])
        expectError(containing: ["missing", "hidden.weight", "unexpected", "dense.weight"]) { try renamed.loadWeights(saved) }
    }

    @Test func damagedArchitectureIsRejectedNamingThePath() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("odd.safetensors")
        try Safetensors.write(["w": Tensor.zeros([2])], metadata: ["fern.architecture": "{\"format\": 3}"], to: path)
        expectError(containing: [path, "not valid JSON for a Fern model"]) { _ = try Sequential.load(from: path) }
        try Safetensors.write(["w": Tensor.zeros([2])], to: path)
        expectError(containing: [path, "no architecture", "odd.json is missing"]) { _ = try Sequential.load(from: path) }
    }
}
