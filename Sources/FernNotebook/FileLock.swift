import Foundation

/// An advisory lock on a file (flock(2)) that processes, and runners in one
/// process, take before touching what the file guards: shared by any number
/// of holders, or exclusive to one. Held until the value goes away.
final class FileLock {
    enum Mode {
        case shared, exclusive
        var operation: Int32 { self == .shared ? LOCK_SH : LOCK_EX }
    }

    private let descriptor: Int32

    /// Takes the lock on `path`, creating the file; waits for it, or with
    /// `wait` false gives nil at once when another holder is in the way.
    /// Nil also when the file cannot be opened or locked (a read-only
    /// folder, a file system without locks): callers then go on unguarded.
    init?(_ path: String, _ mode: Mode, wait: Bool = true) {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return nil }
        var status: Int32
        repeat {
            status = flock(descriptor, mode.operation | (wait ? 0 : LOCK_NB))
        } while status != 0 && errno == EINTR
        guard status == 0 else {
            close(descriptor)
            return nil
        }
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)  // releases the lock
    }

    /// Runs `body` holding the lock on `path`.
    static func holding<T>(_ path: String, _ mode: Mode, _ body: () throws -> T) rethrows -> T {
        let lock = FileLock(path, mode)
        defer { withExtendedLifetime(lock) {} }
        return try body()
    }

    /// Turns a shared lock exclusive if no one else holds it; false (and
    /// the lock possibly dropped, as flock converts) when someone does.
    func becomeExclusiveNow() -> Bool {
        flock(descriptor, LOCK_EX | LOCK_NB) == 0
    }
}
