import Foundation

/// The number format convolutions multiply in. `.f32` everywhere by default;
/// `.bf16` (FERN_PRECISION=bf16, `fern train --precision bf16`) rounds the
/// convolutions' operands (activations, filters, output gradients) to
/// bfloat16 — Float32's exponent with 8 bits of mantissa — and lets oneDNN
/// multiply them on the CPU's AMX tile units, accumulating in Float32. Weights,
/// their gradients, the optimizer and every other op stay Float32: the usual
/// mixed precision of GPU training, here for CPUs with AMX (Intel Xeon since
/// the 4th generation, "Sapphire Rapids"). Each operand's rounding error is up
/// to 2⁻⁸ relative, so a convolution's result moves by up to about 2⁻⁷·Σ|x·w|.
///
/// Without AMX, bf16 runs slower than Fern's Float32 Winograd (AVX512_BF16
/// alone: 165 against ~590 GFLOP/s, Benchmarks/RESULTS.md), so a request for it
/// there keeps Float32 and says so once.
public enum ConvolutionPrecision: String, CaseIterable, Sendable {
    case f32, bf16

    /// Lets tests force a precision in one task, whatever the CPU (oneDNN
    /// emulates bf16 on AVX-512 without AMX, slowly; below that it has no bf16
    /// convolution and the Float32 kernels run).
    @TaskLocal public static var override: ConvolutionPrecision?

    /// What this process asked for: FERN_PRECISION, or `requestForProcess`.
    public static var requested: ConvolutionPrecision {
        lock.lock()
        defer { lock.unlock() }
        return chosen ?? RuntimeSettings.current.convolutionPrecision
    }

    /// Asks for `precision` from now on in this process (`fern train --precision`).
    /// Where bf16 does not pay, the first convolution says so and keeps Float32.
    public static func requestForProcess(_ precision: ConvolutionPrecision) {
        lock.lock()
        defer { lock.unlock() }
        chosen = precision
    }

    /// What convolutions use now: the override, else bf16 where asked for and AMX runs it.
    static var current: ConvolutionPrecision {
        if let override { return override }
        guard requested == .bf16 else { return .f32 }
        _ = warnedOnce
        return bf16PaysHere ? .bf16 : .f32
    }

    /// True when oneDNN runs bf16 on AMX tiles here.
    public static var bf16PaysHere: Bool { DNNL.effectiveISA == "avx512_core_amx" }

    static var fallbackWarning: String {
        "bf16 convolutions need AMX (oneDNN's kernels here: \(DNNL.effectiveISA)); using f32"
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var chosen: ConvolutionPrecision?

    private static let warnedOnce: Void = {
        if !bf16PaysHere { FileHandle.standardError.write(Data("warning: \(fallbackWarning)\n".utf8)) }
    }()
}
