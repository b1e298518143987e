import CBLAS
import Foundation

/// Which of OpenBLAS's kernels runs, and whether it is the best this CPU
/// has. OpenBLAS picks its kernels when it loads, unless OPENBLAS_CORETYPE
/// names one; naming an AVX2 kernel (Haswell, Zen) on an AVX-512 CPU halves
/// the width of every multiply-add, and on a CPU with full-width AVX-512
/// units about halves GEMM speed (Benchmarks/RESULTS.md).
public enum BLASKernel {
    /// OpenBLAS's name for the kernels in use, e.g. "Haswell" or "SkylakeX".
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// OpenBLAS's kernels without AVX-512, by the widest instructions they use.
    static let tierOfCore: [String: String] = [
        "haswell": "AVX2", "zen": "AVX2", "sandybridge": "AVX", "bulldozer": "AVX", "piledriver": "AVX",
        "steamroller": "AVX", "excavator": "AVX", "nehalem": "SSE4", "core2": "SSSE3", "penryn": "SSE4",
        "dunnington": "SSE4", "atom": "SSSE3", "prescott": "SSE3", "barcelona": "SSE3", "opteron": "SSE3",
        "katmai": "SSE", "coppermine": "SSE", "northwood": "SSE2", "banias": "SSE2", "bobcat": "SSSE3"]

    /// The SSE-only kernels: on a CPU with AVX2, OpenBLAS loads one of these only as
    /// the fallback for a CPU it does not know (one newer than the library): Debian
    /// 12's OpenBLAS 0.3.21 loads Prescott (SSE3) on a 2023 Xeon (family 6 model
    /// 207), at 1/6 of the SkylakeX kernels' speed there (Benchmarks/RESULTS.md).
    public static let genericCores = Set(tierOfCore.filter { $0.value.hasPrefix("SSE") }.keys)

    /// The AVX-512 subsets OpenBLAS's SkylakeX kernels use.
    public static let skylakeXFlags = ["avx512f", "avx512bw", "avx512dq", "avx512vl"]

    /// A warning when the kernels in use lack AVX-512 although the CPU has it (and FERN_ISA does not cap it)
    /// (`cpuFlags` is the "flags" line of /proc/cpuinfo), nil otherwise.
    public static func slowKernelWarning(coreName: String = coreName, cpuFlags: String? = cpuFlagsLine(),
                                         forced: String? = RuntimeSettings.current.openBLASCoreType,
                                         isa: InstructionSet = RuntimeSettings.current.isa) -> String? {
        guard isa == .avx512, let cpuFlags, cpuFlags.split(separator: " ").contains("avx512f"),
              let tier = tierOfCore[coreName.lowercased()] else { return nil }
        let cause = forced.map { "OPENBLAS_CORETYPE=\($0) selects" } ?? "OpenBLAS selected"
        return "warning: \(cause) its \(coreName) (\(tier)) kernels on a CPU with AVX-512; matrix products may run at "
            + "\(tier == "AVX2" ? "up to half" : "a fraction of their") speed. Unset OPENBLAS_CORETYPE, or set it to SkylakeX."
    }

    /// The OPENBLAS_CORETYPE to run with instead of the one the environment
    /// sets, or nil to keep it, unless FERN_KEEP_OPENBLAS_CORETYPE is set:
    /// with FERN_ISA=avx2 or sse41 and no OPENBLAS_CORETYPE, that tier's
    /// kernels (Haswell, Penryn), so that every kernel runs as on such a CPU;
    /// without FERN_ISA, SkylakeX when a kernel without AVX-512 is forced on a CPU with
    /// AVX-512 (F, BW, DQ, VL); and when OpenBLAS, told nothing, fell back to
    /// its generic kernels (`loaded`, see `genericCores`), the best the CPU's
    /// flags allow: SkylakeX, or Haswell with AVX2 and FMA. OpenBLAS reads the
    /// variable when it loads, so `fern` starts itself again with the chosen
    /// value (see Fern.main).
    public static func preferredCoreType(settings: RuntimeSettings = .currentWithoutWarnings,
                                         cpuFlags: () -> String? = cpuFlagsLine,
                                         loaded: () -> String = { coreName }) -> String? {
        guard !settings.keepOpenBLASCoreType else { return nil }
        if let isa = settings.requestedISA, isa < .avx512 {
            return settings.openBLASCoreType == nil ? (isa == .avx2 ? "Haswell" : "Penryn") : nil
        }
        func present() -> Set<String> { Set((cpuFlags() ?? "").split(separator: " ").map(String.init)) }
        guard let forced = settings.openBLASCoreType else {
            guard genericCores.contains(loaded().lowercased()) else { return nil }
            let flags = present()
            if skylakeXFlags.allSatisfy(flags.contains) { return "SkylakeX" }
            return flags.contains("avx2") && flags.contains("fma") ? "Haswell" : nil
        }
        guard tierOfCore[forced.lowercased()] != nil else { return nil }
        return skylakeXFlags.allSatisfy(present().contains) ? "SkylakeX" : nil
    }

    /// The first "flags" line of /proc/cpuinfo (Linux), or nil.
    public static func cpuFlagsLine() -> String? {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return nil }
        return text.split(separator: "\n").first { $0.hasPrefix("flags") }.map(String.init)
    }
}
