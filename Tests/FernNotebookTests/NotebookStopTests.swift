import FernNotebook
import FernTestSupport
import Foundation
import Synchronization
import Testing

/// Stopping a run through `NotebookRunOptions.shouldStop`, as Ctrl-C in
/// `fern run` and a save in `fern watch` do, and following it through
/// `NotebookRunOptions.events`.
@Suite struct NotebookStopTests {
    /// A stop request that a test sets from a callback; `shouldStop` reads it
    /// on the thread that runs the cells.
    final class StopSwitch: Sendable {
        private let request = Mutex<StopRequest?>(nil)
        func set(_ value: StopRequest) { request.withLock { $0 = value } }
        var current: StopRequest? { request.withLock { $0 } }
    }

    static let text = InterruptibleNotebook.text

    private func run(_ fixture: NotebookFixture, stop: StopSwitch, log: @escaping (String) -> Void = { _ in },
                     events: @escaping (NotebookEvent) -> Void = { _ in }) throws -> NotebookRun {
        var options = NotebookRunOptions(outputFolder: fixture.output)
        options.shouldStop = { stop.current }
        options.log = log
        options.events = events
        return try NotebookRunner.run(try NotebookFile.read(path: fixture.path), options: options)
    }

    private func cacheEntries(_ fixture: NotebookFixture) -> [String] {
        let folder = fixture.output.appendingPathComponent(".cache").path
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { !$0.hasPrefix(".") }
    }

    @Test(.timeLimit(.minutes(2)))
    func stoppingNowInterruptsTheRunningCellAndReportsWhatItPrinted() throws {
        let fixture = try NotebookFixture(Self.text)
        let stop = StopSwitch()
        let run = try self.run(fixture, stop: stop, log: { if $0.contains("long cell started") { stop.set(.now) } })

        #expect(run.cells.map(\.cell.number) == [1, 2, 3])
        #expect(run.outcome(2)?.output == "first cell output 42\n")
        let long = try #require(run.outcome(3))
        #expect(long.interrupted)
        #expect(long.output == "long cell started\n")
        #expect(long.error?.hasPrefix("interrupted at line 10\n    for i in range(1e12) {") == true)
        #expect(run.stop == "interrupted in cell 3, line 10")
        #expect(run.failure == nil && !run.succeeded)
        #expect(cacheEntries(fixture).isEmpty, "an interrupted cell is not cached")

        let markdown = try fixture.report()
        #expect(markdown.contains("interrupted in cell 3, line 10"))
        #expect(markdown.contains("first cell output 42"))
        #expect(markdown.contains("long cell started"))
        #expect(markdown.contains("**Interrupted**"))
        #expect(!markdown.contains("third cell output"))
        let html = try fixture.report("report.html")
        #expect(html.contains("interrupted in cell 3, line 10"))
        #expect(html.contains("interrupted at line 10"))
        #expect(!html.contains("third cell output"))
    }

    @Test func stoppingAfterTheCellLetsItFinishAndRunsNoMore() throws {
        let fixture = try NotebookFixture("""
            #%%
            x = 1
            print("one")
            #%% cache
            y = x + 1
            print("two")
            #%%
            print("three")
            """)
        let stop = StopSwitch()
        var events: [String] = []
        let run = try self.run(fixture, stop: stop, events: { event in
            switch event {
            case .cellStarted(let cell):
                events.append("start \(cell.number)")
            case .cellFinished(let outcome):
                events.append("end \(outcome.cell.number)\(outcome.interrupted ? " interrupted" : "")")
                if outcome.cell.number == 2 { stop.set(.afterCell) }
            case .runFinished(let run):
                events.append("finished: \(run.stop ?? "completed")")
            }
        })
        #expect(events == ["start 1", "end 1", "start 2", "end 2", "finished: stopped after cell 2"])
        #expect(run.cells.count == 2)
        #expect(run.outcome(2)?.interrupted == false)
        #expect(run.outcome(2)?.error == nil)
        #expect(try fixture.report().contains("stopped after cell 2"))
        // A finished cache cell is stored even when the run stops after it.
        #expect(cacheEntries(fixture).count == 1)
    }

    @Test(.timeLimit(.minutes(2)))
    func interruptedTrainingEndsTheCellAsInterruptedAndIsNotCached() throws {
        let text = """
            #%% cache  Training
            ds = normalize(synthetic_faces(24, seed=1))
            m = sequential([flatten(), dense(7, activation="softmax")], seed=1)
            h = fit(m, ds, epochs=100000, batch=8)
            """
        let fixture = try NotebookFixture(text)
        func runUntilEpoch2() throws -> NotebookRun {
            let stop = StopSwitch()
            return try self.run(fixture, stop: stop, log: { if $0.hasPrefix("Epoch 2/") { stop.set(.now) } })
        }
        let run = try runUntilEpoch2()
        let cell = try #require(run.outcome(1))
        // `fit` stops at its next batch and returns; nothing raised an error.
        #expect(cell.interrupted)
        #expect(cell.error == "interrupted before the cell finished")
        #expect(cell.output.contains("Interrupted in epoch 3 at batch 0/3"))
        #expect(run.stop == "interrupted in cell 1")
        #expect(cacheEntries(fixture).isEmpty)
        #expect(try runUntilEpoch2().outcome(1)?.cacheNote == "cache: re-running (nothing cached yet)")
    }

    @Test func aStopBeforeTheFirstCellRunsNothingAndStillWritesTheReport() throws {
        let fixture = try NotebookFixture(Self.text)
        let stop = StopSwitch()
        stop.set(.now)
        let run = try self.run(fixture, stop: stop)
        #expect(run.cells.isEmpty)
        #expect(run.stop == "stopped before the first cell")
        #expect(try fixture.report().contains("stopped before the first cell"))
    }
}
