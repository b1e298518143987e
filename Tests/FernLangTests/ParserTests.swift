import Testing
@testable import FernLang

@Suite struct ParserTests {
    private func parenthesized(_ source: String) throws -> String {
        let program = try Parser.parse(source)
        guard case .expression(let expr) = program[0] else { return "not an expression" }
        return expr.parenthesized
    }

    @Test func multiplicationBindsTighterThanAdditionAndPowerTightest() throws {
        #expect(try parenthesized("1 + 2 * 3 ** 2") == "(1 + (2 * (3 ** 2)))")
    }

    @Test func unaryMinusAppliesToThePower() throws {
        #expect(try parenthesized("-2 ** 2") == "(-(2 ** 2))")
        #expect(try parenthesized("2 ** -1") == "(2 ** (-1))")
    }

    @Test func powerIsRightAssociativeAndSubtractionLeft() throws {
        #expect(try parenthesized("2 ** 3 ** 2") == "(2 ** (3 ** 2))")
        #expect(try parenthesized("1 - 2 - 3") == "((1 - 2) - 3)")
    }

    @Test func andBindsTighterThanOrAndNotTighterStill() throws {
        #expect(try parenthesized("a or b and not c") == "(a or (b and (not c)))")
        #expect(try parenthesized("not a == b") == "(not (a == b))")
    }

    @Test func rangeBindsLooserThanArithmetic() throws {
        #expect(try parenthesized("0..n + 1") == "(0..(n + 1))")
        #expect(try parenthesized("a @ b * c") == "((a @ b) * c)")
    }

    @Test func lambdaBodiesExtendRightAndNest() throws {
        #expect(try parenthesized("x -> x * 2") == "((x) -> (x * 2))")
        #expect(try parenthesized("(a, b) -> a + b") == "((a, b) -> (a + b))")
        #expect(try parenthesized("x -> y -> x + y") == "((x) -> ((y) -> (x + y)))")
        #expect(try parenthesized("() -> 1") == "(() -> 1)")
        #expect(try parenthesized("(a + b) * 2") == "((a + b) * 2)")
    }

    @Test func callsTakeKeywordArgumentsAfterPositionalOnes() throws {
        #expect(try parenthesized("fit(model, data, epochs=10, batch=64)") == "fit(model, data, epochs=10, batch=64)")
    }

    @Test func postfixOperationsChainLeftToRight() throws {
        #expect(try parenthesized("a.b[1](2)") == "a.b[1](2)")
        #expect(try parenthesized("-a.b ** 2") == "(-(a.b ** 2))")
    }

    @Test func slicesKeepEmptyBounds() throws {
        #expect(try parenthesized("t[:, 3]") == "t[:, 3]")
        #expect(try parenthesized("t[0:6, ::2, -1]") == "t[0:6, ::2, (-1)]")
    }

    @Test func statementsSplitOnNewlinesAndSemicolons() throws {
        #expect(try Parser.parse("a = 1; b = 2\nc").count == 3)
    }

    @Test func elseMayFollowOnTheNextLine() throws {
        #expect(try Parser.parse("if x {\n 1\n}\nelse {\n 2\n}").count == 1)
    }

    @Test func comparisonsDoNotChain() {
        #expect(throws: FernError.self) { try Parser.parse("1 < 2 < 3") }
    }

    @Test func absurdNestingIsASyntaxErrorNotACrash() throws {
        let source = String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000)
        #expect(throws: FernError.self) { try Interpreter(output: { _ in }).check(source) }
    }
}
