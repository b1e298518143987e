import FernTensor
import FernTestSupport
import Foundation
import Testing
@testable import FernLang

/// save_npy/load_npy and export_onnx/load_onnx in the language: what goes out comes back, and
/// a file that is not what it should be is a clear error.
@Suite struct InteropBuiltinTests {
    @Test func npyFilesComeBackExactly() throws {
        let folder = try TemporaryFolder()
        let session = try Session()
        try session.run("t = randn([3, 4, 5], seed=2)\nsave_npy(t, \"\(folder.path("t.npy"))\")")
        #expect(try session.tensor("load_npy(\"\(folder.path("t.npy"))\")").scalars == session.tensor("t").scalars)
        #expect(try session.run("shape(load_npy(\"\(folder.path("t.npy"))\"))") == "[3, 4, 5]")
        try Data("not numpy".utf8).write(to: folder.url.appendingPathComponent("bad.npy"))
        #expect(session.error("load_npy(\"\(folder.path("bad.npy"))\")").contains("load_npy: \(folder.path("bad.npy")): not a .npy file (no NUMPY magic)"))
        #expect(session.error("load_npy(\"\(folder.path("none.npy"))\")").contains("load_npy:"))
    }

    @Test func onnxFilesComeBackPredictingTheSame() throws {
        let folder = try TemporaryFolder()
        let session = try Session()
        try session.run("""
            m = sequential([conv2d(4, 3, padding="same", activation="relu"), maxpool(), batchnorm(), flatten(), dropout(0.2),
                            dense(7, activation="softmax")], seed=3)
            x = rand([5, 48, 48, 1], seed=1)
            export_onnx(m, "\(folder.path("m.onnx"))")
            back = load_onnx("\(folder.path("m.onnx"))")
            """)
        #expect(try session.tensor("back(x)").scalars == session.tensor("m(x)").scalars)
        // Dropout is left out; the dense layer's softmax comes back as a layer of its own.
        #expect(try session.run("back.layers") == "[\"conv2d\", \"max_pool\", \"batch_norm\", \"flatten\", \"dense\", \"dense_softmax\"]")
        try Data([0x08, 0x07, 0x12]).write(to: folder.url.appendingPathComponent("cut.onnx"))
        #expect(session.error("load_onnx(\"\(folder.path("cut.onnx"))\")").contains("is not an ONNX model (truncated or corrupt"))
    }
}
