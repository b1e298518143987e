import FernNotebook
import Foundation
import Testing

@Suite struct NotebookCacheTests {
    /// The stored output of the one cache entry, rewritten, so that a re-run
    /// that shows the rewritten text has provably replayed instead of run.
    private func tamperWithCachedOutput(_ fixture: NotebookFixture) throws {
        let cache = fixture.output.appendingPathComponent(".cache")
        let entries = try FileManager.default.contentsOfDirectory(atPath: cache.path).filter { !$0.hasPrefix(".") }
        #expect(entries.count == 1)
        let file = cache.appendingPathComponent(entries[0]).appendingPathComponent("entry.json")
        let json = try String(contentsOf: file, encoding: .utf8)
        try json.replacingOccurrences(of: "computed total", with: "replayed from cache").write(to: file, atomically: true, encoding: .utf8)
    }

    @Test func anUnchangedCachedCellIsNotRunAgain() throws {
        let fixture = try NotebookFixture()
        let first = try fixture.run()
        #expect(first.outcome(4)?.ran == true)
        #expect(first.outcome(4)?.cacheNote == "cache: re-running (nothing cached yet)")
        try tamperWithCachedOutput(fixture)

        let second = try fixture.run()
        let cached = try #require(second.outcome(4))
        #expect(!cached.ran)
        #expect(cached.cacheNote?.hasPrefix("cache: reused from 20") == true)
        #expect(cached.output.contains("replayed from cache"))
        // The variables the cell assigned were restored for the cells after it.
        #expect(second.outcome(5)?.output == first.outcome(5)?.output)
        #expect(try fixture.report().contains("cache: reused from"))
    }

    @Test func editingProseOrAnUnrelatedCellKeepsTheCache() throws {
        let fixture = try NotebookFixture()
        _ = try fixture.run()
        try tamperWithCachedOutput(fixture)
        try fixture.write(NotebookFixture.text
            .replacingOccurrences(of: "# Tiny notebook", with: "# Tiny notebook, retitled\n\nMore words.")
            .replacingOccurrences(of: "print(label, len(ds))", with: "print(label, len(ds), \"images\")"))
        let run = try fixture.run()
        #expect(run.outcome(4)?.ran == false)
        #expect(run.outcome(4)?.output.contains("replayed from cache") == true)
    }

    @Test func changingAValueTheCellReadsUpstreamInvalidatesIt() throws {
        let fixture = try NotebookFixture()
        _ = try fixture.run()
        try fixture.write(NotebookFixture.text.replacingOccurrences(of: "seed = 1", with: "seed = 2"))
        let run = try fixture.run()
        let cell = try #require(run.outcome(4))
        #expect(cell.ran)
        #expect(cell.cacheNote == "cache: re-running (input changed: seed)")
        #expect(cell.output.contains("computed total"))
    }

    /// A cached cell that uses a helper file: reused while the file is unchanged, re-run when
    /// it is edited (even when the notebook runs from another directory), with the file named.
    @Test func editingAFileTheCellUsesInvalidatesIt() throws {
        let text = NotebookFixture.text.replacingOccurrences(of: "#%% cache  Expensive step\n", with: "#%% cache  Expensive step\nuse \"lib/scale.fern\"\n")
            .replacingOccurrences(of: "sum(w * 2)", with: "sum(w * factor)")
        let fixture = try NotebookFixture(text)
        let helper = fixture.folder.path("lib/scale.fern")
        try FileManager.default.createDirectory(atPath: fixture.folder.path("lib"), withIntermediateDirectories: true)
        try "factor = 2\n".write(toFile: helper, atomically: true, encoding: .utf8)
        let first = try fixture.run()
        #expect(first.failure == nil, "\(String(describing: first.failure))")
        #expect(first.outcome(4)?.ran == true)
        #expect(try fixture.run().outcome(4)?.ran == false)
        try "factor = 3\n".write(toFile: helper, atomically: true, encoding: .utf8)
        let edited = try fixture.run()
        let cell = try #require(edited.outcome(4))
        #expect(cell.ran)
        #expect(cell.cacheNote?.hasPrefix("cache: re-running (file changed: ") == true, "\(String(describing: cell.cacheNote))")
        #expect(cell.cacheNote?.contains("scale.fern") == true)
        #expect(edited.outcome(5)?.output != first.outcome(5)?.output)
    }

