import Dispatch
import Foundation

/// Splits `0..<count` into contiguous chunks run on all cores.
/// Small jobs run inline: a thread hand-off costs more than a short loop.
public enum Parallel {
    public static let coreCount = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// Work below this many element-operations runs on the calling thread.
    static let inlineThreshold = 1 << 15

    public static func forEachChunk(_ count: Int, cost: Int = 1, _ body: (Range<Int>) -> Void) {
        let chunks = min(coreCount, count)
        if chunks <= 1 || count * cost < inlineThreshold {
            if count > 0 { body(0..<count) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let box = UncheckedBox(body)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let start = count * chunk / chunks
                let end = count * (chunk + 1) / chunks
                if start < end { box.value(start..<end) }
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
