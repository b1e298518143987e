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

    /// Kernels without AVX-512.
    static let avx2Cores: Set<String> = ["haswell", "zen", "sandybridge", "nehalem", "core2", "prescott", "barcelona",
                                         "bulldozer", "piledriver", "steamroller", "excavator"]

    /// A warning when the kernels in use lack AVX-512 although the CPU has it (and FERN_ISA does not cap it)
    /// (`cpuFlags` is the "flags" line of /proc/cpuinfo), nil otherwise.
    public static func slowKernelWarning(coreName: String = coreName, cpuFlags: String? = cpuFlagsLine(),
                                         forced: String? = RuntimeSettings.current.openBLASCoreType,
                                         isa: InstructionSet = RuntimeSettings.current.isa) -> String? {
        guard isa == .avx512, let cpuFlags, cpuFlags.split(separator: " ").contains("avx512f"),
              avx2Cores.contains(coreName.lowercased()) else { return nil }
        let cause = forced.map { "OPENBLAS_CORETYPE=\($0) selects" } ?? "OpenBLAS selected"
        return "warning: \(cause) its \(coreName) (AVX2) kernels on a CPU with AVX-512; matrix products may run at up to half speed. "
            + "Unset OPENBLAS_CORETYPE, or set it to SkylakeX."
    }

    /// The OPENBLAS_CORETYPE to run with instead of the one the environment
    /// sets, or nil to keep it, unless FERN_KEEP_OPENBLAS_CORETYPE is set:
    /// with FERN_ISA=avx2 or sse41 and no OPENBLAS_CORETYPE, that tier's
    /// kernels (Haswell, Penryn), so that every kernel runs as on such a CPU;
    /// without FERN_ISA, SkylakeX when an AVX2 kernel is forced on a CPU with
    /// AVX-512 (F, BW, DQ, VL). OpenBLAS reads the variable when it loads, so
    /// `fern` starts itself again with the chosen value (see Fern.main).
    public static func preferredCoreType(settings: RuntimeSettings = .currentWithoutWarnings,
                                         cpuFlags: () -> String? = cpuFlagsLine) -> String? {
        guard !settings.keepOpenBLASCoreType else { return nil }
        if let isa = settings.requestedISA, isa < .avx512 {
            return settings.openBLASCoreType == nil ? (isa == .avx2 ? "Haswell" : "Penryn") : nil
        }
        guard let forced = settings.openBLASCoreType, avx2Cores.contains(forced.lowercased()),
              let flags = cpuFlags() else { return nil }
        let present = Set(flags.split(separator: " ").map(String.init))
        return ["avx512f", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(present.contains) ? "SkylakeX" : nil
    }

    /// The first "flags" line of /proc/cpuinfo (Linux), or nil.
    public static func cpuFlagsLine() -> String? {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return nil }
        return text.split(separator: "\n").first { $0.hasPrefix("flags") }.map(String.init)
    }
}
