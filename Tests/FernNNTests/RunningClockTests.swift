import FernNN
import Foundation
import Glibc
import Testing

/// `RunningClock` leaves out the time the process is stopped, as a paused
/// training run is (Ctrl-Z, `kill -STOP`), and nothing else.
@Suite struct RunningClockTests {
    private static func monotonic() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    @Test func leavesOutTheTimeTheProcessWasStoppedAndNothingElse() throws {
        // Running: nothing is left out.
        let stoppedBefore = RunningClock.stoppedSeconds
        usleep(200_000)
        #expect(RunningClock.stoppedSeconds == stoppedBefore)

        // Stopped: a shell continues this process 1.5 s after it stops itself (and every
        // second after that, until it is ended, so that a late stop is never left stopped).
        let continuer = Process()
        continuer.executableURL = URL(fileURLWithPath: "/bin/sh")
        continuer.arguments = ["-c", "sleep 1.5; while kill -CONT \(getpid()) 2>/dev/null; do sleep 1; done"]
        let (before, wallBefore) = (RunningClock.now(), Self.monotonic())
        try continuer.run()
        defer { continuer.terminate() }
        raise(SIGSTOP)
        let (ran, wall) = (RunningClock.now() - before, Self.monotonic() - wallBefore)
        let leftOut = wall - ran
        // The stop lasted from raise() to the shell's first kill, at least 1.5 s after it started.
        #expect(wall >= 1.5, "woke after \(wall) s")
        // Left out: the stop, to within the heartbeat's 50 ms and the shell's start-up before it;
        // the margins also cover the thread losing its core between two readings.
        #expect(leftOut >= 1.0 && leftOut <= wall + 0.01, "\(leftOut) s left out of \(wall) s")
        #expect(RunningClock.stoppedSeconds - stoppedBefore >= 1.0)
    }
}
