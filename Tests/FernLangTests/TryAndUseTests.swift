import Foundation
import Testing
@testable import FernLang

/// `try { } catch e { }` and `use "file"`: run, refused with a caret where malformed, and seen
/// by the cell cache.
@Suite struct TryAndUseTests {
    @Test func catchRunsOnAnErrorWithItsMessage() throws {
        #expect(try evaluate("try { x = 1 } catch e { x = 2 }\nx") == "1")
        #expect(try evaluate("try { x = [1][5] } catch e { x = e }\nx") == "\"index 5 is out of range for a list of length 1\"".replacingOccurrences(of: "\"", with: ""))
        #expect(try evaluate("try { tensor([1, 2]) + tensor([1, 2, 3]) } catch e { m = e }\n\"add\" in m and \"[2]\" in m") == "true")
        // Without a name; on separate lines; statements after the failure in the body do not run.
        #expect(try evaluate("log = []\ntry {\n  log.append(1)\n  1 + \"a\"\n  log.append(2)\n}\ncatch {\n  log.append(3)\n}\nlog") == "[1, 3]")
        // An error inside a called function is caught where the call is.
        #expect(try evaluate("def f(x) { return x[\"k\"] }\ntry { f({}) } catch e { r = e }\nr") == "key \"k\" is not in the dictionary (it is empty)")
        // return, break and continue pass through a try.
        #expect(try evaluate("def f() { try { return 1 } catch { return 2 } }\nf()") == "1")
        #expect(try evaluate("n = 0\nfor i in range(9) { try { if i == 3 { break } } catch { }\n n += 1 }\nn") == "3")
        // The handler's own error is not caught by the same try.
        #expect(errorText("try { 1 + \"a\" } catch e { e + 1 }").contains("unsupported operand types for +: string and number"))
        // Nested: the inner handler rethrows by failing; the outer one catches.
        #expect(try evaluate("try { try { [][0] } catch e { [][1] } } catch f { r = f }\nr").contains("index 1"))
    }

