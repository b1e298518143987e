import Testing
@testable import FernLang

/// Errors render as `file:line:col: error: message`, the source line, and a
/// caret under the column.
@Suite struct ErrorMessageTests {
    @Test func missingClosingParenthesisPointsJustAfterTheLastArgument() {
        #expect(errorText("f(1, 2", file: "notebook.fernb") == """
            notebook.fernb:1:7: error: expected ')' after arguments
                f(1, 2
                      ^
            """)
    }

    @Test func unterminatedStringPointsAtItsOpeningQuote() {
        #expect(errorText("x = 1\ny = \"abc") == """
            <input>:2:5: error: unterminated string: expected " before the end of the line
                y = "abc
                    ^
            """)
    }

    @Test func unexpectedTokenSaysAnExpressionWasExpected() {
        #expect(errorText("x = * 2") == """
            <input>:1:5: error: expected an expression, found '*'
                x = * 2
                    ^
            """)
    }

    @Test func elseWithoutIfIsReported() {
        #expect(errorText("else { 1 }") == """
            <input>:1:1: error: 'else' without a matching 'if'
                else { 1 }
                ^
            """)
    }

    @Test func assigningToALiteralIsReported() {
        #expect(errorText("x, 2 = [1, 2]") == """
            <input>:1:4: error: cannot assign to this expression; expected a variable name
                x, 2 = [1, 2]
                   ^
            """)
    }

    @Test func positionalArgumentAfterKeywordIsReported() {
        #expect(errorText("f(a=1, 2)") == """
            <input>:1:8: error: positional argument after keyword arguments; put positional arguments first
                f(a=1, 2)
                       ^
            """)
    }

    @Test func runtimeErrorsPointAtTheOperator() {
        #expect(errorText("x = 1\ny = x + \"a\"") == """
            <input>:2:7: error: unsupported operand types for +: number and string
                y = x + "a"
                      ^
            """)
    }

    @Test func checkReportsSyntaxErrorsWithTheFileName() throws {
        let error = try #require(throws: FernError.self) { try Interpreter().check("x = (1\ny = 2", file: "hw.fernb") }
        #expect(error.description == """
            hw.fernb:2:1: error: expected ')' to close '('
                y = 2
                ^
            """)
    }

    @Test func returnOutsideAFunctionIsASyntaxError() throws {
        let error = try #require(throws: FernError.self) { try Interpreter().check("return 1") }
        #expect(error.kind == .syntax)
        #expect(error.message == "'return' outside a function")
    }

    @Test func errorsInsideAFunctionShowWhereItWasDefined() throws {
        let interpreter = Interpreter(output: { _ in })
        _ = try interpreter.run("def f(x) {\n    return x + \"a\"\n}", file: "cell1")
        let error = try #require(throws: FernError.self) { try interpreter.run("f(1)", file: "cell2") }
        #expect(error.description == """
            cell1:2:14: error: unsupported operand types for +: number and string
                    return x + "a"
                             ^
            """)
    }
}
