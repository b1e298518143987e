import Foundation

/// Runs `body` on a fresh thread with a large stack and waits for it.
///
/// The interpreter is recursive; the threads that call it (a test runner's
/// workers, a REPL) may have stacks of 512 KiB. Measured in a release build,
/// 200 nested Fern calls overflow 512 KiB but fit in 2 MiB; evaluating on a
/// 64 MiB stack keeps a program at the call-depth limit far from overflowing.
/// Callbacks (`output`, `shouldStop`) therefore run on that thread.
func onLargeStack<T>(_ body: () throws -> T) throws -> T {
    try withoutActuallyEscaping(body) { body in
        let job = StackThreadJob(body)
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            job.run()
            done.signal()
        }
        thread.stackSize = 64 << 20
        thread.start()
        done.wait()
        return try job.result!.get()
    }
}

/// Carries the body to the worker thread and its result back; safe
/// because the caller waits for the worker. The worker drops the body
/// before signalling, as `withoutActuallyEscaping` requires.
private final class StackThreadJob<T>: @unchecked Sendable {
    private var body: (() throws -> T)?
    var result: Result<T, any Error>?

    init(_ body: @escaping () throws -> T) { self.body = body }

    func run() {
        let body = self.body!
        self.body = nil
        result = Result { try body() }
    }
}