    @Test func aStopRequestIsNotCaught() {
        let interpreter = Interpreter(output: { _ in })
        var polls = 0
        interpreter.shouldStop = { polls += 1; return polls > 5 }
        #expect(throws: FernError.self) {
            _ = try interpreter.run("n = 0\ntry { while true { n += 1 } } catch e { n = -1 }")
        }
        interpreter.shouldStop = { false }
        #expect((try? interpreter.run("n").map(\.description)) != "-1")
    }

    @Test func badTryCodeGetsACaret() {
        #expect(errorText("try { x = 1 }\nx") == """
            <input>:1:14: error: expected 'catch' after the 'try' block
                try { x = 1 }
                             ^
            """)
        #expect(errorText("catch e { }") == """
            <input>:1:1: error: 'catch' without a matching 'try'
                catch e { }
                ^
            """)
        #expect(errorText("try x = 1 catch { }").contains("expected '{' after 'try'"))
        #expect(errorText("try { } catch e f { }").contains("expected '{' after 'catch e'"))
    }

    /// A folder of Fern files that is removed afterwards.
    private struct Files {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fern-use-\(UUID().uuidString)")

        func write(_ name: String, _ text: String) throws -> String {
            let url = folder.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
            return url.path
        }

        func remove() { try? FileManager.default.removeItem(at: folder) }
    }

    @Test func useRunsAFileOnceRelativeToTheFileThatUsesIt() throws {
        let files = Files()
        defer { files.remove() }
        _ = try files.write("lib/helpers.fern", "runs = runs + 1\ndef pct(x) { return f\"{x:.0%}\" }\nuse \"constants.fern\"")
        _ = try files.write("lib/constants.fern", "classes = [\"angry\", \"happy\"]")
        let main = try files.write("main.fern", "runs = 0\nuse \"lib/helpers.fern\"\nuse \"lib/helpers.fern\"\n[runs, pct(0.25), classes]")
        var printed: [String] = []
        let interpreter = Interpreter(output: { printed.append($0) })
        let source = try String(contentsOfFile: main, encoding: .utf8)
        #expect(try interpreter.run(source, file: main)?.description == "[1, \"25%\", [\"angry\", \"happy\"]]")
        // Once per session: another cell's use does not run it again; after reset it does.
        #expect(try interpreter.run("use \"lib/helpers.fern\"\nruns", file: main)?.description == "1")
        interpreter.reset()
        #expect(try interpreter.run("runs = 10\nuse \"lib/helpers.fern\"\nruns", file: main)?.description == "11")
        // An absolute path is used as written.
        #expect(try Interpreter(output: { _ in }).run("use \"\(files.folder.path)/lib/constants.fern\"\nlen(classes)")?.description == "2")
    }

    @Test func useErrorsNameTheFileAndTheCycle() throws {
        let files = Files()
        defer { files.remove() }
        let a = try files.write("a.fern", "use \"b.fern\"")
        let b = try files.write("b.fern", "x = 1\nuse \"a.fern\"")
        let broken = try files.write("broken.fern", "def f() { return 1 }\ny = f() + \"a\"")
        let user = try files.write("user.fern", "use \"broken.fern\"")
        func error(_ file: String) -> String {
            errorText((try? String(contentsOfFile: file, encoding: .utf8)) ?? "", file: file)
        }
        #expect(error(a) == """
            \(b):2:5: error: use "a.fern" makes a cycle: a.fern uses b.fern uses a.fern
                use "a.fern"
                    ^
            """)
        #expect(errorText("use \"user.fern\"", file: a).contains("\(broken):2:9: error: unsupported operand types for +: number and string"))
        #expect(error(user).contains("\(broken):2:9"))
        #expect(errorText("use \"missing.fern\"", file: a) == """
            \(a):1:5: error: cannot use "missing.fern": no such file (looked for \(files.folder.path)/missing.fern)
                use "missing.fern"
                    ^
            """)
        #expect(errorText("def f() { use \"a.fern\" }") == """
            <input>:1:11: error: 'use' belongs at the top level, not inside a function
                def f() { use "a.fern" }
                          ^
            """)
        #expect(errorText("use helpers").contains("expected a file name in quotes after 'use', e.g. use \"helpers.fern\""))
        // A failed use can be retried once the file is fixed.
        let interpreter = Interpreter(output: { _ in })
        #expect(throws: FernError.self) { _ = try interpreter.run("use \"broken.fern\"", file: user) }
        _ = try files.write("broken.fern", "y = 2")
        #expect(try interpreter.run("use \"broken.fern\"\ny", file: user)?.description == "2")
    }

    @Test func theCellCacheSeesTheUsedFilesContentAndNames() throws {
        let files = Files()
        defer { files.remove() }
        let notebook = try files.write("nb.fernb", "")
        _ = try files.write("h.fern", "use \"sub/k.fern\"\nscale = factor * 2")
        _ = try files.write("sub/k.fern", "k = 1\nuse \"../h.fern\"")
        let usage = try VariableUsage(of: "use \"h.fern\"\ny = scale").includingUsedFiles(from: notebook)
        #expect(usage.uses == ["h.fern"])
        #expect(usage.assigns.isSuperset(of: ["y", "scale", "k"]))
        #expect(usage.reads.contains("factor"))
        #expect(usage.usedFiles.count == 2)
        let before = usage.usedFiles
        _ = try files.write("sub/k.fern", "k = 2\nuse \"../h.fern\"")
        let after = try VariableUsage(of: "use \"h.fern\"\ny = scale").includingUsedFiles(from: notebook).usedFiles
        #expect(after.filter { $0.key.hasSuffix("h.fern") } == before.filter { $0.key.hasSuffix("h.fern") })
        #expect(after.filter { $0.key.hasSuffix("k.fern") } != before.filter { $0.key.hasSuffix("k.fern") })
        // A missing file is recorded, not an error: the cell reports it when it runs.
        #expect(try VariableUsage(of: "use \"none.fern\"").includingUsedFiles(from: notebook).usedFiles.values.first == "-")
    }
}
