import Testing
@testable import FernLang

/// enumerate, zip, map, filter, sorted, any, all, argmin/argmax of lists, and append/extend on
/// lists held in variables: what Python gives for the same calls.
@Suite struct CollectionBuiltinTests {
    @Test func enumerateZipMapFilter() throws {
        #expect(try evaluate("enumerate([\"a\", \"b\"])") == "[[0, \"a\"], [1, \"b\"]]")
        #expect(try evaluate("enumerate(\"ab\", start=1)") == "[[1, \"a\"], [2, \"b\"]]")
        #expect(try evaluate("[i * x for i, x in enumerate([5, 6, 7])]") == "[0, 6, 14]")
        #expect(try evaluate("zip([1, 2, 3], [\"a\", \"b\"])") == "[[1, \"a\"], [2, \"b\"]]")
        #expect(try evaluate("zip()") == "[]")
        #expect(try evaluate("zip(range(2), [7, 8], \"xy\")") == "[[0, 7, \"x\"], [1, 8, \"y\"]]")
        #expect(try evaluate("map(x -> x * 10, range(3))") == "[0, 10, 20]")
        #expect(try evaluate("filter(x -> x % 2 == 1, [1, 2, 3, 4, 5])") == "[1, 3, 5]")
        #expect(try evaluate("def big(x) { return x > 2 }\nfilter(big, [1, 3, 5])") == "[3, 5]")
    }

    @Test func sortedIsStableWithKeysAndReverse() throws {
        #expect(try evaluate("sorted([3, 1, 2])") == "[1, 2, 3]")
        #expect(try evaluate("sorted([\"pear\", \"fig\", \"apple\"])") == "[\"apple\", \"fig\", \"pear\"]")
        #expect(try evaluate("sorted([\"pear\", \"fig\", \"apple\", \"kiwi\"], key=len)") == "[\"fig\", \"pear\", \"kiwi\", \"apple\"]")
        // reverse keeps equal keys in their original order, as Python does.
        #expect(try evaluate("sorted([\"pear\", \"fig\", \"apple\", \"kiwi\"], key=len, reverse=true)") == "[\"apple\", \"pear\", \"kiwi\", \"fig\"]")
        #expect(try evaluate("sorted([[2, 1], [1, 5], [1, 2], [1]])") == "[[1], [1, 2], [1, 5], [2, 1]]")
        #expect(try evaluate("sorted([[\"b\", 2], [\"a\", 9]], key=p -> p[1], reverse=true)") == "[[\"a\", 9], [\"b\", 2]]")
        #expect(errorText("sorted([1, \"a\"])").contains("cannot order a string and a number"))
    }

    @Test func anyAllArgminArgmax() throws {
        #expect(try evaluate("any([0, 0, 3])") == "true")
        #expect(try evaluate("any([])") == "false")
        #expect(try evaluate("all([1, true, \"x\"])") == "true")
        #expect(try evaluate("all([])") == "true")
        #expect(try evaluate("all([x > 0 for x in [1, -1]])") == "false")
        #expect(try evaluate("argmax([1, 7, 3, 7])") == "1")
        #expect(try evaluate("argmin([4, 2, 9, 2])") == "1")
        #expect(try evaluate("counts = [43, 4, 60]\nnames = [\"angry\", \"disgust\", \"fear\"]\nnames[argmin(counts)]") == "disgust")
        #expect(try evaluate("argmax(tensor([[1, 5], [7, 2]]))") == "Tensor[2] [1, 0]")
        #expect(try evaluate("argmin(tensor([[1, 5], [7, 2]]), axis=0)") == "Tensor[2] [0, 1]")
        #expect(errorText("argmax([])").contains("argmax: the list is empty"))
        #expect(errorText("any(3)").contains("any: expected a list, range, string or tensor for 'xs', got number"))
    }

    @Test func appendAndExtendChangeTheListWhereItLives() throws {
        #expect(try evaluate("xs = [1]\nxs.append(2)\nxs.extend([3, 4])\nxs.extend(range(5, 7))\nxs") == "[1, 2, 3, 4, 5, 6]")
        #expect(try evaluate("rows = []\nfor c in range(3) { rows.append([c, c * c]) }\nrows") == "[[0, 0], [1, 1], [2, 4]]")
        // Inside a function the global list itself grows, as in Python.
        #expect(try evaluate("log = []\ndef note(x) { log.append(x) }\nnote(1); note(2)\nlog") == "[1, 2]")
        #expect(errorText("xs = []\nxs.append(1, 2)").contains("list.append() takes at most 1 argument but 2 were given"))
        #expect(errorText("xs = []\nxs.extend(3)").contains("list.extend: expected a list, range, string, dict or tensor for 'ys', got number"))
        #expect(errorText("n = 3\nn.append(1)").contains("a number has no member 'append'"))
        #expect(try VariableUsage(of: "rows = []\nrows.append(1)").assigns == ["rows"])
    }
}
