import FernNN
import FernTensor
import Foundation

/// Tensor built-ins: creation, shape, reductions, element-wise math and
/// gradients.
extension Builtins {
    static let tensor: [Builtin] = creation + shapes + reductions + elementwise + [
        Builtin("softmax(t=none, axis=-1)", "Softmax along an axis: exponentials normalized to sum to 1; softmax() alone is the layer.") { args, _ in
            guard args.optional("t") != nil else { return try activationLayer("softmax") }
            return .tensor(try args.tensor("t").softmax(axis: try args.int("axis")))
        },
        Builtin("item(t)", "The single value of a one-element tensor, as a number.") { args, _ in
            .number(Double(try args.tensor("t").item()))
        },
        Builtin("save_npy(t, path)", "Writes the tensor as NumPy's .npy (float32), for np.load.") { args, _ in
            let tensor = try args.tensor("t"), path = try args.string("path")
            try args.reporting { try AtomicFile.write(tensor.npyData(), to: URL(fileURLWithPath: path)) }
            return .none
        },
        Builtin("load_npy(path)", "A tensor from NumPy's .npy file (float32 or float64, as np.save writes them).") { args, _ in
            let path = try args.string("path")
            return .tensor(try args.reporting { try Tensor(npy: try Data(contentsOf: URL(fileURLWithPath: path)), source: path) })
        },
        Builtin("grad(f, x)", "Gradient of the scalar f(x) with respect to tensor x; for a list of tensors, f takes them as arguments and a list of gradients is returned.") { args, interpreter in
            try gradient(args, interpreter)
        },
    ]

    private static let creation: [Builtin] = [
        Builtin("tensor(values)", "A tensor from a number or a (nested) list of numbers.") { args, _ in
            .tensor(try tensorFromValue(args.value("values")))
        },
        Builtin("zeros(shape)", "A tensor of the given shape filled with 0.") { args, _ in
            .tensor(try Tensor.zeros(try args.shape("shape")))
        },
        Builtin("ones(shape)", "A tensor of the given shape filled with 1.") { args, _ in
            .tensor(try Tensor.ones(try args.shape("shape")))
        },
        Builtin("full(shape, value)", "A tensor of the given shape filled with value.") { args, _ in
            .tensor(try Tensor.full(try args.shape("shape"), Float(try args.number("value"))))
        },
        Builtin("arange(start, end=none, step=1)", "A 1-D tensor of numbers from start up to (not including) end.") { args, _ in
            let first = try args.number("start")
            let step = try args.number("step")
            let (start, end) = args.optional("end") == nil ? (0, first) : (first, try args.number("end"))
            if step != 0 { try Arguments.checkSize((end - start) / step, "arange") }
            return .tensor(try Tensor.arange(Float(start), Float(end), step: Float(step)))
        },
        Builtin("randn(shape, seed=0)", "A tensor of normally distributed random numbers (mean 0, std 1), reproducible from seed.") { args, _ in
            var generator = SeededGenerator(seed: try args.seed("seed"))
            return .tensor(try Tensor.randomNormal(try args.shape("shape"), using: &generator))
        },
        Builtin("rand(shape, seed=0)", "A tensor of uniformly distributed random numbers in [0, 1), reproducible from seed.") { args, _ in
            var generator = SeededGenerator(seed: try args.seed("seed"))
            return .tensor(try Tensor.randomUniform(try args.shape("shape"), using: &generator))
        },
    ]

    private static let shapes: [Builtin] = [
        Builtin("shape(t)", "The shape of a tensor, as a list of sizes.") { args, _ in
            .list(try args.tensor("t").shape.map { .number(Double($0)) })
        },
        Builtin("reshape(t, shape)", "The same values in a new shape (one size may be -1 to infer it).") { args, _ in
            .tensor(try args.tensor("t").reshaped(try args.shape("shape")))
        },
        Builtin("transpose(t, a=-2, b=-1)", "The tensor with two axes swapped (by default the last two).") { args, _ in
            .tensor(try args.tensor("t").transposed(try args.int("a"), try args.int("b")))
        },
    ]

