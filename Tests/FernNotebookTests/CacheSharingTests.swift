import FernNotebook
import Foundation
import Glibc
import Testing

/// Runs of one notebook that overlap share its cache: one run's pruning
/// waits for the others, and a reader waits for an entry being swapped in.
/// Another run is played here by locks taken on the cache's lock files.
@Suite struct CacheSharingTests {
    private func lock(_ file: URL, _ operation: Int32) -> Int32 {
        let descriptor = open(file.path, O_RDWR | O_CREAT, 0o644)
        flock(descriptor, operation)
        return descriptor
    }

    @Test func aRunDoesNotPruneWhileAnotherRunIsInProgress() throws {
        let fixture = try NotebookFixture()
        _ = try fixture.run()
        let cache = fixture.output.appendingPathComponent(".cache")
        // Another run's entry, and the folder it is writing its next one in.
        let others = ["0123456789abcdef", ".staging-0123456789abcdef-other"].map { cache.appendingPathComponent($0) }
        for folder in others { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }

        let otherRun = lock(cache.appendingPathComponent(".running"), LOCK_SH)
        #expect(try fixture.run().succeeded)
        for folder in others { #expect(FileManager.default.fileExists(atPath: folder.path), "\(folder.lastPathComponent) was pruned") }
        close(otherRun)

        #expect(try fixture.run().succeeded)
        for folder in others { #expect(!FileManager.default.fileExists(atPath: folder.path)) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache.path).filter { !$0.hasPrefix(".") }.count == 1)
    }

    /// The limit catches a reader that never stops waiting; it is generous because the test's
    /// two notebook runs share the cores with the rest of the suite (one minute was exceeded
    /// beside a training run).
    @Test(.timeLimit(.minutes(5)))
    func aReaderWaitsForTheEntryAnotherRunIsSwappingIn() throws {
        let fixture = try NotebookFixture()
        _ = try fixture.run()
        let cache = fixture.output.appendingPathComponent(".cache")
        let key = try #require(try FileManager.default.contentsOfDirectory(atPath: cache.path).first { !$0.hasPrefix(".") })
        let entry = cache.appendingPathComponent(key).path, aside = cache.appendingPathComponent(".aside").path

        // A writer between its two renames: the old entry moved aside, the new one not yet in place.
        let writer = lock(cache.appendingPathComponent(".lock"), LOCK_EX)
        #expect(rename(entry, aside) == 0)
        Thread {
            sleep(1)
            rename(aside, entry)
            close(writer)
        }.start()
        let run = try fixture.run()
        #expect(run.outcome(4)?.ran == false, "the run read the cache while the entry was away")
        #expect(run.outcome(4)?.output.hasPrefix("computed total\n") == true)
    }
}
