import Testing
@testable import FernLang

/// What a Python user types gets Fern's spelling, from one table (PythonNames).
@Suite struct PythonNamesTests {
    @Test func unknownPythonNamesSayHowFernWritesThem() {
        #expect(errorText("a = tensor([[1]])\nmatmul(a, a)") == """
            <input>:2:1: error: unknown name 'matmul'; in Fern: a @ b
                matmul(a, a)
                ^
            """)
        #expect(errorText("x = np.dot(a, b)") == """
            <input>:1:5: error: unknown name 'np.dot'; in Fern: a @ b
                x = np.dot(a, b)
                    ^
            """)
        #expect(errorText("np.random.randn(3)").contains("unknown name 'np.random.randn'; in Fern: randn(shape, seed=0)"))
        #expect(errorText("torch.nn").contains("unknown name 'torch'; Fern has no modules: the functions are built in"))
        #expect(errorText("Conv2D(32, 3)").contains("unknown name 'Conv2D'; in Fern: conv2d(filters, size, padding=\"same\")"))
        #expect(errorText("nn.Linear(10, 2)").contains("unknown name 'nn.Linear'; in Fern: dense(units)"))
        #expect(errorText("x = True").contains("unknown name 'True'; in Fern: true"))
        // A typo of a Fern name still gets "did you mean".
        #expect(errorText("lenn([1])").contains("unknown name 'lenn'; did you mean 'len'?"))
    }

    @Test func pythonMethodsOnFernValuesSayWhichFunctionToCall() {
        #expect(errorText("m = seed_dnn()\nm.fit(1)").contains("a model has no member 'fit'; in Fern: fit(model, data, epochs=...)"))
        #expect(errorText("m = seed_dnn()\nm.compile()").contains("in Fern: nothing: fit(model, data, optimizer=..., lr=...) takes the settings"))
        #expect(errorText("xs = [1]\nxs.length").contains("a list has no member 'length'; in Fern: len(xs)"))
        #expect(errorText("t = ones([2])\nt.T").contains("a tensor has no member 'T'; in Fern: transpose(t)"))
        // A variable of the module's name is the user's own.
        #expect(errorText("np = 3\nnp.dot").contains("a number has no member 'dot'"))
    }

    @Test func helpExplainsOperatorsAndPythonNames() throws {
        let session = try Session()
        try session.run("help(\"@\")\nhelp(\"in\")\nhelp(\"np.dot\")\nhelp(\"->\")")
        #expect(session.output[0] == "a @ b: the matrix product of two tensors (NumPy's matmul / dot)")
        #expect(session.output[1].hasPrefix("x in xs: "))
        #expect(session.output[2] == "np.dot is Python's; in Fern: a @ b")
        #expect(session.output[3].contains("Python's lambda"))
    }

    /// Every operator the scanner knows has an explanation.
    @Test func everyOperatorIsExplained() {
        for symbol in ["+", "-", "*", "/", "%", "**", "@", "..", "->", "==", "!=", "<", "<=", ">", ">=", "in", "and", "or", "not"] {
            #expect(PythonNames.operators[symbol] != nil, "help(\"\(symbol)\") explains nothing")
        }
    }
}
