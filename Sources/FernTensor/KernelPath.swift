import CWinograd

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

/// Which kernels run Fern's hot ops, chosen once per process from the CPU
/// and `RuntimeSettings`.
public enum KernelPath {
    /// What runs, as `fern bench` reports it: each key with its value.
    public static var summary: [(key: String, value: String)] {
        let settings = RuntimeSettings.current
        let fast = Kernels.preferred == .fast, bf16 = fast && ConvolutionPrecision.inEffect == .bf16
        let winograd = bf16 ? "onednn-bf16" : fast && WinogradConvolution.enabled
            ? "winograd-\(settings.isa)" : fast ? "onednn-direct" : "builtin-im2col"
        return [
            ("cpu_isa", "\(InstructionSet.cpuBest)"),
            ("isa", "\(settings.isa)"),
            ("conv_5x5_3x3", winograd),
            ("conv_other", bf16 ? "onednn-bf16" : fast ? "onednn-direct" : "builtin-im2col"),
            ("onednn_isa", fast ? DNNL.effectiveISA : "unused"),
            ("conv_precision", bf16 ? "bf16" : "f32"),
            ("openblas_core", BLASKernel.coreName),
        ]
    }
}
