/// Matrix products through `cblas_sgemm`.
///
/// `a @ b` for `[m, k] @ [k, n]`, and batched `[..., m, k] @ [..., k, n]`
/// where the batch dimensions are equal or one side is a plain matrix.
/// Backward: dA = dC @ Bᵀ, dB = Aᵀ @ dC (summed over the batch for a shared matrix).
extension Tensor {
    public static func matmul(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        guard a.rank >= 2, b.rank >= 2 else {
            throw TensorError.shapes("matmul", a.shape, b.shape, detail: "both operands need at least two axes")
        }
        let (m, k) = (a.shape[a.rank - 2], a.shape[a.rank - 1])
        let (k2, n) = (b.shape[b.rank - 2], b.shape[b.rank - 1])
        guard k == k2 else {
            throw TensorError.shapes("matmul", a.shape, b.shape, detail: "inner dimensions \(k) and \(k2) differ")
        }
        let batchA = Array(a.shape.dropLast(2)), batchB = Array(b.shape.dropLast(2))
        guard batchA == batchB || batchA.isEmpty || batchB.isEmpty else {
            throw TensorError.shapes("matmul", a.shape, b.shape, detail: "batch dimensions must match or one side must be a matrix")
        }
        let batchShape = batchA.isEmpty ? batchB : batchA
        try Tensor.checkShape(batchShape + [m, n], op: "matmul")
        let result = product(a, b, transA: false, transB: false, m: m, n: n, k: k, batchShape: batchShape)
        return result.recorded("matmul", inputs: [a, b]) { g, needs in
            [needs[0] ? product(g, b, transA: false, transB: true, m: m, n: k, k: n, batchShape: batchShape, into: a.shape) : nil,
             needs[1] ? product(a, g, transA: true, transB: false, m: k, n: n, k: m, batchShape: batchShape, into: b.shape) : nil]
        }
    }

    /// Batched `op(A) @ op(B)`; the result has `batchShape + [m, n]`, or is
    /// summed down to `target` when that is a plain matrix shared by the batch.
    private static func product(_ a: Tensor, _ b: Tensor, transA: Bool, transB: Bool,
                                m: Int, n: Int, k: Int, batchShape: [Int], into target: [Int]? = nil) -> Tensor {
        let batch = batchShape.reduce(1, *)
        let lda = transA ? m : k, ldb = transB ? k : n
        let aMatrix = a.rank == 2, bMatrix = b.rank == 2
        let sharedOutput = target.map { $0.count == 2 } ?? false
        let outShape = target ?? (batchShape + [m, n])
        var out = [Float](repeating: 0, count: sharedOutput ? m * n : batch * m * n)
        a.scalars.withUnsafeBufferPointer { pa in
            b.scalars.withUnsafeBufferPointer { pb in
                out.withUnsafeMutableBufferPointer { pc in
                    // A batch times a shared right matrix is one tall GEMM.
                    if bMatrix && !aMatrix && !transA && !sharedOutput {
                        BLAS.gemm(transB: transB, m: batch * m, n: n, k: k, a: pa.baseAddress!, lda: lda,
                                  b: pb.baseAddress!, ldb: ldb, c: pc.baseAddress!, ldc: n)
                        return
                    }
                    for i in 0..<batch {
                        BLAS.gemm(transA: transA, transB: transB, m: m, n: n, k: k,
                                  a: pa.baseAddress! + (aMatrix ? 0 : i * m * k), lda: lda,
                                  b: pb.baseAddress! + (bMatrix ? 0 : i * k * n), ldb: ldb,
                                  beta: sharedOutput && i > 0 ? 1 : 0,
                                  c: pc.baseAddress! + (sharedOutput ? 0 : i * m * n), ldc: n)
                    }
                }
            }
        }
        return Tensor(unchecked: outShape, out)
    }
}
