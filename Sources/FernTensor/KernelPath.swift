import CBLAS
import CDNNL
import CWinograd
import Foundation

/// Instruction-set tiers of x86-64 CPUs that Fern's kernels tell apart,
/// narrowest first: before AVX2 (oneDNN's SSE4.1 kernels, no Winograd), AVX2
/// with FMA (Intel since Haswell, AMD since Zen), AVX-512 (Intel server
/// parts and some desktops, AMD since Zen 4).
public enum InstructionSet: Int, Comparable, CaseIterable, Sendable, CustomStringConvertible {
    case sse41, avx2, avx512

    public var description: String { ["sse41", "avx2", "avx512"][rawValue] }

    public static func < (a: InstructionSet, b: InstructionSet) -> Bool { a.rawValue < b.rawValue }

    /// The widest tier this CPU runs.
    public static let cpuBest: InstructionSet =
        fern_winograd_kernels_for(Int32(FERN_WINOGRAD_AVX512)) != nil ? .avx512
        : fern_winograd_kernels_for(Int32(FERN_WINOGRAD_AVX2)) != nil ? .avx2 : .sse41

    public init?(name: String) {
        guard let found = Self.allCases.first(where: { $0.description == name.lowercased() }) else { return nil }
        self = found
    }
}

/// Which kernels run Fern's hot ops, chosen once per process from the CPU and
/// these environment switches (read here and nowhere else):
///
/// - `FERN_ISA=avx512|avx2|sse41` runs Fern as on a CPU with no wider
///   instructions: Winograd's AVX-512 or AVX2 kernels or none, and oneDNN
///   capped at the same tier (unless `ONEDNN_MAX_CPU_ISA` sets oneDNN's own
///   cap); `fern` starts itself with OpenBLAS's kernels for that tier unless
///   `OPENBLAS_CORETYPE` names some. Default: the CPU's widest. A tier above
///   the CPU's is lowered to the CPU's, with a warning.
/// - `FERN_WINOGRAD=0` turns Winograd convolution off (oneDNN's direct kernels run).
/// - `FERN_KERNELS=builtin` runs Fern's own loops for convolution, pooling and batch norm.
public enum KernelPath {
    /// The tier Fern's kernels use: FERN_ISA, at most the CPU's.
    public static let isa: InstructionSet = {
        guard let name = environment["FERN_ISA"], !name.isEmpty else { return InstructionSet.cpuBest }
        guard let asked = InstructionSet(name: name) else {
            warn("FERN_ISA=\(name) is not avx512, avx2 or sse41; using \(InstructionSet.cpuBest)")
            return InstructionSet.cpuBest
        }
        if asked > InstructionSet.cpuBest {
            warn("FERN_ISA=\(name) asks for more than this CPU has; using \(InstructionSet.cpuBest)")
            return InstructionSet.cpuBest
        }
        return asked
    }()

    /// False with FERN_WINOGRAD=0.
    static let winogradAllowed = environment["FERN_WINOGRAD"] != "0"

    /// Fern's own loops with FERN_KERNELS=builtin.
    static let builtInKernels = environment["FERN_KERNELS"] == "builtin"

    /// The oneDNN cap that FERN_ISA asks for, or nil to leave oneDNN to choose
    /// (no FERN_ISA below the CPU's tier, or the user capped oneDNN directly).
    static var oneDNNCap: dnnl_cpu_isa_t? {
        guard isa < InstructionSet.cpuBest, environment["ONEDNN_MAX_CPU_ISA"] == nil,
              environment["DNNL_MAX_CPU_ISA"] == nil else { return nil }
        return isa == .avx2 ? dnnl_cpu_isa_avx2 : dnnl_cpu_isa_sse41
    }

    /// What runs, as `fern bench` reports it: each key with its value.
    public static var summary: [(key: String, value: String)] {
        let winograd = Kernels.preferred == .fast && WinogradConvolution.enabled
            ? "winograd-\(isa)" : Kernels.preferred == .fast ? "onednn-direct" : "builtin-im2col"
        return [
            ("cpu_isa", "\(InstructionSet.cpuBest)"),
            ("isa", "\(isa)"),
            ("conv_5x5_3x3", winograd),
            ("conv_other", Kernels.preferred == .fast ? "onednn-direct" : "builtin-im2col"),
            ("onednn_isa", Kernels.preferred == .fast ? DNNL.effectiveISA : "unused"),
            ("openblas_core", BLASKernel.coreName),
        ]
    }

    private static let environment = ProcessInfo.processInfo.environment

    private static func warn(_ message: String) {
        FileHandle.standardError.write(Data("warning: \(message)\n".utf8))
    }
}
