/// Whose code runs the ops that have two implementations (convolution, max pooling, batch norm).
public enum Kernels: CaseIterable, Sendable {
    /// The fast ones: Winograd (`WinogradConvolution`) where it applies, else
    /// oneDNN's (`DNNL*.swift`), else Fern's own.
    case fast
    /// Fern's own loops (im2col + OpenBLAS GEMM for convolution).
    case builtIn

    /// The fast ones unless FERN_KERNELS=builtin (for comparisons; see RuntimeSettings).
    static let preferred = RuntimeSettings.current.kernels

    /// Lets tests run both side by side.
    @TaskLocal static var override: Kernels?

    static var current: Kernels { override ?? preferred }
}
