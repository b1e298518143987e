import FernTestSupport
import Foundation
import Glibc
import Synchronization
import Testing

/// `fern run` as a separate process: Ctrl-C in the middle of a cell, and two
/// runs of one notebook sharing its output folder and cache.
@Suite struct RunCommandTests {
    /// A `fern run` in progress; its standard output and error are collected as they come.
    final class FernRun {
        /// Bytes read from a pipe so far, appended on the pipe's reading thread.
        final class Collected: Sendable {
            let data = Mutex(Data())
            var text: String { data.withLock { String(decoding: $0, as: UTF8.self) } }
        }

        private let process: Process
        private let printed = Collected()
        private let reported = Collected()

        /// `fern` sits next to the test bundle in the build folder (SwiftPM
        /// builds it with the tests); FERN_EXECUTABLE overrides.
        static var executable: String {
            if let given = ProcessInfo.processInfo.environment["FERN_EXECUTABLE"] { return given }
            let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            return testBinary.deletingLastPathComponent().appendingPathComponent("fern").path
        }

        init(_ arguments: [String], in folder: TemporaryFolder) throws {
            guard FileManager.default.isExecutableFile(atPath: Self.executable) else {
                Issue.record("no fern executable at \(Self.executable): build fern first (swift build), or set FERN_EXECUTABLE")
                throw CancellationError()
            }
            process = Process()
            process.executableURL = URL(fileURLWithPath: Self.executable)
            process.arguments = ["run"] + arguments
            process.currentDirectoryURL = folder.url
            let output = Pipe(), errors = Pipe()
            process.standardOutput = output
            process.standardError = errors
            process.standardInput = FileHandle.nullDevice
            for (pipe, sink) in [(output, printed), (errors, reported)] {
                pipe.fileHandleForReading.readabilityHandler = { handle in
                    let data = handle.availableData
                    if data.isEmpty { handle.readabilityHandler = nil } else { sink.data.withLock { $0.append(data) } }
                }
            }
            try process.run()
        }

        var output: String { printed.text }
        var errors: String { reported.text }
        var pid: pid_t { process.processIdentifier }

