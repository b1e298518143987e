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
        let generic = BLASKernel.slowKernelWarning(coreName: "Prescott", cpuFlags: avx512, forced: nil, isa: .avx512)
        #expect(generic?.contains("OpenBLAS selected its Prescott (SSE3) kernels") == true, "not called AVX2")
        #expect(generic?.contains("a fraction of their speed") == true)
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
        #expect(preferredCoreType([:], cpuFlags: avx512, loaded: "SkylakeX") == nil, "OpenBLAS's own choice is kept")
        #expect(preferredCoreType([:], cpuFlags: avx512, loaded: "Zen") == nil, "OpenBLAS's own choice is kept")
        #expect(preferredCoreType(["OPENBLAS_CORETYPE": "Haswell", "FERN_KEEP_OPENBLAS_CORETYPE": "1"],
                                  cpuFlags: avx512) == nil)
        // AVX-512 foundation alone (Knights Landing) lacks what SkylakeX kernels use.
        #expect(preferredCoreType(["OPENBLAS_CORETYPE": "Haswell"],
                                  cpuFlags: { "flags : avx2 avx512f avx512cd" }) == nil)
    }

    @Test func aCPUNewerThanOpenBLASGetsTheBestKernelsItsFlagsAllow() {
        // Debian 12's OpenBLAS loads Prescott on a family 6 model 207 Xeon; an unknown AMD CPU gets Barcelona or Opteron.
        let avx512 = { "flags : fpu sse avx2 fma avx512f avx512dq avx512bw avx512vl" as String? }
        #expect(preferredCoreType([:], cpuFlags: avx512, loaded: "Prescott") == "SkylakeX")
        #expect(preferredCoreType([:], cpuFlags: { "flags : fpu sse avx avx2 fma" }, loaded: "Barcelona") == "Haswell")
        #expect(preferredCoreType([:], cpuFlags: { "flags : fpu sse avx2 fma avx512f" }, loaded: "opteron") == "Haswell",
                "AVX-512 foundation alone is not enough for SkylakeX")
        #expect(preferredCoreType([:], cpuFlags: { "flags : fpu sse sse3 ssse3" }, loaded: "Prescott") == nil,
                "a CPU without AVX2 keeps what OpenBLAS chose")
        #expect(preferredCoreType([:], cpuFlags: { nil }, loaded: "Prescott") == nil, "no flags, no guess")
        #expect(preferredCoreType(["FERN_KEEP_OPENBLAS_CORETYPE": "1"], cpuFlags: avx512, loaded: "Prescott") == nil)
        #expect(preferredCoreType(["OPENBLAS_CORETYPE": "Prescott"], cpuFlags: avx512, loaded: "Prescott") == "SkylakeX",
                "a forced kernel without AVX-512 on an AVX-512 CPU, as before")
        #expect(preferredCoreType(["FERN_ISA": "sse41"], cpuFlags: avx512, loaded: "Prescott") == "Penryn",
                "FERN_ISA's tier comes first")
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
    /// `loaded` is the kernels OpenBLAS chose by itself.
    func preferredCoreType(_ environment: [String: String], cpuFlags: () -> String?,
                           loaded: String = "SkylakeX") -> String? {
        BLASKernel.preferredCoreType(settings: RuntimeSettings(environment: environment, cpuBest: .avx512),
                                     cpuFlags: cpuFlags, loaded: { loaded })
    }
}
