import FernNN
import FernTensor
import Foundation
import Testing
@testable import FernONNX

/// Files Fern cannot read are clear errors naming the node and operator, never a crash.
@Suite struct ONNXBadInputTests {
    static func exported(_ reference: ReferenceModel = .seedCNN) throws -> Onnx_ModelProto {
        try ONNXExport.model(try reference.make(classes: 7, seed: 2))
    }

    static func error(_ body: () throws -> Sequential) -> String {
        do {
            _ = try body()
            return "no error"
        } catch let error as ONNXError {
            return error.message
        } catch {
            return "not an ONNXError: \(error)"
        }
    }

    static func read(_ proto: Onnx_ModelProto) -> String {
        error { try ONNXImport.model(proto, source: "m.onnx") }
    }

    @Test func anOperatorFernLacksIsNamedWithItsNode() throws {
        var proto = try Self.exported()
        let relu = try #require(proto.graph.node.firstIndex { $0.opType == "Relu" })
        proto.graph.node[relu].opType = "Gelu"
        let name = proto.graph.node[relu].name
        #expect(Self.read(proto) == "m.onnx: node '\(name)' (Gelu): Fern has no layer for the ONNX operator Gelu")
    }

    @Test func paddingFernCannotExpressIsAnError() throws {
        var proto = try Self.exported()
        let conv = try #require(proto.graph.node.firstIndex { $0.opType == "Conv" })
        proto.graph.node[conv].attribute = proto.graph.node[conv].attribute.filter { $0.name != "pads" } + [.ints("pads", [1, 1, 1, 1])]
        #expect(Self.read(proto) == "m.onnx: node 'conv2d' (Conv): pads [1, 1, 1, 1] on a 48x48 input are neither none nor Fern's \"same\" ([2, 2, 2, 2])")
    }

    @Test func otherUnreadableGraphsSayWhy() throws {
        var grouped = try Self.exported()
        let conv = try #require(grouped.graph.node.firstIndex { $0.opType == "Conv" })
        grouped.graph.node[conv].attribute = grouped.graph.node[conv].attribute.filter { $0.name != "group" } + [.int("group", 2)]
        #expect(Self.read(grouped).contains("node 'conv2d' (Conv): grouped convolutions are not supported"))

        var missing = try Self.exported()
        missing.graph.initializer.removeAll { $0.name == "conv2d.weight" }
        #expect(Self.read(missing).contains("node 'conv2d' (Conv): its weights must be a constant (an initializer)"))

        var wrongSize = try Self.exported()
        let index = try #require(wrongSize.graph.initializer.firstIndex { $0.name == "conv2d.bias" })
        wrongSize.graph.initializer[index].rawData.removeLast(4)
        #expect(Self.read(wrongSize).contains("the bias of node 'conv2d': 252 bytes of data for shape [64] (256 expected)"))

        var flatKernel = try Self.exported()
        let kernel = try #require(flatKernel.graph.initializer.firstIndex { $0.name == "conv2d.weight" })
        flatKernel.graph.initializer[kernel].dims = [64, 1, 25]
        #expect(Self.read(flatKernel).contains("node 'conv2d' (Conv): the weights are [64, 1, 25], not [out, in, kh, kw]"))

        var twoInputs = try Self.exported()
        twoInputs.graph.input.append(ONNXExport.valueInfo("mask", shape: [nil, 7]))
        #expect(Self.read(twoInputs).contains("Fern models take one input, this graph has 2 (input, mask)"))

        var doubles = try Self.exported()
        doubles.graph.initializer[0].dataType = 11
        #expect(Self.read(doubles).contains("Fern reads float (1) tensors only"))

        var otherDomain = try Self.exported()
        var opset = Onnx_OperatorSetIdProto()
        opset.domain = "com.microsoft"
        opset.version = 1
        otherDomain.opsetImport.append(opset)
        #expect(Self.read(otherDomain).contains("'com.microsoft' are not standard ONNX"))

        var external = try Self.exported()
        let stored = try #require(external.graph.initializer.firstIndex { $0.name == "conv2d.weight" })
        external.graph.initializer[stored].dataLocation = .external
        var location = Onnx_StringStringEntryProto()
        (location.key, location.value) = ("location", "../weights.data")
        external.graph.initializer[stored].externalData = [location]
        #expect(Self.error { try ONNXImport.model(external, source: "m.onnx", folder: URL(fileURLWithPath: "/tmp")) }
            .contains("the weights of node 'conv2d': the external data's location '../weights.data' is not a file beside the model"))
        external.graph.initializer[stored].externalData[0].value = "missing.data"
        #expect(Self.error { try ONNXImport.model(external, source: "m.onnx", folder: URL(fileURLWithPath: "/nonexistent")) }
            .contains("the weights of node 'conv2d': cannot read its external data '/nonexistent/missing.data'"))

        #expect(Self.error { try ONNXImport.model(data: Data(), source: "empty.onnx") }.contains("empty.onnx: Fern models take one input, this graph has 0"))
        #expect(Self.error { try ONNXImport.model(contentsOf: "/nonexistent/m.onnx") }.hasPrefix("cannot read '/nonexistent/m.onnx'"))
    }

    /// Truncations of a real file and a few hundred corrupted copies: each is read or refused
    /// with an ONNXError; nothing crashes or throws anything else. (A flipped byte inside the
    /// weights still reads, as different weights.)
    @Test func truncatedAndCorruptFilesAreErrorsNotCrashes() throws {
        let model = try ReferenceModel.resnet.make(classes: 7, seed: 2)
        let data = try ONNXExport.data(model)
        func message(_ bytes: Data) -> String {
            let message = Self.error { try ONNXImport.model(data: bytes, source: "bad.onnx") }
            #expect(!message.hasPrefix("not an ONNXError"), "\(message)")
            return message
        }
        let lengths = Array(stride(from: 0, to: data.count, by: max(1, data.count / 400)))
        let refused = lengths.filter { message(data.prefix($0)) != "no error" }.count
        // Only a cut exactly after the graph (before the opset list) can leave a whole model.
        #expect(refused >= lengths.count - 1, "\(refused) of \(lengths.count) truncations refused")
        var generator = SeededGenerator(seed: 17)
        for _ in 0..<300 {
            var bytes = data
            for _ in 0..<4 {
                let position = Int(generator.next() % UInt64(bytes.count))
                bytes[position] = UInt8(truncatingIfNeeded: generator.next())
            }
            _ = message(bytes)
        }
    }
}
