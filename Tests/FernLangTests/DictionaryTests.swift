import Foundation
import Testing
@testable import FernLang

/// Dictionaries as Python has them: literals and comprehensions, indexing, `in`, iteration,
/// methods, item assignment, printing, equality, the cache's coding and fingerprints.
@Suite struct DictionaryTests {
    private func parenthesized(_ source: String) throws -> String {
        guard case .expression(let expr) = try Parser.parse(source)[0] else { return "not an expression" }
        return expr.parenthesized
    }

    @Test func literalsKeepInsertionOrderAndPrintAsTheyAreWritten() throws {
        #expect(try evaluate("{\"b\": 2, \"a\": 1}") == "{\"b\": 2, \"a\": 1}")
        #expect(try evaluate("{}") == "{}")
        #expect(try evaluate("{1: \"one\", true: [1, 2], none: {\"x\": 0.5}}") == "{1: \"one\", true: [1, 2], none: {\"x\": 0.5}}")
        // A repeated key keeps its first place and its last value, as in Python.
        #expect(try evaluate("{\"a\": 1, \"b\": 2, \"a\": 3}") == "{\"a\": 3, \"b\": 2}")
        // Entries may spread over lines, with a trailing comma.
        #expect(try evaluate("d = {\n  \"a\": 1,\n  \"b\": 2,\n}\nlen(d)") == "2")
        #expect(try parenthesized("{a + 1: b * 2, \"k\": [x]}") == "{(a + 1): (b * 2), \"k\": [x]}")
        #expect(try evaluate("type({})") == "dict")
        #expect(try evaluate("str({\"s\": \"q\\\"\"})") == "{\"s\": \"q\\\"\"}")
    }

    @Test func comprehensionsBuildDictionaries() throws {
        #expect(try evaluate("{x: x * x for x in range(4) if x > 0}") == "{1: 1, 2: 4, 3: 9}")
        #expect(try evaluate("names = [\"a\", \"b\"]\n{n: i for i, n in enumerate(names)}") == "{\"a\": 0, \"b\": 1}")
        #expect(try evaluate("{k: v for k, v in {\"x\": 1, \"y\": 2}.items() if v > 1}") == "{\"y\": 2}")
        #expect(try parenthesized("{k: v for k in ks if k}") == "{k: v for k in ks if k}")
        #expect(errorText("d = {k: 1 for k in range(2)}\nk").contains("unknown name 'k'"))
    }

    @Test func indexingMembershipIterationAndLength() throws {
        let d = "d = {\"angry\": 3, \"happy\": 7, 2: \"two\"}\n"
        #expect(try evaluate(d + "d[\"happy\"] + d[\"angry\"]") == "10")
        #expect(try evaluate(d + "d[2]") == "\"two\"".replacingOccurrences(of: "\"", with: ""))
        #expect(try evaluate(d + "[\"happy\" in d, \"sad\" in d, \"sad\" not in d, 2 in d, 7 in d]") == "[true, false, true, true, false]")
        #expect(try evaluate(d + "[k for k in d]") == "[\"angry\", \"happy\", 2]")
        #expect(try evaluate(d + "len(d)") == "3")
        #expect(try evaluate(d + "list(d)") == "[\"angry\", \"happy\", 2]")
        #expect(try evaluate(d + "sorted([d[\"happy\"], d[\"angry\"]])") == "[3, 7]")
        #expect(try evaluate("dict(zip([\"a\", \"b\"], [1, 2]))") == "{\"a\": 1, \"b\": 2}")
        #expect(try evaluate("dict()") == "{}")
        // -0 and 0 are one key; numbers and bools are not.
        #expect(try evaluate("d = {0: \"zero\"}\n[d[-0], 1 in {true: 1}]") == "[\"zero\", false]")
        // Truthiness and equality ignore order, as Python's do.
        #expect(try evaluate("[not {}, not {1: 2}]") == "[true, false]")
        #expect(try evaluate("{\"a\": 1, \"b\": [2]} == {\"b\": [2], \"a\": 1}") == "true")
        #expect(try evaluate("{\"a\": 1} == {\"a\": 2}") == "false")
    }

