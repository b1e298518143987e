import Glibc
import Synchronization

/// Seconds of wall-clock time that leave out the time the process was
/// stopped (Ctrl-Z, `kill -STOP`): epoch times, the time left and
/// time-to-accuracy count only the time the run could run, so pausing a
/// long run to free the cores does not make its epochs look slower.
///
/// A stopped process cannot see its stop begin, so a heartbeat thread reads
/// the monotonic clock every 50 ms: a stop shows as a long gap between two
/// readings. SIGCONT's handler only sets a flag; the gap is left out once the
/// flag confirms it (a gap the flag does not confirm within 2 s was the
/// heartbeat waiting for a core). The flag can come just before or just after
/// the first reading after the stop (the threads wake together): either order
/// confirms, and a reading that sees a long gap waits up to 50 ms for the
/// flag. Each stop is left out to within the heartbeat's period. Where a
/// handler for SIGCONT was already installed, it is left alone and nothing is
/// left out.
public enum RunningClock {
    /// Seconds on the monotonic clock, less the time spent stopped, since an arbitrary origin.
    public static func now() -> Double {
        _ = started
        return state.withLock { state in
            let time = monotonicSeconds()
            var continued = continued.exchange(false, ordering: .relaxed)
            // After a stop every thread wakes at once, and the first reading can come before
            // SIGCONT's handler has run: after a long gap, give the handler up to 50 ms.
            var waits = 0
            while !continued, time - state.lastReading > State.longGap, waits < 100 {
                usleep(500)
                continued = Self.continued.exchange(false, ordering: .relaxed)
                waits += 1
            }
            state.read(at: time, continued: continued)
            return time - state.stopped
        }
    }

    /// Seconds spent stopped so far (as far as the last reading knows).
    public static var stoppedSeconds: Double { _ = now(); return state.withLock { $0.stopped } }

    static let heartbeatPeriod = 0.05

    private struct State {
        var lastReading = monotonicSeconds()
        var stopped = 0.0
        /// The last long gap between readings, not yet confirmed as a stop, and when it ended.
        var gap: (seconds: Double, endedAt: Double)?
        /// Longer than the heartbeat's period by far: a stop, or the heartbeat waiting for a core.
        static let longGap = 0.2

        /// A reading at `time`; `continued`: SIGCONT arrived since the last reading.
        mutating func read(at time: Double, continued: Bool) {
            let since = time - lastReading
            lastReading = Swift.max(lastReading, time)
            if since > Self.longGap { gap = (since, time) }
            if let unconfirmed = gap, time - unconfirmed.endedAt > 2 { gap = nil }
            if continued, let confirmed = gap {
                stopped += confirmed.seconds
                gap = nil
            }
        }
    }

    private static let state = Mutex(State())
    /// Set by the SIGCONT handler, cleared by the reading that accounts for the stop.
    private static let continued = Atomic<Bool>(false)

    /// Installs the handler and starts the heartbeat, once.
    private static let started: Bool = {
        _ = continued.load(ordering: .relaxed)  // initialized now, never first inside the handler
        var current = sigaction()
        guard sigaction(SIGCONT, nil, &current) == 0, current.__sigaction_handler.sa_handler == nil else { return false }
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in RunningClock.continued.store(true, ordering: .relaxed) }
        sigemptyset(&action.sa_mask)
        action.sa_flags = SA_RESTART
        guard sigaction(SIGCONT, &action, nil) == 0 else { return false }
        var thread = pthread_t()
        let made = pthread_create(&thread, nil, { _ in
            // Threads that block SIGCONT (Dispatch's workers do) never run the handler; this one
            // takes it, whichever thread started it.
            var continueSignal = sigset_t()
            sigemptyset(&continueSignal)
            sigaddset(&continueSignal, SIGCONT)
            pthread_sigmask(SIG_UNBLOCK, &continueSignal, nil)
            while true {
                _ = RunningClock.now()
                usleep(useconds_t(RunningClock.heartbeatPeriod * 1e6))
            }
        }, nil)
        if made == 0 { pthread_detach(thread) }
        return made == 0
    }()
}

private func monotonicSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}
