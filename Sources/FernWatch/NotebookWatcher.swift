import FernNotebook
import Foundation
import Synchronization

/// Runs a notebook, and again each time its file is saved, publishing each report to a `LivePage`.
/// Every code cell goes through the cell cache, so an edit re-runs only the cells whose source or
/// inputs changed and those downstream. A save during a run stops it at the next cell boundary
/// and starts over with the new file.
public final class NotebookWatcher: Sendable {
    public let path: String
    public let page: LivePage
    private let makeOptions: @Sendable () -> NotebookRunOptions
    /// The file's bytes as last run (or found unreadable), and whether they have changed since.
    private let seen = Mutex<(content: Data?, changed: Bool)>((nil, false))

    /// `makeOptions` gives each run's options (output folder, parameters, log); the watcher adds
    /// the cache, stop and event hooks.
    public init(path: String, page: LivePage, options makeOptions: @escaping @Sendable () -> NotebookRunOptions) {
        (self.path, self.page, self.makeOptions) = (path, page, makeOptions)
    }

    /// Runs until `shouldQuit` (Ctrl-C): a run, then a wait for the next save, and so on.
    /// `pollInterval` is how often the file is looked at.
    public func run(shouldQuit: @escaping @Sendable () -> Bool, pollInterval: Duration = .milliseconds(200),
                    log: @escaping (String) -> Void = { _ in }) {
        let poller = Thread { [self] in
            while !shouldQuit() {
                let content = FileManager.default.contents(atPath: path)
                seen.withLock { if content != $0.content { $0.changed = true } }
                Thread.sleep(forTimeInterval: pollInterval.seconds)
            }
        }
        poller.start()
        while !shouldQuit() {
            let content = FileManager.default.contents(atPath: path)
            seen.withLock { $0 = (content, false) }
            runOnce(shouldQuit: shouldQuit, log: log)
            while !shouldQuit() && !seen.withLock({ $0.changed }) {
                Thread.sleep(forTimeInterval: pollInterval.seconds)
            }
            if !shouldQuit() { log("\(path) changed: running it again\n") }
        }
    }

    /// Whether the file has been seen to change since the current (or last) run read it.
    var changedSinceRun: Bool { seen.withLock { $0.changed } }

    /// One run of the notebook as it is now.
    func runOnce(shouldQuit: @escaping @Sendable () -> Bool, log: @escaping (String) -> Void) {
        let notebook: NotebookFile
        do {
            notebook = try NotebookFile.read(path: path)
        } catch {
            log("fern watch: \(error)\n")
            page.publish(status: .init(state: "waiting", message: "\(error) — fix the file and save it again"))
            return
        }
        var options = makeOptions()
        options.cacheEveryCell = true
        let changed: @Sendable () -> Bool = { [self] in seen.withLock { $0.changed } }
        options.shouldStop = { shouldQuit() ? .now : changed() ? .afterCell : nil }
        let progress = Mutex(LivePage.Status(state: "running"))
        let page = self.page
        let userLog = options.log
        options.log = { text in
            userLog(text)
            guard let line = text.split(separator: "\n").last(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }),
                  !line.hasPrefix("── cell") else { return }
            let status = progress.withLock { status -> LivePage.Status in
                status.progress = String(line.prefix(200))
                if let match = line.firstMatch(of: /Epoch (\d+)\/(\d+)/) {
                    (status.epoch, status.epochs) = (Int(match.1), Int(match.2))
                }
                return status
            }
            page.publish(status: status)
        }
        // Until a first report exists, the page fills in cell by cell.
        var partial = NotebookRun(notebook: notebook, outputFolder: options.outputFolder, started: Date())
        options.events = { event in
            switch event {
            case .cellFinished(let outcome) where page.report.version == 0 || partial.cells.count > 0:
                partial.cells.append(outcome)
                let codeCells = notebook.cells.filter { $0.kind != .markdown }.count
                let done = partial.cells.filter { $0.cell.kind != .markdown }.count
                partial.stop = "running: \(done) of \(codeCells) code cells done"
                page.publish(report: NotebookReport(run: partial).html())
            case .cellStarted(let cell) where cell.kind != .markdown:
                let status = LivePage.Status(state: "running", cell: cell.number, title: cell.title.isEmpty ? nil : cell.title)
                progress.withLock { $0 = status }
                page.publish(status: status)
            case .runFinished(let run):
                page.publish(report: NotebookReport(run: run).html())
                page.publish(status: NotebookWatcher.status(after: run))
            default:
                break
            }
        }
        do {
            _ = try NotebookRunner.run(notebook, options: options)
        } catch {
            log("fern watch: \(error)\n")
            page.publish(status: .init(state: "failed", message: "\(error)"))
        }
    }

    static func status(after run: NotebookRun) -> LivePage.Status {
        if let failure = run.failure {
            return .init(state: "failed", cell: failure.cellNumber, message: "error in cell \(failure.cellNumber)\(failure.line.map { ", line \($0)" } ?? "") — fix it and save")
        }
        if let stop = run.stop { return .init(state: "stopped", message: stop) }
        let reused = run.cells.filter { !$0.ran }.count
        let ran = run.cells.filter { $0.ran && $0.cell.kind != .markdown }.count
        return .init(state: "done", message: "\(ran) cell\(ran == 1 ? "" : "s") ran, \(reused) reused, \(String(format: "%.1f", run.seconds)) s")
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
