import Foundation
import Testing
@testable import FernLang

@Suite struct InterpreterTests {
    @Test func arithmeticFollowsPrecedence() throws {
        #expect(try evaluate("1 + 2 * 3 ** 2") == "19")
        #expect(try evaluate("-2 ** 2") == "-4")
        #expect(try evaluate("7 % 3 + 10 / 4") == "3.5")
        #expect(try evaluate("-7 % 3") == "2")
        #expect(try evaluate("1 / 0") == "inf")
    }

    @Test func stringsAndListsConcatenateAndIndex() throws {
        #expect(try evaluate(#""ab" + 'cd'"#) == "abcd")
        #expect(try evaluate("[1, 2] + [3]") == "[1, 2, 3]")
        #expect(try evaluate("xs = [1, 2, 3, 4]; xs[-1] + xs[0]") == "5")
        #expect(try evaluate("[1, 2, 3, 4][1:3]") == "[2, 3]")
        #expect(try evaluate(#""hello"[1:3]"#) == "el")
        #expect(try evaluate(#"["a", 1]"#) == #"["a", 1]"#)
    }

    @Test func comparisonsAndTruthiness() throws {
        #expect(try evaluate("1 < 2 and \"a\" < \"b\"") == "true")
        #expect(try evaluate("[1, [2]] == [1, [2]]") == "true")
        #expect(try evaluate("not [] and not \"\" and not 0 and not none") == "true")
        #expect(try evaluate("0 or \"fallback\"") == "fallback")
    }

    @Test func destructuringBindsEachName() throws {
        #expect(try evaluate("a, b = [1, 2]; b - a") == "1")
        #expect(errorText("a, b = [1, 2, 3]").contains("cannot unpack a list of 3 into 2 names"))
    }

    @Test func indexOutOfRangeIsAnError() {
        #expect(errorText("[1, 2][2]").contains("index 2 is out of range for a list of length 2"))
        #expect(errorText("[1, 2][0.5]").contains("must be a whole number"))
        #expect(errorText("[1, 2][none]").contains("an index must be a whole number, got none"))
    }

    @Test func functionLocalsDoNotLeak() {
        #expect(errorText("def f() { inner = 1 }\nf()\ninner").contains("unknown name 'inner'"))
    }

    @Test func assignmentInsideAFunctionDoesNotChangeTheGlobal() throws {
        #expect(try evaluate("x = 1\ndef f() { x = 2; return x }\nf() * 10 + x") == "21")
    }

    @Test func closuresCaptureTheirDefiningScope() throws {
        #expect(try evaluate("def adder(n) { return x -> x + n }\nadd3 = adder(3)\nadd3(4)") == "7")
    }

    @Test func closuresKeepStateBetweenCalls() throws {
        let source = """
            def make_counter() {
                n = 0
                def next() {
                    n = n + 1
                    return n
                }
                return next
            }
            c = make_counter()
            d = make_counter()
            [c(), c(), c(), d()]
            """
        #expect(try evaluate(source) == "[1, 2, 3, 1]")
    }

    @Test func defaultAndKeywordArgumentsBindByName() throws {
        #expect(try evaluate("def area(w, h=1) { return w * h }\narea(3)") == "3")
        #expect(try evaluate("def area(w, h=1) { return w * h }\narea(3, h=4)") == "12")
        #expect(try evaluate("def area(w, h=1) { return w * h }\narea(h=2, w=5)") == "10")
        #expect(try evaluate("((a, b) -> a - b)(5, 2)") == "3")
    }

    @Test func wrongArgumentCountNamesTheFunction() {
        #expect(errorText("def f(a) { return a }\nf(1, 2)").contains("f() takes 1 argument but 2 were given"))
        #expect(errorText("def f(a, b) { return a }\nf(1)").contains("f() is missing a value for 'b'"))
        #expect(errorText("zeros([1], [2])").contains("zeros() takes at most 1 argument but 2 were given"))
        #expect(errorText("zeros(\"a\")").contains("zeros: expected a list of whole numbers for 'shape', got string"))
    }

    @Test func unknownKeywordArgumentsNameTheParameter() {
        #expect(errorText("zeros([1], size=2)").contains("zeros() has no parameter named 'size'"))
        #expect(errorText("def f(a) { return a }\nf(b=1)").contains("f() has no parameter named 'b'"))
    }