    @Test func changingTheCellsSourceInvalidatesIt() throws {
        let fixture = try NotebookFixture()
        _ = try fixture.run()
        try fixture.write(NotebookFixture.text.replacingOccurrences(of: "sum(w * 2)", with: "sum(w * 3)"))
        let run = try fixture.run()
        #expect(run.outcome(4)?.ran == true)
        #expect(run.outcome(4)?.cacheNote == "cache: re-running (source changed)")
    }

    @Test func aParameterFromTheCommandLineInvalidatesCellsThatReadIt() throws {
        let fixture = try NotebookFixture()
        _ = try fixture.run()
        let changed = try fixture.run(["seed=7"])
        #expect(changed.outcome(4)?.ran == true)
        #expect(changed.outcome(4)?.cacheNote == "cache: re-running (input changed: seed)")
        // `n` is not read by the cached cell: changing it keeps the entry.
        let unrelated = try fixture.run(["seed=7", "n=10"])
        #expect(unrelated.outcome(4)?.ran == false)
    }

    @Test func noCacheRunsTheCellAndRefreshesItsEntry() throws {
        let fixture = try NotebookFixture()
        _ = try fixture.run()
        try tamperWithCachedOutput(fixture)
        let forced = try fixture.run(useCache: false)
        #expect(forced.outcome(4)?.ran == true)
        #expect(forced.outcome(4)?.cacheNote == "cache: re-running (--no-cache)")
        #expect(forced.outcome(4)?.output.contains("computed total") == true)
        let after = try fixture.run()
        #expect(after.outcome(4)?.ran == false)
        #expect(after.outcome(4)?.output.contains("computed total") == true)
    }

    @Test func aCellThatDefinesAFunctionSaysItCannotBeCachedAndRuns() throws {
        let fixture = try NotebookFixture("""
            #%% cache
            def double(x) {
                return 2 * x
            }
            print("ran")
            """)
        for _ in 0..<2 {
            let run = try fixture.run()
            #expect(run.outcome(1)?.ran == true)
            #expect(run.outcome(1)?.cacheNote?.contains("`double` holds a function") == true)
        }
    }

    @Test func aFunctionTheCellCallsIsAnInputWithTheGlobalsItReads() throws {
        let text = """
            #%%
            scale = 2
            def f(x) {
                return x * scale
            }
            #%% cache
            y = f(5)
            print(y)
            """
        let fixture = try NotebookFixture(text)
        #expect(try fixture.run().outcome(2)?.output == "10\n")
        #expect(try fixture.run().outcome(2)?.ran == false)
        try fixture.write(text.replacingOccurrences(of: "scale = 2", with: "scale = 3"))
        let run = try fixture.run()
        #expect(run.outcome(2)?.ran == true)
        #expect(run.outcome(2)?.output == "15\n")
    }

    @Test func tensorsListsAndDatasetsComeBackFromTheCache() throws {
        let text = """
            #%% cache
            ds = synthetic_faces(8, 3)
            t = randn([2, 3], seed=4)
            items = [1, "two", true, none, [t]]
            #%%
            print(len(ds), t, items[1], class_counts(ds))
            """
        let fixture = try NotebookFixture(text)
        let first = try fixture.run()
        let second = try fixture.run()
        #expect(second.outcome(1)?.ran == false)
        #expect(second.outcome(2)?.output == first.outcome(2)?.output)
        #expect(second.succeeded)
    }

    @Test func aFileNamedByTheCellIsAnInputToo() throws {
        let fixture = try NotebookFixture()
        let data = fixture.folder.path("labels.txt")
        try "1 2 3".write(toFile: data, atomically: true, encoding: .utf8)
        try fixture.write("#%% cache\nsource = \"\(data)\"\nprint(\"read\", source)")
        #expect(try fixture.run().outcome(1)?.ran == true)
        #expect(try fixture.run().outcome(1)?.ran == false)
        try "1 2 3 4".write(toFile: data, atomically: true, encoding: .utf8)
        let run = try fixture.run()
        #expect(run.outcome(1)?.ran == true)
        #expect(run.outcome(1)?.cacheNote == "cache: re-running (file changed: \(data))")
    }
}
