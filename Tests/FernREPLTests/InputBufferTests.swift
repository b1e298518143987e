import Testing
@testable import FernREPL

@Suite struct InputBufferTests {
    @Test func testBlockIsGatheredUntilItsBraceCloses() {
        var buffer = InputBuffer()
        #expect(buffer.add("def square(x) {") == nil)
        #expect(buffer.prompt == "  ... ")
        #expect(buffer.add("  return x * x") == nil)
        #expect(buffer.add("}") == "def square(x) {\n  return x * x\n}")
        #expect(buffer.prompt == "fern> ")
        #expect(buffer.isEmpty)
    }

    @Test func testOpenBracketsContinueTheInput() {
        var buffer = InputBuffer()
        #expect(buffer.add("x = [1,") == nil)
        #expect(buffer.add("") == nil)
        #expect(buffer.add("  2]") == "x = [1,\n\n  2]")
    }

    @Test func testCompleteLineIsReturnedAtOnce() {
        var buffer = InputBuffer()
        #expect(buffer.add("x = 1") == "x = 1")
    }

    @Test func testBlankLinesAtThePromptAreSkipped() {
        var buffer = InputBuffer()
        #expect(buffer.add("   ") == nil)
        #expect(buffer.isEmpty)
    }

    @Test func testMetaCommandIsOneLineEvenWithBrackets() {
        var buffer = InputBuffer()
        #expect(buffer.add(":time f(") == ":time f(")
    }

    @Test func testUnclosableStringIsReturnedForTheInterpreterToReport() {
        var buffer = InputBuffer()
        #expect(buffer.add("print(\"abc") == "print(\"abc")
        #expect(buffer.add("x = \"a#b\" # it's") == "x = \"a#b\" # it's")
    }

    @Test func testClearDropsAPendingBlock() {
        var buffer = InputBuffer()
        _ = buffer.add("for i in 0..3 {")
        buffer.clear()
        #expect(buffer.prompt == "fern> ")
        #expect(buffer.add("1 + 1") == "1 + 1")
    }
}
