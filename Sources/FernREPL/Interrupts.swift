import Glibc
import Synchronization

/// Ctrl-C for the prompt: a SIGINT handler that only records the press, so
/// that neither a press while a command runs nor a second one can kill the
/// process.
///
/// The handler does two async-signal-safe things: it sets an atomic flag,
/// which `Interpreter.shouldStop` reads (loops, calls and training poll it),
/// and it writes a byte to a pipe, which wakes the line editor's `poll`
/// whichever thread the kernel delivered the signal to.
enum Interrupts {
    private static let pressed = Atomic<Bool>(false)
    /// The pipe's read end (polled by the line editor) and write end (the handler's).
    private nonisolated(unsafe) static var pipeEnds: (read: Int32, write: Int32) = (-1, -1)

    /// Installs the handler; call once, before the first prompt.
    static func install() {
        var ends: [Int32] = [-1, -1]
        if pipe(&ends) == 0 {
            for fd in ends { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
            pipeEnds = (ends[0], ends[1])
        }
        // Touch the statics now: Swift initializes them lazily, which must not
        // happen for the first time inside the handler.
        _ = pressed.load(ordering: .relaxed)
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in
            Interrupts.pressed.store(true, ordering: .relaxed)
            var byte: UInt8 = 3
            _ = write(Interrupts.pipeEnds.write, &byte, 1)
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0 // no SA_RESTART: a blocking poll returns EINTR
        sigaction(SIGINT, &action, nil)
    }

    /// The descriptor that becomes readable when Ctrl-C is pressed.
    static var wakeDescriptor: Int32 { pipeEnds.read }

    /// Whether Ctrl-C was pressed since the last `clear()`.
    static var isPending: Bool { pressed.load(ordering: .relaxed) }

    /// Forgets earlier presses, before a new command or prompt.
    static func clear() {
        pressed.store(false, ordering: .relaxed)
        var buffer = [UInt8](repeating: 0, count: 64)
        while pipeEnds.read >= 0, read(pipeEnds.read, &buffer, buffer.count) > 0 {}
    }
}
