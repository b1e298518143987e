import Foundation
import Testing
@testable import FernLang

/// Random and mutated programs must end in a value or a FernError, never a
/// crash or a hang.
@Suite struct FuzzTests {
    private static let validPrograms = [
        "x = 3\ny = x * 2 + 1\nprint(y)",
        "def area(w, h=1) {\n    return w * h\n}\narea(3, h=2)",
        "xs = [1, 2, 3]\nfor i in range(len(xs)) { if xs[i] > 1 { print(xs[i]) } else { print(0) } }",
        "t = reshape(arange(6), [2, 3])\ns = sum(t[:, 1:3], axis=0)\nshape(s)",
        "f = (a, b) -> a ** b - -1\ng = x -> f(x, 2)\ng(3) == 10 or not true",
        "grad(x -> sum(exp(x) * x), tensor([1, 2]))",
        "a, b = [\"s\\n\", 'q']\nc = a + b\nc[1:]",
        "m = tensor([[1, 2], [3, 4]])\nm @ m + tensor([1, 0])\nlist(0..4)[-1]",
        "ys = [x * 2 for x in range(6) if x not in [2, 3]]\n[[a, b] for a, b in [[1, 2]] for c in \"ab\"]",
        "n = 0\nwhile n < 9 { n = n + 1\n if n % 2 == 0 { continue }\n if n > 6 { break } }\n3 in range(n)",
        "acc = 0.5\ns = f\"{acc:.1%} of {len([1, 2]):>4d} {{x}} {'a'}\"\nprint(s)",
        "d = {\"a\": 1, 2: [x]}\nd[\"b\"] = d.get(\"a\", 0) + 1\nfor k, v in d.items() { print(k, v) }\n\"a\" in d",
        "sq = {n: n * n for n in range(4) if n}\nsq[2] += 1\nxs = list(sq)\nxs[0] -= 1\nxs.pop()\n\", \".join(xs)",
        "try { y = {}[\"k\"] } catch e { y = len(e) }\ntry { z = 1 } catch { z = 2 }\ny *= z",
        "v = [a if a > 1 else -a for a in range(4)]\nw = \"x\" if len(v) else none\n[v, w]",
        "g = {\"o\": [], \"e\": []}\nfor i in range(3) { g[[\"e\", \"o\"][i % 2]].append(i) }\ng.update({\"n\": none})\ng",
    ]

    private static let vocabulary = [
        "x", "y", "f", "t", "1", "2.5", "-", "+", "*", "/", "**", "%", "@", "(", ")", "[", "]", "{", "}",
        ",", ":", ";", "\n", "=", "==", "<", "->", "..", ".", "def", "return", "for", "in", "if", "else",
        "and", "or", "not", "true", "none", "\"s\"", "'", "#", "range", "tensor", "zeros", "sum", "grad",
        "print", "len", "reshape", "list", "shape", "help", "t[0]", "t[", "x -> x", "[1, 2]", "range(3)",
        "while", "break", "continue", "not in", "[x for x in t]", "f\"{x}\"", "f\"{", ":.2f}", "f'",
        "{\"a\": 1}", "d", "d[\"a\"]", "d[", "+=", "-=", "*=", "/=", "try", "catch", "catch e", "e", "use",
        ".keys()", ".items()", ".append(", ".pop()", ".get(", "{x: x for x in t}", "dict",
    ]

    /// How many programs each of the two generators runs: 50,000 in the suite (100,000 in all,
    /// under a minute on 2 cores); FERN_FUZZ_PROGRAMS sets another count.
    private static let programCount = ProcessInfo.processInfo.environment["FERN_FUZZ_PROGRAMS"].flatMap(Int.init) ?? 50_000

    /// Checks and runs `source`; true when it ran without error.
    @discardableResult
    fileprivate func runSafely(_ source: String, _ interpreter: Interpreter) -> Bool {
        var steps = 0
        interpreter.shouldStop = { steps += 1; return steps > 2000 }
        do {
            try interpreter.check(source)
            _ = try interpreter.run(source)
            return true
        } catch is FernError {
        } catch {
            Issue.record("non-Fern error \(error) from \(source.debugDescription)")
        }
        return false
    }

    @Test func randomTokenSequencesNeverCrash() {
        var generator = SplitMix64(seed: 7)
        let interpreter = Interpreter(output: { _ in })
        _ = try? interpreter.run("x = 2; t = tensor([[1, 2], [3, 4]]); f = x -> x * 2; d = {\"a\": [1]}")
        var successes = 0
        for _ in 0..<FuzzTests.programCount {
            let length = Int.random(in: 1...14, using: &generator)
            let source = (0..<length).map { _ in FuzzTests.vocabulary.randomElement(using: &generator)! }
                .joined(separator: " ")
            if runSafely(source, interpreter) { successes += 1 }
        }
        #expect(successes > 0)
    }

    @Test func mutatedValidProgramsNeverCrash() {
        var generator = SplitMix64(seed: 11)
        let interpreter = Interpreter(output: { _ in })
        var successes = 0
        for _ in 0..<FuzzTests.programCount {
            var characters = Array(FuzzTests.validPrograms.randomElement(using: &generator)!)
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                let position = Int.random(in: 0..<characters.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: characters.remove(at: position)
                case 1: characters.insert("()[]{}\"'-*=,.:;\n0x".randomElement(using: &generator)!, at: position)
                default: characters.insert(characters[position], at: position)
                }
                if characters.isEmpty { characters = ["1"] }
            }
            if runSafely(String(characters), interpreter) { successes += 1 }
        }
        // Some mutations (a duplicated digit, an extra newline) keep the
        // program valid, so the interpreter really ran code here.
        #expect(successes > 100)
    }
}

extension FuzzTests {
    private static let hostileArguments = [
        "0", "-1", "1e14", "-1e14", "0.5", "\"s\"", "[]", "[-1, -1]", "[2, 3]", "[[1], [2, 3]]",
        "tensor([[1, 2], [3, 4]])", "tensor(1)", "zeros([0, 3])", "none", "x -> x", "axis=99", "axis=[0, 0]",
        "seed=-1", "keepdims=true", "step=0", "0..3",
    ]

    @Test func builtinsRejectHostileArgumentsWithoutCrashing() {
        var generator = SplitMix64(seed: 3)
        let interpreter = Interpreter(output: { _ in })
        var successes = 0
        // The reference models take only whole numbers and are too slow to build 150 times each;
        // save_npy would write a tensor to whatever path a hostile string names.
        let slow: Set = ["load_fer", "seed_cnn", "seed_dnn", "tuned_cnn", "save_npy"]
        for builtin in Builtins.all where !slow.contains(builtin.name) {
            for _ in 0..<150 {
                let count = Int.random(in: 0...3, using: &generator)
                let arguments = (0..<count).map { _ in FuzzTests.hostileArguments.randomElement(using: &generator)! }
                    .sorted { !$0.contains("=") && $1.contains("=") }
                if runSafely("\(builtin.name)(\(arguments.joined(separator: ", ")))", interpreter) { successes += 1 }
            }
        }
        #expect(successes > 500)
    }
}

/// A small deterministic generator (SplitMix64) so failures reproduce.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