    @Test func helpWithoutArgumentsListsEveryBuiltin() throws {
        var text = ""
        _ = try Interpreter(output: { text += $0 }).run("help()")
        for builtin in Builtins.all { #expect(text.contains(builtin.signature)) }
    }

    @Test func everyBuiltinHasAUniqueNameAndADoc() {
        #expect(Set(Builtins.all.map(\.name)).count == Builtins.all.count)
        for builtin in Builtins.all {
            #expect(!builtin.doc.isEmpty && builtin.signature.hasPrefix(builtin.name + "("))
        }
    }

    @Test func callingANonFunctionIsAnError() {
        #expect(errorText("x = 3\nx(1)").contains("cannot call a number"))
    }

    @Test func recursionComputesFactorial() throws {
        #expect(try evaluate("def fact(n) { if n <= 1 { return 1 } else { return n * fact(n - 1) } }\nfact(10)") == "3628800")
    }

    @Test func runawayRecursionIsAnErrorNotACrash() {
        #expect(errorText("def f(n) { return f(n + 1) }\nf(0)").contains("recursion deeper than 200 calls"))
        #expect(errorText("g = x -> g(x)\ng(1)").contains("recursion deeper than 200 calls"))
    }

    @Test func runawayRecursionIsSafeFromACallerWithASmallStack() async {
        // The interpreter runs on a thread of its own with a 512 KiB stack; the test awaits it
        // without blocking one of Swift concurrency's threads.
        let text = await withCheckedContinuation { (finished: CheckedContinuation<String, Never>) in
            let thread = Thread { finished.resume(returning: errorText("def f(n) { return 1 + f(n + 1) * 2 }\nf(0)")) }
            thread.stackSize = 512 << 10
            thread.start()
        }
        #expect(text.contains("recursion deeper than 200 calls"))
    }

    @Test func forIteratesListsRangesAndTensorRows() throws {
        #expect(try evaluate("s = 0\nfor i in range(5) { s = s + i }\ns") == "10")
        #expect(try evaluate("s = 0\nfor i in 2..5 { s = s + i }\ns") == "9")
        #expect(try evaluate("s = \"\"\nfor w in [\"a\", \"b\"] { s = s + w }\ns") == "ab")
        #expect(try evaluate("n = 0\nfor row in tensor([[1, 2], [3, 4], [5, 6]]) { n = n + item(sum(row)) }\nn") == "21")
        #expect(try evaluate("list(0..5)") == "[0, 1, 2, 3, 4]")
        #expect(try evaluate("0..1e12 == range(0, 1e12)") == "true")
    }

    @Test func returnInsideALoopLeavesTheFunction() throws {
        #expect(try evaluate("def first_big(xs) { for x in xs { if x > 2 { return x } } }\nfirst_big([1, 5, 7])") == "5")
    }

    @Test func ifElseChainsPickOneBranch() throws {
        let program = "def size(x) { if x > 2 { return \"big\" } else if x == 2 { return \"two\" } else { return \"small\" } }\n"
        #expect(try evaluate(program + "[size(3), size(2), size(1)]") == #"["big", "two", "small"]"#)
    }

    @Test func unknownNameSuggestsACloseOne() {
        #expect(errorText("learning_rate = 1\nlearning_rte").contains("did you mean 'learning_rate'?"))
        #expect(errorText("zeroes([2])").contains("did you mean 'zeros'?"))
    }

    @Test func printAndHelpWriteToTheOutput() throws {
        var lines: [String] = []
        let interpreter = Interpreter(output: { lines.append($0) })
        _ = try interpreter.run("print(1, \"a\", [2.5])\nhelp(zeros)")
        #expect(lines == ["1 a [2.5]", "zeros(shape)\n    A tensor of the given shape filled with 0."])
    }

    @Test func variablesPersistAcrossRunsUntilReset() throws {
        let interpreter = Interpreter(output: { _ in })
        _ = try interpreter.run("x = 5")
        #expect(try interpreter.run("x * 2")?.description == "10")
        #expect(interpreter.globals.keys.sorted() == ["x"])
        interpreter.globals["epochs"] = .number(3)
        #expect(try interpreter.run("x + epochs")?.description == "8")
        interpreter.reset()
        #expect(interpreter.globals.isEmpty)
    }

    @Test func interruptStopsALongLoop() {
        let interpreter = Interpreter(output: { _ in })
        var steps = 0
        interpreter.shouldStop = { steps += 1; return steps > 1000 }
        #expect(throws: FernError.self) { try interpreter.run("for i in range(1e12) {}") }
        #expect(steps == 1001)
    }

    @Test func functionsDescribeThemselves() throws {
        #expect(try evaluate("def area(w, h=1) { return w * h }\narea") == "<function area(w, h)>")
        #expect(try evaluate("type(x -> x)") == "function")
    }

    @Test func isCompleteWaitsForOpenBracketsAndStrings() {
        #expect(Interpreter.isComplete("f(1, 2)"))
        #expect(!Interpreter.isComplete("f(1,"))
        #expect(!Interpreter.isComplete("def f() {\n  return 1"))
        #expect(!Interpreter.isComplete("xs = [1,"))
        #expect(!Interpreter.isComplete("s = \"abc"))
        #expect(Interpreter.isComplete("s = \"a(b\" # (unclosed in a comment"))
    }
}

@Suite struct TableBuiltinTests {
    @Test func tableAlignsTextLeftAndNumbersRightUnderAHeader() throws {
        let text = try evaluate(#"table([["angry", 3995, 0.13914], ["disgust", 436, 2]], header=["class", "images", "share"])"#)
        #expect(text == """
            class    images  share
            -------  ------  -----
            angry      3995  0.139
            disgust     436  2.000
            """)
    }

    @Test func tableShowsNoneAsADash() throws {
        #expect(try evaluate(#"table([["CNN", none], ["DNN", 8.75]], digits=1)"#) == "CNN    -\nDNN  8.8")
    }

    @Test func tableRejectsRowsThatAreNotLists() {
        #expect(errorText("table([1, 2])").contains("table: each row must be a list, got a number"))
    }
}
