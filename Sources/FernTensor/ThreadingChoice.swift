/// Which of two versions of a kernel to run, one on every thread and one on a
/// single thread, chosen by how long each took when it last ran.
///
/// Some of oneDNN's kernels (the AMX filter gradients among them) make their
/// threads spin-wait for each other many times per call. When another process
/// holds one of the cores, each wait lasts until the scheduler runs the other
/// thread again, and such a kernel becomes 20-40 times slower, where sharing
/// the cores should cost about 2x (Benchmarks/RESULTS.md, "Sharing the
/// cores"). One thread never waits for another. So the caller runs the
/// version this picks, tells it how long the run took, and the faster one
/// wins: on free cores every thread; beside another busy process, one thread
/// until a trial of every thread shows the cores free again.
///
/// The version not chosen is tried again after 16 calls, then after twice as
/// many each time the trial confirms the choice (up to 256), so a trial of
/// the slow version costs little once the choice is settled.
struct ThreadingChoice: Sendable {
    enum Version: Sendable { case everyThread, oneThread }

    /// Forces a version (for tests and measurements); nil chooses by time.
    @TaskLocal static var override: Version?

    static let firstTrialInterval = 16, longestTrialInterval = 256

    private(set) var chosen = Version.everyThread
    private var lastSeconds: [Version: Double] = [:]
    private var trialInterval = firstTrialInterval
    /// The second call tries the other version, once the first (which pays for
    /// first-touch page faults) has run.
    private var callsUntilTrial = 1

    /// The version to run now.
    mutating func next() -> Version {
        if let forced = Self.override { return forced }
        if callsUntilTrial == 0 { return chosen.other }
        callsUntilTrial -= 1
        return chosen
    }

    /// How long `version`, as `next` gave it, took.
    mutating func record(_ version: Version, seconds: Double) {
        if Self.override != nil { return }
        lastSeconds[version] = seconds
        let wasTrial = version != chosen
        if let other = lastSeconds[chosen.other], let mine = lastSeconds[chosen], other < mine {
            chosen = chosen.other
            callsUntilTrial = Self.firstTrialInterval
            trialInterval = 2 * Self.firstTrialInterval
        } else if wasTrial {
            callsUntilTrial = trialInterval
            trialInterval = min(2 * trialInterval, Self.longestTrialInterval)
        }
    }
}

extension ThreadingChoice.Version {
    var other: Self { self == .everyThread ? .oneThread : .everyThread }
}
