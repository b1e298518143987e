import Testing
@testable import FernLang

/// A 0-d tensor (what `max(t)`, `sum(t)`, `argmax(v)` give) acts as the number it holds, as
/// NumPy's scalars do: it compares, branches, indexes, formats and passes as a number argument.
@Suite struct ScalarTensorTests {
    private let maps = "maps = tensor([[0, 0], [0.5, 2]])\n"

    @Test func scalarTensorsCompareAndBranch() throws {
        #expect(try evaluate(maps + "[max(maps[0]) <= 0, max(maps[1]) > 1, sum(maps) >= 2.5, 1 < mean(maps)]") == "[true, true, true, false]")
        #expect(try evaluate(maps + "max(maps) == 2") == "true")
        #expect(try evaluate(maps + "2 == max(maps)") == "true")
        #expect(try evaluate(maps + "max(maps) != 3") == "true")
        #expect(try evaluate(maps + "blank = []\nfor m in maps { if max(m) <= 0 { blank.append(m) } }\nlen(blank)") == "1")
        #expect(try evaluate(maps + "[not max(maps[0]), not max(maps[1])]") == "[true, false]")
        #expect(try evaluate(maps + "n = 0\nwhile sum(maps) > n { n += 1 }\nn") == "3")
        // A tensor of one element but rank 1 is still a tensor: == compares shapes too.
        #expect(try evaluate("tensor([2]) == 2") == "false")
    }

    @Test func scalarTensorsIndexFormatAndPassAsNumbers() throws {
        let names = "names = [\"angry\", \"happy\", \"sad\"]\np = tensor([0.1, 0.7, 0.2])\n"
        #expect(try evaluate(names + "names[argmax(p)]") == "happy")
        #expect(try evaluate(names + "f\"{max(p):.0%} {names[argmax(p)]}\"") == "70% happy")
        #expect(try evaluate(names + "range(argmax(p) + 1)") == "0..2")
        #expect(try evaluate(names + "round(max(p), 1)") == "0.7")
        #expect(try evaluate(names + "[1, 2, 3][sum(tensor([1, 1]))]") == "3")
    }

    @Test func listsOfScalarTensorsReduceAsNumbers() throws {
        // A confusion matrix's diagonal, as Python's sum() takes NumPy scalars.
        let matrix = "m = tensor([[3, 1], [2, 4]])\n"
        #expect(try evaluate(matrix + "sum([m[c][c] for c in range(2)])") == "7")
        #expect(try evaluate(matrix + "[max([m[0][1], m[1][0]]), min(m[0][0], 2.5), mean([m[0][0], 1])]") == "[2, 2.5, 2]")
        #expect(errorText(matrix + "sum([m[0], m[1]])").contains("sum: expected numbers, a list of numbers or one tensor, got tensor"),
                "rows are not numbers: no elementwise sum guessed")
    }

    @Test func tensorsThatAreNotOneNumberStillSaySo() {
        #expect(errorText("tensor([1, 2]) < 3") == """
            <input>:1:16: error: cannot compare tensor and number with <: a tensor of shape [2] is not one number; reduce it first (max(t), mean(t), item(t))
                tensor([1, 2]) < 3
                               ^
            """)
        #expect(errorText("[1, 2][tensor([1])]").contains("an index must be a whole number, got tensor"))
        #expect(errorText("[1, 2][max(tensor([0.5]))]").contains("an index must be a whole number, got 0.5"))
    }
}
