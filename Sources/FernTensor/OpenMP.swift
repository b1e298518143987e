import Foundation

/// OpenMP's thread pool (libgomp, loaded with oneDNN), found at run time.
///
/// Fern's parallel loops and oneDNN's kernels share this one pool. With two
/// pools, each pool's workers spin after their work waiting for more while
/// the other pool's run on the same cores: making OpenMP's workers sleep
/// (OMP_WAIT_POLICY=passive) alone made SEED_CNN training measurably faster
/// (Benchmarks/RESULTS.md), and a shared pool keeps the fast hand-off too.
struct OpenMP: @unchecked Sendable {
    private typealias Body = @convention(c) (UnsafeMutableRawPointer?) -> Void
    private typealias ParallelFunction = @convention(c) (Body, UnsafeMutableRawPointer?, UInt32, UInt32) -> Void
    private typealias ThreadQuery = @convention(c) () -> Int32

    private let start: ParallelFunction
    private let threadNumber: ThreadQuery
    private let threadCount: ThreadQuery

    /// nil when libgomp is not in the process or FERN_THREADS=dispatch (then Dispatch runs the loops).
    static let runtime: OpenMP? = {
        if RuntimeSettings.current.threads == .dispatch { return nil }
        // RTLD_DEFAULT: search every library already loaded.
        guard let start = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "GOMP_parallel"),
              let number = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "omp_get_thread_num"),
              let count = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "omp_get_num_threads")
        else { return nil }
        return OpenMP(start: unsafeBitCast(start, to: ParallelFunction.self),
                      threadNumber: unsafeBitCast(number, to: ThreadQuery.self),
                      threadCount: unsafeBitCast(count, to: ThreadQuery.self))
    }()

    private struct Job {
        let run: (Int) -> Void
        let chunks: Int
        let threadNumber: ThreadQuery
        let threadCount: ThreadQuery
    }

    /// Runs `run(0..<chunks)` on a team of up to `chunks` threads, the caller
    /// among them; returns when all are done. Inside another team (nested)
    /// the team has one thread, which runs every chunk.
    func parallel(_ chunks: Int, _ run: (Int) -> Void) {
        withoutActuallyEscaping(run) { run in
            var job = Job(run: run, chunks: chunks, threadNumber: threadNumber, threadCount: threadCount)
            withUnsafeMutablePointer(to: &job) { pointer in
                start({ raw in
                    let job = raw!.assumingMemoryBound(to: Job.self).pointee
                    let team = Int(job.threadCount()), me = Int(job.threadNumber())
                    for chunk in stride(from: me, to: job.chunks, by: max(team, 1)) { job.run(chunk) }
                }, UnsafeMutableRawPointer(pointer), UInt32(chunks), 0)
            }
        }
    }

    private typealias SetThreads = @convention(c) (Int32) -> Void
    private static let threadLimit: (get: ThreadQuery, set: SetThreads)? = {
        guard let get = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "omp_get_max_threads"),
              let set = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "omp_set_num_threads")
        else { return nil }
        return (unsafeBitCast(get, to: ThreadQuery.self), unsafeBitCast(set, to: SetThreads.self))
    }()

    /// How many threads a team started now on this thread may have (1 without libgomp).
    static var maxThreads: Int { threadLimit.map { Int($0.get()) } ?? 1 }

    /// Runs `body` with teams started on this thread limited to `count` threads, then
    /// restores the limit. oneDNN sizes a primitive's work split by this limit when the
    /// primitive is made, so a primitive made inside runs on that many threads.
    static func withMaxThreads<T>(_ count: Int, _ body: () -> T) -> T {
        guard let limit = threadLimit else { return body() }
        let before = limit.get()
        limit.set(Int32(count))
        defer { limit.set(before) }
        return body()
    }
}
