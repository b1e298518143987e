import FernNN
import FernTestSupport
import Foundation
import Testing
@testable import FernLang

@Suite struct ValueCodingTests {
    /// Stores the values, codes them as JSON as a cache entry does, and reads them back.
    private func roundTrip(_ values: [Value], in folder: URL) throws -> [Value] {
        var archiver = ValueArchiver(folder: folder)
        let stored = try values.map { try archiver.store($0) }
        try archiver.finish()
        let decoded = try JSONDecoder().decode([StoredValue].self, from: try JSONEncoder().encode(stored))
        var unarchiver = try ValueUnarchiver(folder: folder)
        return try decoded.map { try unarchiver.value($0) }
    }

    private func fingerprint(_ value: Value, globals: [String: Value] = [:]) -> String {
        var fingerprinter = ValueFingerprinter(globals: globals)
        return fingerprinter.fingerprint(value)
    }

    @Test func everyStorableKindComesBackWithTheSameFingerprint() throws {
        let session = try Session()
        try session.run("m = sequential([flatten(), dense(2)], input_shape=[2, 2, 1], seed=1)")
        let model = try session.value("m")
        var history = History()
        history.loss = [0.5, 0.25]
        history.accuracy = [0.75, 0.875]
        let values: [Value] = [
            .number(1.5), .string("text"), .bool(true), .none, .list([.number(1), .list([.string("x")])]),
            .range(start: 2, end: 8, step: 2), try session.value("randn([2, 3], seed=1)"), .builtin(Builtins.named["relu"]!),
            try session.value("synthetic_faces(3, seed=1)"), .history(history), model, model,
        ]
        let restored = try roundTrip(values, in: session.folder)
        #expect(restored.map { fingerprint($0) } == values.map { fingerprint($0) })
        // A model held twice comes back as one model.
        guard case .model(let first) = restored[10], case .model(let second) = restored[11] else {
            throw TestFailure("the models did not come back as models")
        }
        #expect(first === second)
    }

    @Test func functionsFiguresAndLayersCannotBeStored() throws {
        let session = try Session()
        let function = try session.value("x -> x + 1")
        #expect(StoredValue.canStore(.list([.number(1), .string("a")])))
        #expect(!StoredValue.canStore(.list([.number(1), function])))
        #expect(StoredValue.unstorableType(.list([.number(1), function])) == "list with a function")
        #expect(StoredValue.unstorableType(try session.value("dense(2)")) == "layer")
        var archiver = ValueArchiver(folder: session.folder)
        #expect(throws: (any Error).self) { try archiver.store(function) }
    }

    @Test func equalValuesHaveEqualFingerprintsHoweverComputed() throws {
        let session = try Session()
        #expect(fingerprint(try session.value("ones([2, 2]) * 2")) == fingerprint(try session.value("full([2, 2], 2)")))
        #expect(fingerprint(try session.value("ones([2, 2])")) != fingerprint(try session.value("ones([4])")))
        #expect(fingerprint(.number(1)) != fingerprint(.string("1")))
    }

    @Test func aHistoryOrLayerHasTheSameFingerprintEveryTime() throws {
        var history = History()
        history.loss = [0.5]
        history.validationAccuracy = [0.25]
        let layer = try Session().value("conv2d(4, 3, padding=\"same\")")
        #expect(Set((0..<20).map { _ in fingerprint(.history(history)) }).count == 1)
        #expect(Set((0..<20).map { _ in fingerprint(layer) }).count == 1)
    }

    @Test func aFunctionsFingerprintFollowsTheGlobalsItReads() throws {
        let session = try Session()
        try session.run("k = 2\ndef f(x) { return x * k }")
        let f = try session.value("f")
        let before = fingerprint(f, globals: session.interpreter.globals)
        try session.run("k = 3")
        #expect(fingerprint(f, globals: session.interpreter.globals) != before)
        try session.run("unrelated = 1")
        try session.run("k = 2")
        #expect(fingerprint(f, globals: session.interpreter.globals) == before)
    }
}
