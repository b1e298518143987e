import Testing
@testable import FernLang

/// List comprehensions, `in` / `not in`, `while`, `break` and `continue`, as Python has them:
/// parsed, run, refused with a caret where they are malformed, and seen by the cell cache.
@Suite struct ComprehensionAndLoopTests {
    private func parenthesized(_ source: String) throws -> String {
        guard case .expression(let expr) = try Parser.parse(source)[0] else { return "not an expression" }
        return expr.parenthesized
    }

    @Test func comprehensionsBuildListsAsPythonDoes() throws {
        #expect(try evaluate("[x * x for x in range(5)]") == "[0, 1, 4, 9, 16]")
        #expect(try evaluate("[x for x in range(10) if x % 3 == 0]") == "[0, 3, 6, 9]")
        // Clauses nest left to right; later ones see earlier variables.
        #expect(try evaluate("[[i, j] for i in range(3) for j in range(i)]") == "[[1, 0], [2, 0], [2, 1]]")
        #expect(try evaluate("[a + b for a, b in [[1, 2], [3, 4]]]") == "[3, 7]")
        #expect(try evaluate("[c for c in \"abc\" if c != \"b\"]") == "[\"a\", \"c\"]")
        #expect(try evaluate("[[y * 2 for y in row] for row in [[1], [2, 3]]]") == "[[2], [4, 6]]")
        #expect(try evaluate("[x for x in []]") == "[]")
        #expect(try evaluate("names = [\"a\", \"b\"]\n[names[i] + str(i) for i in range(len(names))]") == "[\"a0\", \"b1\"]")
        #expect(try evaluate("t = tensor([[1, 2], [3, 4]])\n[item(sum(row)) for row in t]") == "[3, 7]")
        // Spread over lines inside the brackets.
        #expect(try evaluate("[x\n for x in range(3)\n if x > 0]") == "[1, 2]")
    }

    @Test func comprehensionVariablesStayInside() throws {
        #expect(try evaluate("x = 10\nys = [x for x in range(3)]\nx") == "10")
        #expect(errorText("ys = [k for k in range(3)]\nk").contains("unknown name 'k'"))
        // A function defined in a comprehension sees the variable.
        #expect(try evaluate("fs = [(y -> y + x) for x in range(3)]\nfs[1](10)") == "12")
    }

