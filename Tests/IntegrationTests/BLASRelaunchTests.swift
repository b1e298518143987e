import FernTensor
import Foundation
import Testing

/// `fern` starts itself again with the OpenBLAS kernels the CPU can run when the
/// environment forces slower ones (the same start-up path serves a CPU newer than
/// OpenBLAS, whose generic kernels `BLASKernelTests` covers with the choice injected).
@Suite struct BLASRelaunchTests {
    /// The `openblas_core` that `fern bench`'s kernel-path line reports under `environment`.
    private func loadedCore(_ environment: [String: String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: RunCommandTests.FernRun.executable)
        process.arguments = ["bench", "--filter", "no benchmark has this name"]
        var inherited = ProcessInfo.processInfo.environment
        for name in ["OPENBLAS_CORETYPE", "FERN_KEEP_OPENBLAS_CORETYPE", "FERN_ISA"] { inherited[name] = nil }
        process.environment = inherited.merging(environment) { $1 }
        let output = Pipe()
        (process.standardOutput, process.standardError) = (output, FileHandle.nullDevice)
        try process.run()
        let printed = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let line = try #require(String(decoding: printed, as: UTF8.self).split(separator: "\n").first)
        let fields = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        return try #require(fields["openblas_core"])
    }

    @Test func aForcedGenericKernelIsReplacedOnACPUThatCanRunBetter() throws {
        let flags = Set((BLASKernel.cpuFlagsLine() ?? "").split(separator: " ").map(String.init))
        let skylakeX = BLASKernel.skylakeXFlags.allSatisfy(flags.contains)
        #expect(try loadedCore(["OPENBLAS_CORETYPE": "Penryn"]).lowercased() == (skylakeX ? "skylakex" : "penryn"))
        #expect(try loadedCore(["OPENBLAS_CORETYPE": "Penryn", "FERN_KEEP_OPENBLAS_CORETYPE": "1"]).lowercased() == "penryn",
                "kept when asked")
        #expect(try loadedCore(["FERN_ISA": "sse41"]).lowercased() == "penryn", "FERN_ISA=sse41 asks for that tier's kernels")
        let ownChoice = try loadedCore([:]).lowercased()
        #expect(!BLASKernel.genericCores.contains(ownChoice) || !flags.contains("avx2"),
                "\(ownChoice): OpenBLAS's generic kernels on a CPU with AVX2")
    }
}
