import ArgumentParser
import FernLang
import FernNotebook
import FernWatch
import Foundation
import Synchronization

/// `fern watch FILE.fernb`: runs a notebook, serves its report as a live page and runs it again on
/// every save.
struct Watch: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a notebook, serve its report as a live page, and run it again each time the file is saved.",
        discussion: """
            Open the printed address in a browser. Every code cell goes through the cell cache, so a save \
            re-runs only the cells whose source or inputs changed, and those after them that read what \
            they made; each open page updates in place, keeping its scroll position. While a cell runs \
            the page shows which one and fit's epochs. A save during a run stops it at the next cell \
            boundary and starts over. Ctrl-C stops. Serves on 127.0.0.1 only unless --host says otherwise.
            """)

    @Argument(help: "The notebook to watch.")
    var notebook: String

    @Option(name: [.customShort("p"), .customLong("param")], help: ArgumentHelp(
        "Set a parameter of the notebook's parameters cell, e.g. -p epochs=3.", valueName: "name=value"))
    var parameters: [String] = []

    @Option(name: .customLong("out"), help: ArgumentHelp(
        "Output folder for figures, reports and the cache (default: NAME-out in the working directory).", valueName: "dir"))
    var output: String?

    @Option(help: "Port to serve on (0: any free port; the address is printed).")
    var port: Int = 8000

    @Option(help: "Address to listen on; 127.0.0.1 keeps the page to this machine.")
    var host: String = "127.0.0.1"

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port \(port) is not a port number (0-65535)") }
    }

    func run() throws {
        let overrides = try parameters.map(ParameterOverride.init(parsing:))
        guard FileManager.default.fileExists(atPath: notebook) else {
            throw ValidationError("no notebook at \(notebook)")
        }
        let folder = output.map { URL(fileURLWithPath: $0) } ?? NotebookRunOptions.defaultOutputFolder(for: notebook)
        Interrupts.install(signals: [SIGINT, SIGTERM], exitOnRepeat: "\nfern watch: stopped at once\n")
        let page = LivePage()
        let server = WatchServer(page: page, host: host, port: port)
        let started = DispatchSemaphore(value: 0)
        let outcome = Mutex<Result<Int, any Error>?>(nil)
        let serving = Task {
            do {
                try await server.run { port in
                    outcome.withLock { $0 = .success(port) }
                    started.signal()
                }
            } catch {
                outcome.withLock { if $0 == nil { $0 = .failure(error) } }
                started.signal()
            }
        }
        started.wait()
        switch outcome.withLock({ $0 })! {
        case .failure(let error):
            FileHandle.standardError.write(Data("fern watch: error: \(error)\n".utf8))
            throw ExitCode.failure
        case .success(let bound):
            print("fern watch: serving \(notebook) at http://\(host):\(bound)/ — Ctrl-C stops")
            fflush(nil)
        }
        let watcher = NotebookWatcher(path: notebook, page: page) {
            var options = NotebookRunOptions(outputFolder: folder)
            options.parameters = overrides
            options.log = { FileHandle.standardOutput.write(Data($0.utf8)) }
            return options
        }
        watcher.run(shouldQuit: { Interrupts.isPending }, log: { FileHandle.standardError.write(Data($0.utf8)) })
        page.close()
        serving.cancel()
        print("\nfern watch: stopped")
    }
}