    private static let reductions: [Builtin] = [
        reduction("sum", "Sum of a tensor (along axis), or of numbers or a list.",
                  { try $0.sum(axes: $1, keepDims: $2) }, { $0.reduce(0, +) }),
        reduction("mean", "Mean of a tensor (along axis), or of numbers or a list.",
                  { try $0.mean(axes: $1, keepDims: $2) }, { $0.reduce(0, +) / Double($0.count) }),
        reduction("max", "Largest value of a tensor (along axis), or of numbers or a list.",
                  { try $0.max(axes: $1, keepDims: $2) }, { $0.max()! }),
        reduction("min", "Smallest value of a tensor (along axis), or of numbers or a list.",
                  { try $0.min(axes: $1, keepDims: $2) }, { $0.min()! }),
    ]

    /// A reduction that works on one tensor (optionally along axes) and on
    /// numbers given as arguments or as one list.
    private static func reduction(_ name: String, _ doc: String,
                                  _ onTensor: @escaping @Sendable (Tensor, [Int]?, Bool) throws -> Tensor,
                                  _ onNumbers: @escaping @Sendable ([Double]) -> Double) -> Builtin {
        Builtin("\(name)(values..., axis=none, keepdims=false)", doc) { args, _ in
            var values = args.rest
            if values.count == 1, case .tensor(let t) = values[0] {
                return .tensor(try onTensor(t, try args.axes("axis"), args.bool("keepdims")))
            }
            if values.count == 1 { values = try listElements(of: values[0]) }
            // A 0-d tensor (`m[c][c]`, `sum(t)`) counts as its number, as NumPy's scalars do in Python's sum.
            let numbers = try values.map { value -> Double in
                guard let n = value.scalarNumber else {
                    throw FernError.runtime("\(name): expected numbers, a list of numbers or one tensor, got \(value.typeName)")
                }
                return n
            }
            guard !numbers.isEmpty else { throw FernError.runtime("\(name): needs at least one value") }
            return .number(onNumbers(numbers))
        }
    }

    private static let elementwise: [Builtin] = [
        elementwise("exp", "e raised to the value", { $0.exp() }, Foundation.exp),
        elementwise("log", "natural logarithm", { $0.log() }, Foundation.log),
        elementwise("sqrt", "square root", { $0.sqrt() }, Foundation.sqrt),
        elementwise("relu", "max(x, 0)", { $0.relu() }, { Swift.max($0, 0) }),
        elementwise("sigmoid", "1 / (1 + exp(-x))", { $0.sigmoid() }, { 1 / (1 + Foundation.exp(-$0)) }),
        elementwise("tanh", "hyperbolic tangent", { $0.tanh() }, Foundation.tanh),
    ]

    /// A function applied to a number, or to each element of a tensor.
    private static func elementwise(_ name: String, _ what: String,
                                    _ onTensor: @escaping @Sendable (Tensor) -> Tensor,
                                    _ onNumber: @escaping @Sendable (Double) -> Double) -> Builtin {
        // relu(), sigmoid() and tanh() without an argument are layers, as in Keras and PyTorch.
        let layer = (try? Activation(name: name)) != nil
        return Builtin(layer ? "\(name)(x=none)" : "\(name)(x)",
                       "The \(what), of a number or of each element of a tensor" + (layer ? "; \(name)() alone is the layer." : ".")) { args, _ in
            if layer, args.optional("x") == nil { return try activationLayer(name) }
            if case .number(let n) = args.value("x") { return .number(onNumber(n)) }
            return .tensor(onTensor(try args.tensor("x")))
        }
    }

    private static func gradient(_ args: Arguments, _ interpreter: Interpreter) throws -> Value {
        let f = try args.callable("f")
        let x = args.value("x")
        let inputs: [Tensor]
        switch x {
        case .list(let items): inputs = try items.map { item in
            guard case .tensor(let t) = item else { throw args.failure("x", expected: "a tensor or a list of tensors", got: item) }
            return t.requiringGrad()
        }
        default: inputs = [try args.tensor("x").requiringGrad()]
        }
        let output = try interpreter.call(f, inputs.map(Value.tensor), at: nil)
        guard case .tensor(let y) = output else {
            throw FernError.runtime("grad: f must return a tensor computed from x, got \(output.typeName)")
        }
        let grads = try gradients(of: y, wrt: inputs).map { Value.tensor($0.detached()) }
        if case .list = x { return .list(grads) }
        return grads[0]
    }
}
