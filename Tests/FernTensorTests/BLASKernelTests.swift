import FernTensor
import Testing

@Suite struct BLASKernelTests {
    @Test func warnsOnlyWhenAVX2KernelsRunOnAnAVX512CPU() {
        let avx512 = "flags\t: fpu sse2 avx2 fma avx512f avx512bw"
        let avx2 = "flags\t: fpu sse2 avx2 fma"
        let forced = BLASKernel.slowKernelWarning(coreName: "Haswell", cpuFlags: avx512, forced: "Haswell", isa: .avx512)
        #expect(forced?.contains("OPENBLAS_CORETYPE=Haswell selects its Haswell (AVX2) kernels") == true)
        #expect(BLASKernel.slowKernelWarning(coreName: "Zen", cpuFlags: avx512, forced: nil, isa: .avx512)?
            .contains("OpenBLAS selected") == true)
        #expect(BLASKernel.slowKernelWarning(coreName: "Haswell", cpuFlags: avx512, forced: "Haswell", isa: .avx2) == nil,
                "FERN_ISA=avx2 asked for AVX2 kernels")
        #expect(BLASKernel.slowKernelWarning(coreName: "SkylakeX", cpuFlags: avx512, forced: nil) == nil)
        #expect(BLASKernel.slowKernelWarning(coreName: "Haswell", cpuFlags: avx2, forced: "Haswell") == nil)
        #expect(BLASKernel.slowKernelWarning(coreName: "Haswell", cpuFlags: nil, forced: nil) == nil)
    }

    @Test func coreNameComesFromTheLoadedLibrary() {
        #expect(!BLASKernel.coreName.isEmpty && BLASKernel.coreName != "unknown")
    }

    @Test func prefersSkylakeXOnlyWhenAnAVX2KernelIsForcedOnAFullAVX512CPU() {
        let avx512 = { "flags : fpu sse avx2 fma avx512f avx512dq avx512bw avx512vl" as String? }
        let avx2Only = { "flags : fpu sse avx2 fma" as String? }
        #expect(preferredCoreType(["OPENBLAS_CORETYPE": "Haswell"], cpuFlags: avx512) == "SkylakeX")
        #expect(preferredCoreType(["OPENBLAS_CORETYPE": "zen"], cpuFlags: avx512) == "SkylakeX")
        #expect(preferredCoreType(["OPENBLAS_CORETYPE": "Haswell"], cpuFlags: avx2Only) == nil)
        #expect(preferredCoreType(["OPENBLAS_CORETYPE": "SkylakeX"], cpuFlags: avx512) == nil)
        #expect(preferredCoreType([:], cpuFlags: avx512) == nil, "OpenBLAS's own choice is kept")
        #expect(preferredCoreType(["OPENBLAS_CORETYPE": "Haswell", "FERN_KEEP_OPENBLAS_CORETYPE": "1"],
                                  cpuFlags: avx512) == nil)
        // AVX-512 foundation alone (Knights Landing) lacks what SkylakeX kernels use.
        #expect(preferredCoreType(["OPENBLAS_CORETYPE": "Haswell"],
                                  cpuFlags: { "flags : avx2 avx512f avx512cd" }) == nil)
    }

    @Test func aCappedInstructionSetChoosesThatTiersKernelsUnlessSomeAreNamed() {
        let avx512 = { "flags : fpu sse avx2 fma avx512f avx512dq avx512bw avx512vl" as String? }
        #expect(preferredCoreType(["FERN_ISA": "avx2"], cpuFlags: avx512) == "Haswell")
        #expect(preferredCoreType(["FERN_ISA": "sse41"], cpuFlags: avx512) == "Penryn")
        #expect(preferredCoreType(["FERN_ISA": "avx2", "OPENBLAS_CORETYPE": "Haswell"],
                                  cpuFlags: avx512) == nil, "an AVX2 kernel is what FERN_ISA=avx2 asks for")
        #expect(preferredCoreType(["FERN_ISA": "avx2", "OPENBLAS_CORETYPE": "Zen"],
                                  cpuFlags: avx512) == nil, "the named kernels are kept")
        #expect(preferredCoreType(["FERN_ISA": "avx512"], cpuFlags: avx512) == nil)
        #expect(preferredCoreType(["FERN_ISA": "avx2", "FERN_KEEP_OPENBLAS_CORETYPE": "1"],
                                  cpuFlags: avx512) == nil, "never twice")
    }

    /// The core type `fern` would start itself with under `environment` on an AVX-512 machine with `cpuFlags`.
    func preferredCoreType(_ environment: [String: String], cpuFlags: () -> String?) -> String? {
        BLASKernel.preferredCoreType(settings: RuntimeSettings(environment: environment, cpuBest: .avx512), cpuFlags: cpuFlags)
    }
}
