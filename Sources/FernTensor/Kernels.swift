import Foundation

/// Whose code runs the ops that have two implementations (convolution, max pooling).
enum Kernels: CaseIterable, Sendable {
    /// oneDNN's (`DNNL*.swift`); Fern's own where oneDNN cannot make a kernel.
    case oneDNN
    /// Fern's own loops (im2col + OpenBLAS GEMM for convolution).
    case builtIn

    /// oneDNN unless FERN_KERNELS=builtin (for comparisons).
    static let preferred: Kernels = ProcessInfo.processInfo.environment["FERN_KERNELS"] == "builtin" ? .builtIn : .oneDNN

    /// Lets tests run both side by side.
    @TaskLocal static var override: Kernels?

    static var current: Kernels { override ?? preferred }
}