    @Test func methodsReadAndChangeTheDictionaryInItsVariable() throws {
        let d = "d = {\"a\": 1, \"b\": 2}\n"
        #expect(try evaluate(d + "[d.keys(), d.values(), d.items()]") == "[[\"a\", \"b\"], [1, 2], [[\"a\", 1], [\"b\", 2]]]")
        #expect(try evaluate(d + "[d.get(\"a\"), d.get(\"z\"), d.get(\"z\", 0), d.get(key=\"b\")]") == "[1, none, 0, 2]")
        #expect(try evaluate(d + "v = d.pop(\"a\")\n[v, d]") == "[1, {\"b\": 2}]")
        #expect(try evaluate(d + "d.update({\"b\": 20, \"c\": 3})\nd") == "{\"a\": 1, \"b\": 20, \"c\": 3}")
        #expect(try evaluate(d + "total = 0\nfor k, v in d.items() { total += v }\ntotal") == "3")
        // A dictionary of lists, grown through its items.
        #expect(try evaluate("groups = {\"odd\": [], \"even\": []}\nfor n in range(5) { groups[[\"even\", \"odd\"][n % 2]].append(n) }\ngroups")
                == "{\"odd\": [1, 3], \"even\": [0, 2, 4]}")
        // Changes stay with the value: a copy held elsewhere does not change.
        #expect(try evaluate(d + "e = d\nd[\"a\"] = 9\n[d[\"a\"], e[\"a\"]]") == "[9, 1]")
        // A function's changes to a global dictionary reach it, as Python's do.
        #expect(try evaluate("counts = {}\ndef add(k) { counts[k] = counts.get(k, 0) + 1 }\nadd(\"x\"); add(\"x\"); add(\"y\")\ncounts")
                == "{\"x\": 2, \"y\": 1}")
    }

    @Test func itemAssignmentSetsKeysAndReplacesListElements() throws {
        #expect(try evaluate("d = {}\nd[\"x\"] = 1\nd[\"x\"] += 4\nd[\"y\"] = [d[\"x\"]]\nd") == "{\"x\": 5, \"y\": [5]}")
        #expect(try evaluate("xs = [1, 2, 3]\nxs[0] = 10\nxs[-1] *= 5\nxs[1] -= 1\nxs") == "[10, 1, 15]")
        #expect(try evaluate("n = 3\nn += 2\nn /= 2\nn") == "2.5")
        #expect(try evaluate("s = \"a\"\ns += \"b\"\nxs = [1]\nxs += [2]\n[s, xs]") == "[\"ab\", [1, 2]]")
        // The key is evaluated once.
        #expect(try evaluate("calls = []\ndef k() { calls.append(1)\n return \"a\" }\nd = {\"a\": 1}\nd[k()] += 1\n[d, len(calls)]") == "[{\"a\": 2}, 1]")
    }

    @Test func badDictionaryCodeGetsACaretAtTheCause() {
        #expect(errorText("d = {\"a\": 1}\nd[\"b\"]") == """
            <input>:2:2: error: key "b" is not in the dictionary; its keys: "a"
                d["b"]
                 ^
            """)
        #expect(errorText("{}[1]").contains("key 1 is not in the dictionary (it is empty)"))
        #expect(errorText("{[1]: 2}") == """
            <input>:1:2: error: a dictionary key must be a number, string, bool or none, got a list
                {[1]: 2}
                 ^
            """)
        #expect(errorText("{1, 2}") == """
            <input>:1:3: error: expected ':' after the dictionary key; Fern has no sets, use a list [...]
                {1, 2}
                  ^
            """)
        #expect(errorText("{\"a\": 1 \"b\": 2}") == """
            <input>:1:9: error: expected '}' or ',' after the dictionary entry
                {"a": 1 "b": 2}
                        ^
            """)
        #expect(errorText("d = {}\nd[1:2]").contains("expected one key in [...], not a slice or several"))
        #expect(errorText("xs = [1]\nxs[3] = 0") == """
            <input>:2:4: error: index 3 is out of range for a list of length 1; append adds an element
                xs[3] = 0
                   ^
            """)
        #expect(errorText("t = tensor([1, 2])\nt[0] = 5").contains("cannot assign to an item of a tensor; only lists and dictionaries change"))
        #expect(errorText("f()[0] = 1") == """
            <input>:1:1: error: can only assign to an item of a list or dictionary held in a variable, as in name[key] = value
                f()[0] = 1
                ^
            """)
        #expect(errorText("xs = [1]\nxs[0:1] = [2]").contains("assigning to a slice or to several indices is not supported"))
        #expect(errorText("d = {}\nd[\"n\"] += 1").contains("key \"n\" is not in the dictionary (it is empty)"))
        #expect(errorText("d = {\"a\": 1}\nd.keys").contains("'keys' is a method of a dict; call it: d.keys()"))
        #expect(errorText("d = {\"a\": 1}\nd.value()").contains("a dict has no member 'value'; did you mean 'values()'?"))
        #expect(errorText("d = {}\nd.get()").contains("dict.get() is missing a value for 'key'; usage: d.get(key, default=none)"))
        #expect(errorText("d = {}\nd.update([1])").contains("dict.update: expected a dict for 'other', got list"))
        #expect(errorText("[1, 2].index(5)").contains("5 is not in the list"))
        #expect(errorText("dict([[1, 2], [3]])").contains("dict: each pair must be a [key, value] list, got [3]"))
        #expect(errorText("x = 1\nx += \"a\"") == """
            <input>:2:3: error: unsupported operand types for +: number and string
                x += "a"
                  ^
            """)
        #expect(errorText("[2].pop()").contains("pop() changes a list or dictionary held in a variable"))
    }

    @Test func listAndStringMethods() throws {
        #expect(try evaluate("xs = [3, 1]\nxs.insert(0, 9)\nxs.insert(-1, 5)\nxs.insert(99, 0)\nxs") == "[9, 3, 5, 1, 0]")
        #expect(try evaluate("xs = [1, 2, 3]\n[xs.pop(), xs.pop(0), xs]") == "[3, 1, [2]]")
        #expect(try evaluate("[[1, 2, 1].count(1), [\"a\", \"b\"].index(\"b\")]") == "[2, 1]")
        #expect(errorText("xs = []\nxs.pop()").contains("pop from an empty list"))
        #expect(try evaluate("\", \".join([\"a\", 1, 2.5])") == "\"a, 1, 2.5\"".replacingOccurrences(of: "\"", with: ""))
        #expect(try evaluate("[\" a  b\\n\".split(), \"a,b,,c\".split(\",\"), \"  x \".strip()]") == "[[\"a\", \"b\"], [\"a\", \"b\", \"\", \"c\"], \"x\"]")
        #expect(try evaluate("[\"Ab\".upper(), \"Ab\".lower(), \"aXa\".replace(\"a\", \"-\"), \"img.png\".endswith(\".png\"), \"img\".startswith(\"x\")]")
                == "[\"AB\", \"ab\", \"-X-\", true, false]")
        #expect(errorText("\"a\".split(\"\")").contains("split: the separator is empty"))
        #expect(try evaluate("help(\"append\")") == "nil")
    }

    @Test func dictionariesAreStoredAndFingerprintedByContent() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fern-dict-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let interpreter = Interpreter(output: { _ in })
        let value = try #require(try interpreter.run("{\"w\": tensor([1, 2]), 3: [none, true], \"s\": {\"x\": 0.5}}"))
        var archiver = ValueArchiver(folder: folder)
        let stored = try archiver.store(value)
        try archiver.finish()
        var unarchiver = try ValueUnarchiver(folder: folder)
        let restored = try unarchiver.value(try JSONDecoder().decode(StoredValue.self, from: try JSONEncoder().encode(stored)))
        #expect(restored.equals(value))
        #expect(restored.description == value.description)
        var a = ValueFingerprinter(globals: [:]), b = ValueFingerprinter(globals: [:])
        #expect(a.fingerprint(restored) == b.fingerprint(value))
        // Another order is another value to the cache (it prints differently).
        let reordered = try #require(try interpreter.run("{\"s\": {\"x\": 0.5}, \"w\": tensor([1, 2]), 3: [none, true]}"))
        #expect(a.fingerprint(reordered) != a.fingerprint(value))
        #expect(!StoredValue.canStore(try #require(try interpreter.run("{\"f\": x -> x}"))))
        #expect(StoredValue.unstorableType(try #require(try interpreter.run("{\"f\": x -> x}"))) == "dict with a function")
        #expect(Value.literal("{\"lr\": 0.01, \"sizes\": [32, 64]}")?.description == "{\"lr\": 0.01, \"sizes\": [32, 64]}")
        #expect(Value.literal("{\"lr\": x}") == nil)
    }

    @Test func theCellCacheSeesWhatDictionaryCodeChanges() throws {
        let usage = try VariableUsage(of: "d[\"a\"] = 1\ncounts[k] += n\ngroups[g].append(x)\ntry { y = 1 } catch e { }")
        #expect(usage.assigns == ["d", "counts", "groups", "y", "e"])
        #expect(usage.reads.isSuperset(of: ["d", "counts", "k", "n", "groups", "g", "x"]))
        #expect(try VariableUsage(of: "z = {k: v for k in ks}").reads.isSuperset(of: ["ks", "v"]))
    }
}
