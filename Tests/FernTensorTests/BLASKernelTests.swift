import FernTensor
import Testing

@Suite struct BLASKernelTests {
    @Test func warnsOnlyWhenAVX2KernelsRunOnAnAVX512CPU() {
        let avx512 = "flags\t: fpu sse2 avx2 fma avx512f avx512bw"
        let avx2 = "flags\t: fpu sse2 avx2 fma"
        let forced = BLASKernel.slowKernelWarning(coreName: "Haswell", cpuFlags: avx512, forced: "Haswell")
        #expect(forced?.contains("OPENBLAS_CORETYPE=Haswell selects its Haswell (AVX2) kernels") == true)
        #expect(BLASKernel.slowKernelWarning(coreName: "Zen", cpuFlags: avx512, forced: nil)?.contains("OpenBLAS selected") == true)
        #expect(BLASKernel.slowKernelWarning(coreName: "SkylakeX", cpuFlags: avx512, forced: nil) == nil)
        #expect(BLASKernel.slowKernelWarning(coreName: "Haswell", cpuFlags: avx2, forced: "Haswell") == nil)
        #expect(BLASKernel.slowKernelWarning(coreName: "Haswell", cpuFlags: nil, forced: nil) == nil)
    }

    @Test func coreNameComesFromTheLoadedLibrary() {
        #expect(!BLASKernel.coreName.isEmpty && BLASKernel.coreName != "unknown")
    }
}
