/// Tolerances derived from Float32 arithmetic, so that a comparison holds on
/// every CPU and kernel path (AVX-512, AVX2, SSE, Fern's own loops), which sum
/// in different orders, and still fails on a wrong result.
///
/// The rounding model (Higham, *Accuracy and Stability of Numerical
/// Algorithms*, 2nd ed., §2.2 and §3.1): each Float operation returns the
/// exact result times (1 + δ) with |δ| ≤ u = 2⁻²⁴. A sum of n terms computed in
/// any order and any grouping (blocked, vectorized, split across threads, with
/// or without FMA) is within γ(n-1) · Σ|termᵢ| of the exact sum, where
/// γ(n) = n·u / (1 − n·u).
public enum Tolerance {
    /// Float32's unit roundoff, 2⁻²⁴.
    public static let unitRoundoff = 0x1p-24

    /// γ(n) = n·u / (1 − n·u): the relative error bound of n rounded operations in a chain.
    public static func gamma(_ n: Int) -> Double {
        let nu = Double(n) * unitRoundoff
        precondition(nu < 0.5, "γ(\(n)) is not a useful bound in Float32")
        return nu / (1 - nu)
    }

    /// The most a Float32 sum of `terms` terms (a dot product counts its products
    /// as terms: one more rounding each) can differ from the exact sum, given
    /// `absoluteSum` = Σ|termᵢ| or a bound of it, plus `extraOperations` roundings
    /// applied to the result afterwards (a bias add, a scale).
    public static func sum(terms: Int, absoluteSum: Double, extraOperations: Int = 0) -> Double {
        gamma(terms + extraOperations) * absoluteSum
    }

    /// The most two Float32 computations of the same sum (different orders, e.g.
    /// two kernel paths, or one batch against its images one at a time) can differ
    /// by: each is within `sum(terms:absoluteSum:)` of the exact value.
    public static func betweenTwoSums(terms: Int, absoluteSum: Double, extraOperations: Int = 0) -> Double {
        2 * sum(terms: terms, absoluteSum: absoluteSum, extraOperations: extraOperations)
    }

    /// The error of a chain of `operations` correctly rounded Float operations
    /// ending in a value of magnitude `magnitude` (element-wise math, one
    /// optimizer step), where the chain has no cancellation.
    public static func chain(operations: Int, magnitude: Double) -> Double {
        gamma(operations) * Swift.abs(magnitude)
    }

    /// Float functions from libm and vectorized approximations (exp, log, tanh)
    /// are accurate to a few ulps, not half an ulp: `ulps` units in the last place of `magnitude`.
    public static func ulps(_ ulps: Double, of magnitude: Double) -> Double {
        ulps * 2 * unitRoundoff * Swift.max(Swift.abs(magnitude), Double(Float.leastNormalMagnitude))
    }

    /// The most glibc's expf, logf and powf (which Fern calls) are off from the exact value, in ulps:
    /// glibc measures 1 ulp from the correctly rounded result on x86-64
    /// (sysdeps/x86_64/fpu/libm-test-ulps), which is itself within ½ ulp.
    public static let expUlps = 1.5, logUlps = 1.5, powUlps = 1.5
    /// The same for tanhf: 2 ulps from the correctly rounded result.
    public static let tanhUlps = 2.5

    /// The relative error of each output of a Float softmax over `classes` logits spread over
    /// `logitSpread` (largest − smallest), computed as exp(xⱼ − max) / Σ exp(xₖ − max): the
    /// subtraction's rounding (at most u·spread, which exp turns into a relative error) and exp's
    /// own ulps sit in both numerator and denominator; the sum adds γ(classes − 1), the division u.
    public static func softmax(classes: Int, logitSpread: Double) -> Double {
        gamma(classes) + 2 * (logitSpread * unitRoundoff + ulps(expUlps, of: 1))
    }
}
