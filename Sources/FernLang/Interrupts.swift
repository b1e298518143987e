import Glibc
import Synchronization

/// Ctrl-C for a program that runs Fern code (the prompt, `fern run`): a
/// signal handler that only records the signal, so that the running program
/// stops cleanly at its next check instead of the process dying. Point
/// `Interpreter.shouldStop` at `isPending` (loops, calls and training poll it).
///
/// The handler does only async-signal-safe things: it stores the signal in
/// an atomic; it writes a byte to a pipe, which wakes the prompt's `poll`
/// whichever thread the kernel delivered the signal to; and, when installed
/// with `exitOnRepeat`, a second signal writes that message and ends the
/// process at once, for a user who will not wait for the clean stop.
public enum Interrupts {
    /// The signal received since the last `clear()`, 0 for none.
    private static let received = Atomic<Int32>(0)
    /// The pipe's read end (polled by the line editor) and write end (the handler's).
    private nonisolated(unsafe) static var pipeEnds: (read: Int32, write: Int32) = (-1, -1)
    /// What a repeated signal writes before exiting; no bytes: a repeat only records.
    private nonisolated(unsafe) static var repeatMessage = UnsafeMutableBufferPointer<UInt8>(start: nil, count: 0)

    /// Installs the handler for `signals`; call once, before running code.
    /// With `exitOnRepeat`, a second signal before `clear()` writes it to
    /// standard error and exits with status 128 + the signal number.
    public static func install(signals: [Int32] = [SIGINT], exitOnRepeat: String? = nil) {
        var ends: [Int32] = [-1, -1]
        if pipe(&ends) == 0 {
            for fd in ends { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
            pipeEnds = (ends[0], ends[1])
        }
        if let exitOnRepeat {
            let bytes = Array(exitOnRepeat.utf8)
            let message = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(1, bytes.count))
            _ = message.initialize(from: bytes)
            repeatMessage = UnsafeMutableBufferPointer(rebasing: message[0..<bytes.count])
        }
        // Touch the statics now: Swift initializes them lazily, which must not
        // happen for the first time inside the handler.
        _ = received.load(ordering: .relaxed)
        _ = (pipeEnds, repeatMessage)
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { signal in
            let earlier = Interrupts.received.exchange(signal, ordering: .relaxed)
            let message = Interrupts.repeatMessage
            if earlier != 0, let start = message.baseAddress {
                _ = write(STDERR_FILENO, start, message.count)
                _exit(128 + signal)
            }
            var byte: UInt8 = 3
            _ = write(Interrupts.pipeEnds.write, &byte, 1)
        }
        sigemptyset(&action.sa_mask)
        // Interrupted system calls resume; poll never does, so the prompt still wakes.
        action.sa_flags = SA_RESTART
        var blocked = sigset_t()
        sigemptyset(&blocked)
        for signal in signals {
            sigaction(signal, &action, nil)
            sigaddset(&blocked, signal)
        }
        // A parent can leave them blocked (Foundation's Process does); threads
        // started from here on inherit this thread's mask.
        pthread_sigmask(SIG_UNBLOCK, &blocked, nil)
    }

    /// The descriptor that becomes readable when Ctrl-C is pressed.
    public static var wakeDescriptor: Int32 { pipeEnds.read }

    /// Whether a signal arrived since the last `clear()`.
    public static var isPending: Bool { received.load(ordering: .relaxed) != 0 }

    /// The signal that arrived since the last `clear()`, if one did.
    public static var pendingSignal: Int32? {
        let signal = received.load(ordering: .relaxed)
        return signal == 0 ? nil : signal
    }

    /// Forgets earlier signals, before a new command or prompt.
    public static func clear() {
        received.store(0, ordering: .relaxed)
        var buffer = [UInt8](repeating: 0, count: 64)
        while pipeEnds.read >= 0, read(pipeEnds.read, &buffer, buffer.count) > 0 {}
    }
}
