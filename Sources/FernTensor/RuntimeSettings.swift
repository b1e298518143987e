import Foundation

/// The process-wide switches of Fern's runtime (FERN_ISA, FERN_WINOGRAD,
/// FERN_KERNELS, FERN_THREADS, FERN_PRECISION, FERN_KEEP_OPENBLAS_CORETYPE, and the
/// OPENBLAS_CORETYPE and ONEDNN_MAX_CPU_ISA / DNNL_MAX_CPU_ISA they depend
/// on), read from the environment once, here and nowhere else in FernTensor,
/// and checked: an unknown value gives a warning and the default. What each
/// does for users is in README.md's table of environment variables.
public struct RuntimeSettings: Sendable, Equatable {
    /// Where Fern's parallel loops run.
    public enum ThreadPool: Sendable {
        /// OpenMP's pool, shared with oneDNN (see `OpenMP`); Dispatch when libgomp is absent.
        case openMP
        case dispatch
    }

    /// The tier FERN_ISA names, even one above the CPU's; nil when unset or unknown.
    public let requestedISA: InstructionSet?
    /// The tier Fern's kernels use: FERN_ISA, at most the CPU's.
    public let isa: InstructionSet
    /// False with FERN_WINOGRAD=0.
    public let winogradAllowed: Bool
    /// `.builtIn` with FERN_KERNELS=builtin.
    public let kernels: Kernels
    /// `.dispatch` with FERN_THREADS=dispatch.
    public let threads: ThreadPool
    /// `.bf16` with FERN_PRECISION=bf16 (see ConvolutionPrecision).
    public let convolutionPrecision: ConvolutionPrecision
    /// The tier to cap oneDNN at: FERN_ISA's when below the CPU's and oneDNN's
    /// own ONEDNN_MAX_CPU_ISA / DNNL_MAX_CPU_ISA are unset; nil leaves oneDNN to choose.
    public let oneDNNCap: InstructionSet?
    /// OPENBLAS_CORETYPE, the kernels OpenBLAS was told to load.
    public let openBLASCoreType: String?
    /// True when FERN_KEEP_OPENBLAS_CORETYPE is set.
    public let keepOpenBLASCoreType: Bool
    /// One line per unknown value, each naming the default taken instead.
    public let warnings: [String]

    /// The settings `environment` asks for on a CPU whose widest tier is `cpuBest`.
    public init(environment: [String: String], cpuBest: InstructionSet = .cpuBest) {
        var warnings: [String] = []
        // The value `name` picks from `choices`, whose first is the default.
        func choice<T>(_ name: String, _ choices: KeyValuePairs<String, T>) -> T {
            guard let value = environment[name], !value.isEmpty else { return choices[0].value }
            if let found = choices.first(where: { $0.key == value }) { return found.value }
            warnings.append("\(name)=\(value) is not \(choices.map(\.key).joined(separator: " or ")); using \(choices[0].key)")
            return choices[0].value
        }

        let isaName = environment["FERN_ISA"] ?? ""
        requestedISA = InstructionSet(name: isaName)
        switch requestedISA {
        case let asked? where asked <= cpuBest:
            isa = asked
        case _?:
            warnings.append("FERN_ISA=\(isaName) asks for more than this CPU has; using \(cpuBest)")
            isa = cpuBest
        case nil:
            if !isaName.isEmpty { warnings.append("FERN_ISA=\(isaName) is not avx512, avx2 or sse41; using \(cpuBest)") }
            isa = cpuBest
        }
        winogradAllowed = choice("FERN_WINOGRAD", ["1": true, "0": false])
        kernels = choice("FERN_KERNELS", ["fast": Kernels.fast, "builtin": .builtIn])
        threads = choice("FERN_THREADS", ["openmp": ThreadPool.openMP, "dispatch": .dispatch])
        convolutionPrecision = choice("FERN_PRECISION", ["f32": ConvolutionPrecision.f32, "bf16": .bf16])
        let oneDNNCappedByUser = environment["ONEDNN_MAX_CPU_ISA"] != nil || environment["DNNL_MAX_CPU_ISA"] != nil
        oneDNNCap = isa < cpuBest && !oneDNNCappedByUser ? isa : nil
        openBLASCoreType = environment["OPENBLAS_CORETYPE"]
        keepOpenBLASCoreType = environment["FERN_KEEP_OPENBLAS_CORETYPE"] != nil
        self.warnings = warnings
    }

    /// This process's settings. The first use prints their warnings to standard error.
    public static var current: RuntimeSettings {
        _ = warnedOnce
        return currentWithoutWarnings
    }

    /// This process's settings, without printing their warnings: for `fern`'s
    /// decision to start itself again, taken before anything runs (the
    /// process it starts prints them).
    public static let currentWithoutWarnings = RuntimeSettings(environment: ProcessInfo.processInfo.environment)

    private static let warnedOnce: Void = {
        for warning in currentWithoutWarnings.warnings {
            FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
        }
    }()
}