        /// Waits until standard output contains `text`; false after `seconds` or when fern ends first.
        func waitForOutput(_ text: String, seconds: Double) -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if output.contains(text) { return true }
                if !process.isRunning { return output.contains(text) }
                usleep(20_000)
            }
            return false
        }

        /// The exit status once fern has ended; nil (and fern killed) when it runs past `seconds`.
        func waitForExit(seconds: Double) -> Int32? {
            let deadline = Date().addingTimeInterval(seconds)
            while process.isRunning && Date() < deadline { usleep(20_000) }
            guard !process.isRunning else {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                return nil
            }
            process.waitUntilExit()
            usleep(100_000)  // the last bytes of the pipes
            return process.terminationReason == .exit ? process.terminationStatus : 128 + process.terminationStatus
        }
    }

    static let longCell = InterruptibleNotebook.text

    @Test(.timeLimit(.minutes(5)))
    func ctrlCStopsTheRunningCellWritesTheReportAndExits130() throws {
        let folder = try TemporaryFolder()
        try Self.longCell.write(toFile: folder.path("long.fernb"), atomically: true, encoding: .utf8)
        let fern = try FernRun(["long.fernb", "--out", "out"], in: folder)
        let started = fern.waitForOutput("long cell started", seconds: 120)
        #expect(started, "fern never reached the long cell; it printed:\n\(fern.output)\n\(fern.errors)")
        kill(fern.pid, SIGINT)
        let status = fern.waitForExit(seconds: 120)

        #expect(status == 130, "stderr: \(fern.errors)")
        #expect(fern.errors.contains("fern run: interrupted in cell 3, line 10 of long.fernb\n"))
        #expect(fern.errors.contains("report: \(folder.path("out/report.html"))"))
        let markdown = try String(contentsOfFile: folder.path("out/report.md"), encoding: .utf8)
        let html = try String(contentsOfFile: folder.path("out/report.html"), encoding: .utf8)
        for report in [markdown, html] {
            #expect(report.contains("first cell output 42"))
            #expect(report.contains("long cell started"))
            #expect(report.contains("interrupted in cell 3, line 10"))
            #expect(report.contains("interrupted at line 10"))
            #expect(!report.contains("Third"))
            #expect(!report.contains("third cell output"))
        }
        #expect(markdown.contains("**Interrupted**"))
        let cache = (try? FileManager.default.contentsOfDirectory(atPath: folder.path("out/.cache"))) ?? []
        #expect(cache.filter { !$0.hasPrefix(".") }.isEmpty, "the interrupted cell was cached: \(cache)")
    }

    static let cachedCells = """
        #%% parameters
        seed = 3

        #%% cache  Data
        ds = normalize(synthetic_faces(40, seed=seed))
        print("faces", len(ds))

        #%% cache  Model
        m = sequential([flatten(), dense(7, activation="softmax")], seed=seed)
        h = fit(m, ds, epochs=2, batch=8, seed=seed)
        print("accuracy", evaluate(m, ds)[1])

        #%% cache  Figure
        w = randn([32, 32], seed=seed)
        print("sum of squares", sum(w * w))
        show(bar_chart([1, 2, 3], title="three bars"), "bars")

        #%%
        print("after", len(ds), sum(w * w), evaluate(m, ds)[1])
        """

    /// The cell outputs of a report, from its ```text fences, without the
    /// times that training prints at the end of each epoch line.
    static func outputs(_ markdown: String) -> [String] {
        markdown.components(separatedBy: "```text\n").dropFirst().map { withoutEpochTimes($0.components(separatedBy: "\n```")[0]) }
    }

    @Test(.timeLimit(.minutes(10)))
    func twoRunsAtOnceShareTheCacheWithoutCorruptingIt() throws {
        let folder = try TemporaryFolder()
        try Self.cachedCells.write(toFile: folder.path("cached.fernb"), atomically: true, encoding: .utf8)
        let reference = try FernRun(["cached.fernb", "--out", "reference"], in: folder)
        #expect(reference.waitForExit(seconds: 300) == 0, "\(reference.errors)")
        let expected = Self.outputs(try String(contentsOfFile: folder.path("reference/report.md"), encoding: .utf8))
        #expect(expected.count == 4)

        // The first round fills an empty cache twice at once; in the others
        // one run rewrites every entry (--no-cache) while the other reads them.
        let rounds: [([String], [String])] = [([], [])] + Array(repeating: [(["--no-cache"], []), ([], ["--no-cache"])], count: 3).joined()
        for flags in rounds {
            let runs = try [flags.0, flags.1].map { try FernRun(["cached.fernb", "--out", "out"] + $0, in: folder) }
            for fern in runs {
                #expect(fern.waitForExit(seconds: 300) == 0, "\(fern.errors)")
                #expect(!fern.output.contains("could not"), "\(fern.output)")
            }
        }

        let last = try FernRun(["cached.fernb", "--out", "out"], in: folder)
        #expect(last.waitForExit(seconds: 300) == 0, "\(last.errors)")
        let markdown = try String(contentsOfFile: folder.path("out/report.md"), encoding: .utf8)
        #expect(markdown.components(separatedBy: "> cache: reused from").count - 1 == 3, "\(markdown)")
        #expect(Self.outputs(markdown) == expected)
        #expect(FileManager.default.contents(atPath: folder.path("out/bars.png"))
                == FileManager.default.contents(atPath: folder.path("reference/bars.png")))

        let cache = folder.url.appendingPathComponent("out/.cache")
        let names = try FileManager.default.contentsOfDirectory(atPath: cache.path).sorted()
        let entries = names.filter { !$0.hasPrefix(".") }
        #expect(Set(names).subtracting(entries).isSubset(of: [".lock", ".running"]), "left behind: \(names)")
        #expect(entries.count == 3)
        for entry in entries {
            let files = try FileManager.default.contentsOfDirectory(atPath: cache.appendingPathComponent(entry).path)
            #expect(!files.contains { $0.hasPrefix(".") }, "temporary files in \(entry): \(files)")
            let json = try Data(contentsOf: cache.appendingPathComponent(entry).appendingPathComponent("entry.json"))
            let object = try JSONSerialization.jsonObject(with: json) as? [String: Any]
            #expect(object?["key"] as? String == entry)
        }
    }
}
