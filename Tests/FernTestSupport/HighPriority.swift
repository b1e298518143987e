/// Runs `body` in a task of high priority and waits for it.
///
/// Swift Testing starts every test at once, and the cooperative pool (one thread per core, two on
/// a 2-core machine) runs the jobs of one priority first in, first out. A test that awaits
/// something (a server's start, an event from another thread) resumes only after every test
/// queued before its continuation has run: minutes later on a busy machine, which trips its time
/// limit though nothing hangs. At high priority each resumption waits only for a thread to come
/// free, so the time limit guards against a hang and not against the length of the queue.
public func withHighPriority<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await Task(priority: .high) { try await body() }.value
}
