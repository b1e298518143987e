import Testing
@testable import FernLang

/// f-strings with Python's format mini-language; errors inside the braces point at their column.
@Suite struct FormatStringTests {
    @Test func valuesAndFormatsAsPythonWritesThem() throws {
        #expect(try evaluate("acc = 0.6873\nn = 20\nf\"{acc:.1%} after {n} epochs\"") == "68.7% after 20 epochs")
        #expect(try evaluate("f\"{3.14159:.2f}|{2:5}|{'ab':>4}|{'ab':<4}|{'ab':^6}|{7:03d}\"") == "3.14|    2|  ab|ab  |  ab  |007")
        #expect(try evaluate("f\"{1234567:,}|{1234567.891:,.2f}|{0.000123:e}|{12345.678:.3e}\"") == "1,234,567|1,234,567.89|1.230000e-04|1.235e+04")
        #expect(try evaluate("f\"{-5:+d}|{5:+d}|{-3.5:08.2f}|{42:*^8}\"") == "-5|+5|-0003.50|***42***")
        #expect(try evaluate("f\"{1/3:.3g}|{100000:g}|{1e-7:g}|{2.5:.2}\"") == "0.333|100000|1e-07|2.5")
        #expect(try evaluate("xs = [1, 2]\nname = \"fer\"\nf\"{name} has {len(xs)} items: {xs}, {xs[0] + 1}\"") == "fer has 2 items: [1, 2], 2")
        #expect(try evaluate("f\"{{braces}} and {'a' + 'b'} and \\\"quotes\\\"\"") == "{braces} and ab and \"quotes\"")
        #expect(try evaluate("f'{tensor([0.25]):.0%}'") == "25%")
        #expect(try evaluate("f\"{true}|{none}|{[1, 2][1]:3d}\"") == "true|none|  2")
    }

    @Test func errorsInsideTheBracesPointAtTheirColumn() {
        #expect(errorText("x = f\"a {y + } b\"") == """
            <input>:1:13: error: expected an expression, found end of input
                x = f"a {y + } b"
                            ^
            """)
        #expect(errorText("f\"{1:.2q}\"") == """
            <input>:1:8: error: unknown format type 'q'; expected f, e, g, %, d or s
                f"{1:.2q}"
                       ^
            """)
        #expect(errorText("f\"{'a':.1f}\"") == """
            <input>:1:8: error: the format '.1f' needs a number, got a string
                f"{'a':.1f}"
                       ^
            """)
        #expect(errorText("f\"{2.5:d}\"").contains("the format 'd' needs a whole number, got 2.5"))
        #expect(errorText("f\"a {b\"").contains("1:5: error: expected '}' to close '{' in the f-string"))
        #expect(errorText("f\"a } b\"").contains("1:5: error: a single '}' in an f-string; write '}}' for the character"))
        #expect(errorText("f\"{}\"").contains("1:3: error: an empty '{}' in an f-string"))
        #expect(errorText("f\"{nope}\"").contains("1:4: error: unknown name 'nope'"))
        #expect(errorText("f\"{1 2}\"").contains("1:6: error: expected '}' after the value in the f-string, found '2'"))
    }

    @Test func theCacheSeesTheNamesInside() throws {
        #expect(try VariableUsage(of: "s = f\"{acc:.1%} of {len(val)}\"").reads.isSuperset(of: ["acc", "len", "val"]))
    }
}
