import Foundation
import Testing
@testable import FernTensor

/// The switches of RuntimeSettings take effect, so a test run under forced
/// settings (scripts/test.sh runs the numerical suites once per kernel path)
/// really exercises that path rather than silently running the default one.
@Suite struct KernelPathTests {
    let environment = ProcessInfo.processInfo.environment

    @Test func theForcedInstructionSetIsTheOneInUse() {
        print("kernel path: " + KernelPath.summary.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        if let name = environment["FERN_ISA"], let asked = InstructionSet(name: name) {
            #expect(RuntimeSettings.current.isa == min(asked, InstructionSet.cpuBest))
        } else {
            #expect(RuntimeSettings.current.isa == InstructionSet.cpuBest)
        }
        #expect(WinogradConvolution.enabled == (RuntimeSettings.current.isa >= .avx2 && environment["FERN_WINOGRAD"] != "0"))
    }

    @Test func oneDNNRunsAtTheCapAskedFor() {
        if let cap = environment["ONEDNN_MAX_CPU_ISA"] {
            #expect(DNNL.effectiveISA == cap.lowercased())
        } else if RuntimeSettings.current.isa < InstructionSet.cpuBest {
            #expect(DNNL.effectiveISA == "\(RuntimeSettings.current.isa)", "FERN_ISA caps oneDNN")
        } else {
            #expect(DNNL.effectiveISA.hasPrefix(RuntimeSettings.current.isa == .avx512 ? "avx512" : RuntimeSettings.current.isa == .avx2 ? "avx2" : ""))
        }
    }

    @Test func openBLASRunsTheKernelsNamed() {
        if let core = environment["OPENBLAS_CORETYPE"] {
            #expect(BLASKernel.coreName.lowercased() == core.lowercased())
        }
    }

    @Test func builtInKernelsWhenAskedFor() {
        #expect((Kernels.preferred == .builtIn) == (environment["FERN_KERNELS"] == "builtin"))
    }

    @Test func anUnknownOrTooWideInstructionSetIsNotTaken() {
        #expect(InstructionSet(name: "AVX2") == .avx2)
        #expect(InstructionSet(name: "avx7") == nil)
        #expect(InstructionSet.allCases.sorted() == [.sse41, .avx2, .avx512])
    }
}
