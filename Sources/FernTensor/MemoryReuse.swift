import Foundation

/// Keeps freed tensor buffers in the process for the next step instead of
/// giving their pages back to the kernel.
///
/// glibc serves blocks above 32 MiB (one SEED_CNN activation at batch 64)
/// with fresh mmap pages and trims the heap top after frees, so every
/// training step faulted its activations in again (page faults were 12% of
/// a step in the kernel). Serving every block from the heap and never
/// trimming it took SEED_CNN training b64 from 178 to 219 img/s; the cost is
/// that the process keeps its peak size, as the frameworks' caching
/// allocators do.
enum MemoryReuse {
    /// Called once, when the first parallel loop sets up the threads.
    @discardableResult
    static func configure() -> Bool {
        // mallopt is glibc's (malloc.h, outside Swift's Glibc module); absent elsewhere.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return false }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        let trimThreshold: Int32 = -1, mmapMax: Int32 = -4  // M_TRIM_THRESHOLD, M_MMAP_MAX
        return mallopt(mmapMax, 0) == 1 && mallopt(trimThreshold, Int32.max) == 1
    }
}
