import FernTensor
import FernTestSupport
import Foundation
import Testing
@testable import FernLang

@Suite struct TensorTests {
    private func tensor(_ source: String) throws -> Tensor {
        guard case .tensor(let t)? = try Interpreter(output: { _ in }).run(source) else {
            Issue.record("\(source) did not give a tensor")
            return Tensor(0)
        }
        return t
    }

    @Test func nestedListsBecomeTensorsOfTheRightShape() throws {
        let t = try tensor("tensor([[1, 2, 3], [4, 5, 6]])")
        #expect(t.shape == [2, 3])
        #expect(t.scalars == [1, 2, 3, 4, 5, 6])
        #expect(errorText("tensor([[1, 2], [3]])").contains("not rectangular"))
    }

    @Test func arithmeticBroadcastsRowsAndNumbers() throws {
        #expect(try tensor("tensor([[1, 2], [3, 4]]) + tensor([10, 20])").scalars == [11, 22, 13, 24])
        #expect(try tensor("2 * tensor([1, 2]) - 1").scalars == [1, 3])
        #expect(try tensor("tensor([1, 2]) ** 2").scalars == [1, 4])
    }

    @Test func matmulMultipliesMatrices() throws {
        // [[1,2],[3,4]] @ [[5],[6]] = [[17],[39]]
        let t = try tensor("tensor([[1, 2], [3, 4]]) @ tensor([[5], [6]])")
        #expect(t.shape == [2, 1])
        #expect(t.scalars == [17, 39])
    }

    @Test func indexingAndSlicingFollowPython() throws {
        let m = "m = reshape(arange(12), [3, 4])\n"
        #expect(try tensor(m + "m[0:1]").shape == [1, 4])
        #expect(try tensor(m + "m[:, 1]").scalars == [1, 5, 9])
        #expect(try tensor(m + "m[1, 2]").scalars == [6])
        #expect(try tensor(m + "m[-1]").scalars == [8, 9, 10, 11])
        #expect(try tensor(m + "m[:, ::2]").scalars == [0, 2, 4, 6, 8, 10])
        #expect(errorText(m + "m[3]").contains("out of range"))
    }

    @Test func shapeErrorsNameTheOperationAndShapes() {
        let message = errorText("tensor([1, 2, 3]) + tensor([1, 2])")
        #expect(message.contains("[3]") && message.contains("[2]"))
        #expect(errorText("zeros([2, 3]) @ zeros([2, 3])").contains("matmul"))
    }

    @Test func reductionsWorkOnTensorsAndOnNumbers() throws {
        #expect(try tensor("sum(tensor([[1, 2], [3, 4]]), axis=0)").scalars == [4, 6])
        #expect(try tensor("mean(tensor([[1, 2], [3, 4]]), axis=1, keepdims=true)").shape == [2, 1])
        #expect(try evaluate("max(3, 7, 5) + min([4, 2])") == "9")
        #expect(try evaluate("item(sum(ones([2, 3])))") == "6")
        #expect(try evaluate("shape(zeros([2, 3]))") == "[2, 3]")
        #expect(try evaluate("zeros([2, 3]).shape") == "[2, 3]")
    }

    @Test func randomTensorsAreReproducibleFromTheSeed() throws {
        #expect(try tensor("randn([4], seed=3)").scalars == tensor("randn([4], seed=3)").scalars)
        #expect(try tensor("randn([4], seed=3)").scalars != tensor("randn([4], seed=4)").scalars)
    }

    @Test func softmaxRowsSumToOne() throws {
        let t = try tensor("softmax(tensor([[1, 2, 3], [0, 0, 0]]))")
        // Each output within Tolerance.softmax of its exact value (relatively); the first row added in Float.
        let bound = Tolerance.softmax(classes: 3, logitSpread: 2)
        #expect(abs(Double(t.scalars[0..<3].reduce(0, +)) - 1) <= bound + Tolerance.sum(terms: 3, absoluteSum: 1 + bound))
        #expect(abs(Double(t.scalars[3]) - 1.0 / 3) <= bound / 3)
    }

    @Test func gradOfSumOfSquaresIsTwiceTheInput() throws {
        #expect(try tensor("grad(x -> sum(x * x), tensor([1, 2, 3]))").scalars == [2, 4, 6])
    }

    @Test func gradThroughExpMatchesTheAnalyticDerivative() throws {
        // d/dx sum(exp(2x)) = 2 exp(2x)
        let t = try tensor("f = x -> exp(x * 2)\ngrad(x -> sum(f(x)), tensor([0, 0.5, 1]))")
        // expf's error only: doubling x and the gradient is exact.
        for (got, x) in zip(t.scalars, [0, 0.5, 1.0]) {
            #expect(abs(Double(got) - 2 * Foundation.exp(2 * x)) <= Tolerance.ulps(Tolerance.expUlps, of: 2 * Foundation.exp(2 * x)))
        }
    }

    @Test func gradOfAListOfTensorsReturnsAListOfGradients() throws {
        let result = try evaluate("g = grad((w, b) -> sum(w * 3 + b), [tensor([1, 2]), tensor([5])])\n[list(g[0]), list(g[1])]")
        #expect(result == "[[3, 3], [2]]")
    }

    @Test func gradNeedsATensorResult() {
        #expect(errorText("grad(x -> 1, tensor([1]))").contains("grad: f must return a tensor"))
    }

    @Test func hugeTensorsAreRefusedInsteadOfExhaustingMemory() {
        #expect(errorText("zeros([1e6, 1e6])").contains("too large"))
    }
}
