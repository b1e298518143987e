import CBLAS

/// The one file that calls OpenBLAS. Row-major single-precision GEMM:
/// C = alpha * op(A) @ op(B) + beta * C, with op = transpose when asked.
///
/// Fern runs OpenBLAS single-threaded and splits each large GEMM into one
/// block of rows (or columns) per core itself, on the same worker threads
/// as its element-wise loops. With OpenBLAS's own threads, its idle workers
/// spin in sched_yield between calls and fight Fern's loops for the cores
/// (in a profile, a sizeable share of a training step went to the scheduler;
/// Benchmarks/RESULTS.md).
enum BLAS {
    /// Configures OpenBLAS once, on first use.
    private static let singleThreaded: Void = { openblas_set_num_threads(1) }()

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
        _ = singleThreaded
        let work = m * n * k
        let box = UncheckedBox((a, b, c))
        // Split the larger output dimension into one block per core.
        if m >= n {
            Parallel.forEachChunk(m, cost: work / m) { rows in
                let (a, b, c) = box.value
                call(transA, transB, rows.count, n, k, alpha,
                     a + (transA ? rows.lowerBound : rows.lowerBound * lda), lda, b, ldb,
                     beta, c + rows.lowerBound * ldc, ldc)
            }
        } else {
            Parallel.forEachChunk(n, cost: work / n) { columns in
                let (a, b, c) = box.value
                call(transA, transB, m, columns.count, k, alpha, a, lda,
                     b + (transB ? columns.lowerBound * ldb : columns.lowerBound), ldb,
                     beta, c + columns.lowerBound, ldc)
            }
        }
    }

    private static func call(_ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
                             _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int,
                             _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int) {
        cblas_sgemm(CblasRowMajor,
                    transA ? CblasTrans : CblasNoTrans,
                    transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k),
                    alpha, a, Int32(lda), b, Int32(ldb),
                    beta, c, Int32(ldc))
    }
}
