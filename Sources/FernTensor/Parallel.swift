import Dispatch
import Foundation

/// Splits `0..<count` into contiguous chunks run on all cores.
/// Small jobs run inline: a thread hand-off costs more than a short loop.
///
/// The chunks run on OpenMP's worker threads, the same ones oneDNN's
/// convolutions use: one pool for every parallel loop, so no second pool's
/// idle threads spin against it (see `OpenMP`). Without OpenMP they run on
/// Dispatch.
public enum Parallel {
    public static let coreCount = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// OpenMP's pool, or nil for Dispatch.
    private static let threads = OpenMP.runtime

    /// Work below this many element-operations runs on the calling thread.
    static let inlineThreshold = 1 << 15

    public static func forEachChunk(_ count: Int, cost: Int = 1, _ body: (Range<Int>) -> Void) {
        let chunks = min(coreCount, count)
        if chunks <= 1 || count * cost < inlineThreshold {
            if count > 0 { body(0..<count) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let run = { (chunk: Int) in
                let start = count * chunk / chunks
                let end = count * (chunk + 1) / chunks
                if start < end { body(start..<end) }
            }
            if let openMP = threads {
                openMP.parallel(chunks, run)
            } else {
                let box = UncheckedBox(run)
                DispatchQueue.concurrentPerform(iterations: chunks) { box.value($0) }
            }
        }
    }
}

/// Carries a value into concurrent worker closures. Safe because each worker
/// only touches its own disjoint range of the buffers it reaches through it.
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// A mutable pointer that may cross into worker threads writing disjoint ranges.
struct SendablePointer: @unchecked Sendable {
    let base: UnsafeMutablePointer<Float>
}
