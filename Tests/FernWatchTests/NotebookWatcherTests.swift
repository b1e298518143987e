import FernNotebook
import FernTestSupport
import Foundation
import Synchronization
import Testing
@testable import FernWatch

/// The watch loop on real files: a save while a cell runs lets that cell finish, stops before the
/// next one and starts over on the new file, reusing the finished cell from the cache.
@Suite struct NotebookWatcherTests {
    static func notebook(third: String) -> String {
        """
        #%% First
        print("first")

        #%% Slow
        print("slow cell started")
        total = 0
        for i in range(1000) {
            total = total + 1
        }
        print("slow cell done", total)

        #%% Third
        print("\(third)")
        """
    }

    @Test(.timeLimit(.minutes(3)))
    func aSaveDuringARunStopsAtTheNextCellAndStartsOver() async throws { try await withHighPriority {
        let folder = try TemporaryFolder()
        let path = folder.path("nb.fernb")
        try Self.notebook(third: "version one").write(toFile: path, atomically: true, encoding: .utf8)
        let page = LivePage()
        var events = page.subscribe().makeAsyncIterator()
        let quit = Mutex(false)
        let output = folder.url.appendingPathComponent("out")
        // The save happens inside the slow cell (from its print, on the run's thread), and the cell
        // goes on only once the watcher has seen it: no race with how busy the machine is.
        let watcherBox = Mutex<NotebookWatcher?>(nil)
        let saved = Mutex(false)
        let watcher = NotebookWatcher(path: path, page: page) {
            var options = NotebookRunOptions(outputFolder: output)
            options.log = { text in
                guard text.contains("slow cell started"), !saved.withLock({ $0 }) else { return }
                saved.withLock { $0 = true }
                try? Self.notebook(third: "version two").write(toFile: path, atomically: true, encoding: .utf8)
                while watcherBox.withLock({ $0?.changedSinceRun }) != true { Thread.sleep(forTimeInterval: 0.01) }
            }
            return options
        }
        watcherBox.withLock { $0 = watcher }
        let thread = Thread { watcher.run(shouldQuit: { quit.withLock { $0 } }, pollInterval: .milliseconds(50)) }
        thread.start()
        defer { quit.withLock { $0 = true } }

        var statuses: [LivePage.Status] = []
        func next() async throws -> LivePage.Status? {
            while let event = await events.next() {
                if event.hasPrefix("event: status\n"), let data = event.split(separator: "\n").first(where: { $0.hasPrefix("data: ") }) {
                    let status = try JSONDecoder().decode(LivePage.Status.self, from: Data(data.dropFirst(6).utf8))
                    statuses.append(status)
                    return status
                }
            }
            return nil
        }
        while let status = try await next(), !(status.state == "done" && page.report.html.contains("version two")) {}

        let stopped = try #require(statuses.firstIndex { $0.state == "stopped" })
        #expect(statuses[stopped].message == "stopped after cell 2")
        // The first run never reached cell 3; the second reused cells 1 and 2 and ran cell 3.
        #expect(!statuses[..<stopped].contains { $0.cell == 3 })
        #expect(statuses.last?.message?.hasPrefix("1 cell ran, 2 reused") == true)
        #expect(page.report.html.contains("slow cell done 1000"))
    } }
}
