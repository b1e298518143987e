import Foundation

/// Keeping freed memory in the process: a choice for the program, not the
/// library, since it changes malloc for everything in the process. `fern`
/// makes it at start-up; FernTensor never does by itself.
public enum MemoryReuse {
    /// Tells glibc's malloc to serve every block from the heap and never give
    /// the heap's top back to the kernel (M_MMAP_MAX 0, M_TRIM_THRESHOLD
    /// maximal); returns false where that is not possible (no glibc).
    ///
    /// Why: glibc serves blocks above 32 MiB (one SEED_CNN activation at batch
    /// 64) with fresh mmap pages and trims the heap top after frees, so every
    /// training step faulted its activations in again; kept, they are reused
    /// and training runs measurably faster (Benchmarks/RESULTS.md).
    ///
    /// The cost: memory freed is reused by the process but never returned to
    /// the system, so the process keeps its peak size until it exits, as the
    /// frameworks' caching allocators do. Call it once, early, in a program
    /// that trains.
    @discardableResult
    public static func keepFreedMemory() -> Bool {
        // mallopt is glibc's (malloc.h, outside Swift's Glibc module); absent elsewhere.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return false }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        let trimThreshold: Int32 = -1, mmapMax: Int32 = -4  // M_TRIM_THRESHOLD, M_MMAP_MAX
        return mallopt(mmapMax, 0) == 1 && mallopt(trimThreshold, Int32.max) == 1
    }
}
