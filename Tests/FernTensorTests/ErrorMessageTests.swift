import Testing
@testable import FernTensor

/// Shape mistakes must be thrown `TensorError`s (never traps) whose text names
/// the operation and the shapes involved, e.g.
/// `matmul: inner dimensions 3 and 4 differ (shapes [2, 3] and [4, 5])`.
@Suite struct ErrorMessageTests {
    /// Runs `body`, expects a `TensorError`, and checks its description starts
    /// with `op` and mentions every fragment.
    private func expectTensorError(op: String, mentions fragments: [String],
                                   sourceLocation: SourceLocation = #_sourceLocation,
                                   _ body: () throws -> Any) {
        let error = #expect(throws: TensorError.self, sourceLocation: sourceLocation) { _ = try body() }
        guard let error else { return }
        #expect(error.op == op, "op of \(error)", sourceLocation: sourceLocation)
        #expect(error.description.hasPrefix("\(op): "), "\(error)", sourceLocation: sourceLocation)
        for fragment in fragments {
            #expect(error.description.contains(fragment), "\"\(error)\" should mention \(fragment)",
                    sourceLocation: sourceLocation)
        }
    }

    private func iota(_ shape: [Int]) throws -> Tensor {
        try Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map(Float.init))
    }

    @Test func describeShapeUsesBracketsAndCommas() {
        #expect(describeShape([2, 3]) == "[2, 3]")
        #expect(describeShape([]) == "[]")
        #expect(describeShape([7]) == "[7]")
        #expect(TensorError(op: "x", "y").description == "x: y")
    }

    @Test func elementwiseShapeMismatchNamesOpAndBothShapes() throws {
        let a = try iota([2, 3]), b = try iota([2, 4])
        expectTensorError(op: "add", mentions: ["[2, 3]", "[2, 4]"]) { try a + b }
        expectTensorError(op: "subtract", mentions: ["[2, 3]", "[2, 4]"]) { try a - b }
        expectTensorError(op: "multiply", mentions: ["[2, 3]", "[2, 4]"]) { try a * b }
        expectTensorError(op: "divide", mentions: ["[2, 3]", "[2, 4]"]) { try a / b }
        expectTensorError(op: "pow", mentions: ["[2, 3]", "[2, 4]"]) { try a.pow(b) }
        expectTensorError(op: "maximum", mentions: ["[2, 3]", "[2, 4]"]) { try a.maximum(b) }
        expectTensorError(op: "minimum", mentions: ["[2, 3]", "[2, 4]"]) { try a.minimum(b) }
        expectTensorError(op: "less", mentions: ["[2, 3]", "[2, 4]"]) { try a.less(b) }
        // Broadcast-incompatible ranks: [3] cannot stretch to [2, 4].
        expectTensorError(op: "add", mentions: ["[3]", "[2, 4]"]) { try iota([3]) + b }
    }

    @Test func matmulInnerDimensionMismatchNamesBothShapes() throws {
        expectTensorError(op: "matmul", mentions: ["[2, 3]", "[4, 5]", "3", "4"]) {
            try Tensor.matmul(iota([2, 3]), iota([4, 5]))
        }
        expectTensorError(op: "matmul", mentions: ["[2, 2, 3]", "[3, 3, 4]"]) {
            try Tensor.matmul(iota([2, 2, 3]), iota([3, 3, 4]))
        }
        expectTensorError(op: "matmul", mentions: ["[3]", "[3, 2]"]) {
            try Tensor.matmul(iota([3]), iota([3, 2]))
        }
    }

    @Test func reshapeToIncompatibleShapeNamesBothShapes() throws {
        let x = try iota([2, 3])
        expectTensorError(op: "reshape", mentions: ["[2, 3]", "[4, 2]"]) { try x.reshaped([4, 2]) }
        expectTensorError(op: "reshape", mentions: ["[2, 3]", "[4, -1]"]) { try x.reshaped([4, -1]) }
        expectTensorError(op: "reshape", mentions: ["[2, 3]", "[-1, -1]"]) { try x.reshaped([-1, -1]) }
    }

    @Test func negativeShapeInCreationNamesTheShape() throws {
        expectTensorError(op: "full", mentions: ["[2, -1]"]) { try Tensor.full([2, -1], 3) }
        expectTensorError(op: "tensor", mentions: ["[-2]"]) { try Tensor(shape: [-2], scalars: []) }
        expectTensorError(op: "tensor", mentions: ["[2, 3]", "5"]) { try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5]) }
    }

    @Test func negativeShapeInZerosAndOnesNamesTheCalledOp() throws {
        // The user called zeros/ones; the message should say so, not "full".
        expectTensorError(op: "zeros", mentions: ["[2, -1]"]) { try Tensor.zeros([2, -1]) }
        expectTensorError(op: "ones", mentions: ["[-3]"]) { try Tensor.ones([-3]) }
    }

    @Test func indexOutOfRangeNamesTheShape() throws {
        let x = try iota([2, 3])
        expectTensorError(op: "index", mentions: ["[2, 3]", "5"]) { try x.indexed(5) }
        expectTensorError(op: "index", mentions: ["[2, 3]", "-3"]) { try x.indexed(-3) }
        expectTensorError(op: "index", mentions: ["[2, 3]"]) { try x.value(at: [0, 3]) }
        expectTensorError(op: "index", mentions: ["[2, 3]"]) { try x.value(at: [1]) }
        expectTensorError(op: "gatherRows", mentions: ["[2, 3]", "2"]) { try x.gatherRows([0, 2]) }
    }

    @Test func concatAndStackOfMismatchedShapesNameBothShapes() throws {
        expectTensorError(op: "concat", mentions: ["[2, 3]", "[2, 4]"]) {
            try Tensor.concat([iota([2, 3]), iota([2, 4])], axis: 0)
        }
        expectTensorError(op: "concat", mentions: ["[2, 3]", "[3]"]) {
            try Tensor.concat([iota([2, 3]), iota([3])], axis: 0)
        }
        expectTensorError(op: "stack", mentions: ["[2, 3]", "[3, 2]"]) {
            try Tensor.stack([iota([2, 3]), iota([3, 2])])
        }
    }

    @Test func gradientOfNonScalarNamesTheShape() throws {
        let x = try iota([2, 3]).requiringGrad()
        expectTensorError(op: "gradients", mentions: ["[2, 3]"]) { try gradients(of: x.square(), wrt: [x]) }
        let untracked = try iota([4])
        expectTensorError(op: "gradients", mentions: ["[4]"]) { try gradients(of: x.sum(), wrt: [untracked]) }
        expectTensorError(op: "gradients", mentions: ["[2, 3]", "[3, 2]"]) {
            try gradients(of: x.square(), seed: iota([3, 2]), wrt: [x])
        }
    }

    @Test func crossEntropyShapeMismatchNamesTheShapes() throws {
        expectTensorError(op: "softmaxCrossEntropy", mentions: ["[2, 3]", "[3]"]) {
            try Tensor.softmaxCrossEntropy(logits: iota([2, 3]), labels: [0, 1, 2])
        }
    }

    @Test func crossEntropyLabelOutOfRangeNamesLabelAndLogitsShape() throws {
        expectTensorError(op: "softmaxCrossEntropy", mentions: ["3", "[2, 3]"]) {
            try Tensor.softmaxCrossEntropy(logits: iota([2, 3]), labels: [0, 3])
        }
    }

    @Test func badAxisInSumNamesTheShape() throws {
        let x = try iota([2, 3])
        expectTensorError(op: "sum", mentions: ["2", "[2, 3]"]) { try x.sum(axes: [2]) }
        expectTensorError(op: "mean", mentions: ["-3", "[2, 3]"]) { try x.mean(axes: [-3]) }
        expectTensorError(op: "max", mentions: ["5", "[2, 3]"]) { try x.max(axes: [5]) }
    }

    @Test func badAxisInSoftmaxNamesTheShape() throws {
        let x = try iota([2, 3])
        expectTensorError(op: "softmax", mentions: ["2", "[2, 3]"]) { try x.softmax(axis: 2) }
        expectTensorError(op: "logSoftmax", mentions: ["-3", "[2, 3]"]) { try x.logSoftmax(axis: -3) }
    }

    @Test func badAxisInPermuteNamesTheShape() throws {
        let x = try iota([2, 3])
        expectTensorError(op: "permute", mentions: ["[2, 3]"]) { try x.permuted([0, 0]) }
        expectTensorError(op: "permute", mentions: ["[2, 3]"]) { try x.permuted([0]) }
        expectTensorError(op: "permute", mentions: ["2", "[2, 3]"]) { try x.permuted([0, 2]) }
    }

    @Test func badAxisInSliceConcatAndArgmaxNamesTheShape() throws {
        let x = try iota([2, 3])
        expectTensorError(op: "slice", mentions: ["[2, 3]"]) { try x.sliced(axis: 2) }
        expectTensorError(op: "argmax", mentions: ["[2, 3]"]) { try x.argmax(axis: 2) }
        expectTensorError(op: "concat", mentions: ["[2, 3]"]) { try Tensor.concat([x, x], axis: 2) }
    }

    @Test func otherAxisAndArgumentErrorsNameTheShape() throws {
        let x = try iota([2, 3])
        expectTensorError(op: "sum", mentions: ["[0, 0]"]) { try x.sum(axes: [0, 0]) }
        expectTensorError(op: "max", mentions: ["[2, 0]"]) { try Tensor.zeros([2, 0]).max(axes: [1]) }
        expectTensorError(op: "pad", mentions: ["[2, 3]"]) { try x.padded([(1, 1)]) }
        expectTensorError(op: "broadcast", mentions: ["[2, 3]", "[4, 3]"]) { try x.broadcast(to: [4, 3]) }
        expectTensorError(op: "transpose", mentions: ["[3]"]) { try iota([3]).transposed() }
        expectTensorError(op: "item", mentions: ["[2, 3]"]) { try x.item() }
    }
}
