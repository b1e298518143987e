import Foundation
import Testing
@testable import FernTensor

/// Parallel.forEachChunk runs on OpenMP's pool (shared with oneDNN): every
/// index exactly once, also when nested and when called from several threads.
@Suite struct ParallelTests {
    /// Counts how often each index was visited.
    final class Visits: @unchecked Sendable {
        private var counts: [Int]
        private let lock = NSLock()
        init(_ n: Int) { counts = [Int](repeating: 0, count: n) }
        func add(_ range: Range<Int>) { lock.lock(); for i in range { counts[i] += 1 }; lock.unlock() }
        var all: [Int] { lock.lock(); defer { lock.unlock() }; return counts }
    }

    @Test func openMPPoolIsFound() {
        #expect(OpenMP.runtime != nil, "libgomp comes with oneDNN; without it loops fall back to Dispatch")
    }

    @Test(arguments: [1, 2, 3, 1000, 100_003])
    func everyIndexRunsExactlyOnce(count: Int) {
        let visits = Visits(count)
        Parallel.forEachChunk(count, cost: 1 << 20) { visits.add($0) }
        #expect(visits.all == [Int](repeating: 1, count: count))
    }

    @Test func nestedLoopsRunEveryInnerIndexOnce() {
        let visits = Visits(64 * 50)
        Parallel.forEachChunk(64, cost: 1 << 20) { outer in
            for o in outer {
                Parallel.forEachChunk(50, cost: 1 << 20) { inner in visits.add((o * 50 + inner.lowerBound)..<(o * 50 + inner.upperBound)) }
            }
        }
        #expect(visits.all == [Int](repeating: 1, count: 64 * 50))
    }

    @Test func loopsStartedFromSeveralThreadsAtOnceStayCorrect() {
        let visits = Visits(4 * 10_000)
        DispatchQueue.concurrentPerform(iterations: 4) { t in
            for _ in 0..<20 {
                Parallel.forEachChunk(10_000, cost: 1 << 10) { visits.add((t * 10_000 + $0.lowerBound)..<(t * 10_000 + $0.upperBound)) }
            }
        }
        #expect(visits.all == [Int](repeating: 20, count: 4 * 10_000))
    }
}
