import Foundation
import Testing
import FernTensor

/// RuntimeSettings reads each switch, takes the default for an unset or
/// empty one, and warns once for a value it does not know.
@Suite struct RuntimeSettingsTests {
    @Test func nothingSetMeansTheCPUsWidestTierAndTheFastKernels() {
        let settings = RuntimeSettings(environment: [:], cpuBest: .avx512)
        #expect(settings.requestedISA == nil && settings.isa == .avx512)
        #expect(settings.winogradAllowed && settings.kernels == .fast && settings.threads == .openMP)
        #expect(settings.oneDNNCap == nil && settings.openBLASCoreType == nil && !settings.keepOpenBLASCoreType)
        #expect(settings.convolutionPrecision == .f32)
        #expect(settings.warnings.isEmpty)
        let empty = ["FERN_ISA": "", "FERN_WINOGRAD": "", "FERN_KERNELS": "", "FERN_THREADS": "", "FERN_PRECISION": ""]
        #expect(RuntimeSettings(environment: empty, cpuBest: .avx512) == settings, "an empty value is no value")
    }

    @Test func eachSwitchIsRead() {
        let settings = RuntimeSettings(environment: ["FERN_ISA": "AVX2", "FERN_WINOGRAD": "0", "FERN_KERNELS": "builtin",
                                                     "FERN_THREADS": "dispatch", "OPENBLAS_CORETYPE": "Haswell",
                                                     "FERN_KEEP_OPENBLAS_CORETYPE": "1", "FERN_PRECISION": "bf16"], cpuBest: .avx512)
        #expect(settings.requestedISA == .avx2 && settings.isa == .avx2)
        #expect(settings.convolutionPrecision == .bf16)
        #expect(!settings.winogradAllowed && settings.kernels == .builtIn && settings.threads == .dispatch)
        #expect(settings.openBLASCoreType == "Haswell" && settings.keepOpenBLASCoreType)
        #expect(settings.warnings.isEmpty)
        let defaults = RuntimeSettings(environment: ["FERN_WINOGRAD": "1", "FERN_KERNELS": "fast", "FERN_THREADS": "openmp",
                                                     "FERN_PRECISION": "f32"], cpuBest: .avx2)
        #expect(defaults == RuntimeSettings(environment: [:], cpuBest: .avx2), "the defaults can be named")
    }

    @Test func aLowerTierCapsOneDNNUnlessItsOwnCapIsSet() {
        #expect(RuntimeSettings(environment: ["FERN_ISA": "sse41"], cpuBest: .avx512).oneDNNCap == .sse41)
        #expect(RuntimeSettings(environment: ["FERN_ISA": "avx2"], cpuBest: .avx2).oneDNNCap == nil, "the CPU's own tier")
        #expect(RuntimeSettings(environment: ["FERN_ISA": "avx2", "ONEDNN_MAX_CPU_ISA": "SSE41"], cpuBest: .avx512).oneDNNCap == nil)
        #expect(RuntimeSettings(environment: ["FERN_ISA": "avx2", "DNNL_MAX_CPU_ISA": "SSE41"], cpuBest: .avx512).oneDNNCap == nil)
    }

    @Test func aTierAboveTheCPUsIsLoweredWithAWarning() {
        let settings = RuntimeSettings(environment: ["FERN_ISA": "avx512"], cpuBest: .avx2)
        #expect(settings.requestedISA == .avx512 && settings.isa == .avx2)
        #expect(settings.warnings == ["FERN_ISA=avx512 asks for more than this CPU has; using avx2"])
    }

    @Test func anUnknownValueWarnsAndKeepsTheDefault() {
        let settings = RuntimeSettings(environment: ["FERN_ISA": "avx7", "FERN_WINOGRAD": "off", "FERN_KERNELS": "onednn",
                                                     "FERN_THREADS": "gcd", "FERN_PRECISION": "fp16"], cpuBest: .avx512)
        let defaults = RuntimeSettings(environment: [:], cpuBest: .avx512)
        #expect(settings.requestedISA == nil && settings.isa == defaults.isa)
        #expect(settings.winogradAllowed && settings.kernels == defaults.kernels && settings.threads == defaults.threads)
        #expect(settings.warnings == [
            "FERN_ISA=avx7 is not avx512, avx2 or sse41; using avx512",
            "FERN_WINOGRAD=off is not 1 or 0; using 1",
            "FERN_KERNELS=onednn is not fast or builtin; using fast",
            "FERN_THREADS=gcd is not openmp or dispatch; using openmp",
            "FERN_PRECISION=fp16 is not f32 or bf16; using f32",
        ])
        #expect(settings.convolutionPrecision == .f32)
    }

    @Test func theProcessSettingsComeFromItsEnvironment() {
        #expect(RuntimeSettings.current == RuntimeSettings(environment: ProcessInfo.processInfo.environment))
    }
}
