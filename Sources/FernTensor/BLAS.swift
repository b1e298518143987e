import CBLAS

/// The one file that calls OpenBLAS. Row-major single-precision GEMM:
/// C = alpha * op(A) @ op(B) + beta * C, with op = transpose when asked.
enum BLAS {
    static func gemm(transA: Bool = false, transB: Bool = false,
                     m: Int, n: Int, k: Int,
                     alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                     b: UnsafePointer<Float>, ldb: Int,
                     beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard m > 0 && n > 0 else { return }
        if k == 0 {
            // BLAS leaves C untouched for k = 0; beta still applies (and 0 means overwrite).
            for i in 0..<m { for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : c[i * ldc + j] * beta } }
            return
        }
        cblas_sgemm(CblasRowMajor,
                    transA ? CblasTrans : CblasNoTrans,
                    transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k),
                    alpha, a, Int32(lda), b, Int32(ldb),
                    beta, c, Int32(ldc))
    }

    /// Number of threads OpenBLAS uses.
    static var threadCount: Int { Int(openblas_get_num_threads()) }
}