    @Test func inAndNotInTestMembership() throws {
        #expect(try evaluate("2 in [1, 2, 3]") == "true")
        #expect(try evaluate("[1] in [[1], [2]]") == "true")
        #expect(try evaluate("4 not in [1, 2, 3]") == "true")
        #expect(try evaluate("\"ell\" in \"hello\"") == "true")
        #expect(try evaluate("\"z\" not in \"hello\"") == "true")
        #expect(try evaluate("3 in range(0, 10, 3)") == "true")
        #expect(try evaluate("4 in range(0, 10, 3)") == "false")
        #expect(try evaluate("10 in range(10)") == "false")
        #expect(try evaluate("not 2 in [2]") == "false")
        #expect(try parenthesized("a + 1 not in b") == "((a + 1) not in b)")
        #expect(try parenthesized("not a in b") == "(not (a in b))")
        #expect(try parenthesized("[x for x in xs if x not in ys]") == "[x for x in xs if (x not in ys)]")
        #expect(errorText("1 in 5") == """
            <input>:1:3: error: 'in' needs a list, dict, string or range on its right, got a number
                1 in 5
                  ^
            """)
        #expect(errorText("1 in \"abc\"").contains("'in' a string needs a string on its left, got a number"))
        #expect(errorText("1 in [1] in [true]").contains("comparisons cannot be chained"))
    }

    @Test func conditionalExpressionsEvaluateOnlyTheSideTheyReturn() throws {
        #expect(try evaluate("[\"big\" if x > 2 else \"small\" for x in [1, 5]]") == "[\"small\", \"big\"]")
        #expect(try evaluate("x = 0\n1 / x if x != 0 else none") == "nil")
        #expect(try evaluate("f = n -> 1 if n < 2 else n * f(n - 1)\nf(5)") == "120")
        #expect(try evaluate("a, b = [3, 10] if true else [0, 0]\nb") == "10")
        // It binds looser than `or` and tighter than a lambda; nested, it groups to the right.
        #expect(try parenthesized("a or b if c else d") == "((a or b) if c else d)")
        #expect(try parenthesized("a if b else c if d else e") == "(a if b else (c if d else e))")
        #expect(try parenthesized("[x if x else y for x in xs if x]") == "[(x if x else y) for x in xs if x]")
        #expect(errorText("y = 1 if true") == """
            <input>:1:14: error: expected 'else' after the condition of 'value if condition else other'
                y = 1 if true
                             ^
            """)
        #expect(try VariableUsage(of: "y = p if q else r").reads.isSuperset(of: ["p", "q", "r"]))
    }

    @Test func whileBreakAndContinue() throws {
        #expect(try evaluate("n = 0\nwhile n < 5 { n = n + 2 }\nn") == "6")
        #expect(try evaluate("""
            found = none
            for x in range(100) {
                if x * x > 50 { found = x; break }
            }
            found
            """) == "8")
        #expect(try evaluate("""
            odd = []
            for x in range(6) {
                if x % 2 == 0 { continue }
                odd = odd + [x]
            }
            odd
            """) == "[1, 3, 5]")
        // break leaves only the innermost loop; a loop in a function returns through it.
        #expect(try evaluate("""
            pairs = 0
            for i in range(3) {
                j = 0
                while true {
                    if j == i { break }
                    pairs = pairs + 1
                    j = j + 1
                }
            }
            pairs
            """) == "3")
        #expect(try evaluate("def first(xs) { for x in xs { if x > 1 { return x } }\n return none }\nfirst([0, 5, 7])") == "5")
        #expect(try evaluate("i = 0\nwhile true { i = i + 1\n if i < 3 { continue }\n break }\ni") == "3")
        #expect(try evaluate("for a, b in [[1, 2], [3, 4]] { s = a * b }\ns") == "12")
    }

    @Test func malformedLoopsAndComprehensionsPointAtTheFault() {
        #expect(errorText("break") == """
            <input>:1:1: error: 'break' outside a loop
                break
                ^
            """)
        #expect(errorText("for x in [1] {\n  def f() { continue }\n}") == """
            <input>:2:13: error: 'continue' outside a loop
                  def f() { continue }
                            ^
            """)
        #expect(errorText("[x for x xs]") == """
            <input>:1:10: error: expected 'in' after the loop variable
                [x for x xs]
                         ^
            """)
        #expect(errorText("[x for in xs]") == """
            <input>:1:8: error: expected a loop variable name after 'for'
                [x for in xs]
                       ^
            """)
        #expect(errorText("[x for x in xs while x]") == """
            <input>:1:16: error: expected 'for', 'if' or ']' in the list comprehension, found 'while'
                [x for x in xs while x]
                               ^
            """)
        #expect(errorText("while x < 3\n  x = x + 1") == """
            <input>:1:12: error: expected '{' after the 'while' condition
                while x < 3
                           ^
            """)
        #expect(errorText("xs = [1, 2 for x in ys]").contains("expected ']' after list items"))
        #expect(errorText("for a, b in [[1, 2, 3]] { }").contains("cannot unpack a list of 3 into 2 names"))
    }

    @Test func theCacheSeesWhatComprehensionsAndLoopsReadAndBind() throws {
        let usage = try VariableUsage(of: "ys = [f(x) for x in xs if x > limit]\nwhile n < 3 { m = n }\nfor a, b in pairs { }")
        #expect(usage.reads.isSuperset(of: ["f", "xs", "limit", "n", "pairs"]))
        #expect(usage.assigns == ["ys", "m", "a", "b"])
    }
}
