import Foundation

/// The number format convolutions multiply in. `.f32` everywhere by default;
/// `.bf16` (FERN_PRECISION=bf16, `fern train --precision bf16`) rounds the
/// convolutions' operands (activations, filters, output gradients) to
/// bfloat16 — Float32's exponent with 8 bits of mantissa — and lets oneDNN
/// multiply them on the CPU's AMX tile units, accumulating in Float32. Weights,
/// their gradients, the optimizer and every other op stay Float32: the usual
/// mixed precision of GPU training, here for CPUs with AMX (Intel Xeon since
/// the 4th generation, "Sapphire Rapids"). Each operand's rounding error is up
/// to 2⁻⁹ relative, so a convolution's result moves by up to about 2⁻⁸·Σ|x·w|.
/// A training recipe's precision (`fit(precision=)`, `fern train
/// --precision`) holds while it trains and scores (`using`), over FERN_PRECISION.
///
/// Without AMX, bf16 runs slower than Fern's Float32 Winograd (AVX512_BF16
/// alone: 143-167 against ~590 GFLOP/s, Benchmarks/RESULTS.md), so a request for it
/// there keeps Float32 and says so once.
public enum ConvolutionPrecision: String, CaseIterable, Codable, Sendable {
    case f32, bf16

    /// Lets tests force a precision in one task, whatever the CPU (where oneDNN
    /// has no bf16 kernel but its reference code, `DNNLConvolution` refuses it and
    /// the Float32 kernels run).
    @TaskLocal public static var override: ConvolutionPrecision?

    /// What this task asks for: the recipe being trained (`using`), else FERN_PRECISION.
    public static var requested: ConvolutionPrecision { asked ?? RuntimeSettings.current.convolutionPrecision }

    /// Runs `body` asking for `precision` (nil: keep what is asked for now). It
    /// holds only where it pays: bf16 without AMX warns once and stays Float32.
    public static func using<T>(_ precision: ConvolutionPrecision?, _ body: () throws -> T) rethrows -> T {
        try $asked.withValue(precision ?? asked) { try body() }
    }

    /// What convolutions multiply in now: the override, else bf16 where asked for and
    /// oneDNN runs it on AMX; Fern's own loops (FERN_KERNELS=builtin) have no bf16.
    /// A bf16 request that runs in Float32 says why, once.
    public static var inEffect: ConvolutionPrecision {
        if let override { return Kernels.current == .fast ? override : .f32 }
        guard requested == .bf16 else { return .f32 }
        _ = warnedOnce
        return Kernels.current == .fast && bf16PaysHere ? .bf16 : .f32
    }

    /// True when oneDNN runs bf16 on AMX tiles here.
    public static let bf16PaysHere = DNNL.effectiveISA == "avx512_core_amx"

    /// Why a bf16 request runs in Float32 in this process, or nil where it runs in bf16.
    static var fallbackReason: String? {
        if Kernels.preferred == .builtIn {
            return "bf16 convolutions need oneDNN's kernels (FERN_KERNELS=builtin runs Fern's own loops); using f32"
        }
        return bf16PaysHere ? nil : "bf16 convolutions need AMX (oneDNN's kernels here: \(DNNL.effectiveISA)); using f32"
    }

    @TaskLocal private static var asked: ConvolutionPrecision?

    private static let warnedOnce: Void = {
        if let fallbackReason { FileHandle.standardError.write(Data("warning: \(fallbackReason)\n".utf8)) }
    }()
}
