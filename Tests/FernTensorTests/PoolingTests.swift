import FernTestSupport
import Testing
@testable import FernTensor

/// Pooling checked against plain loops over each window, clipped to the image:
/// max over the real inputs (padding never wins), and the average over the
/// real inputs only (padding is not counted in the divisor).
@Suite struct PoolingTests {

    struct Case: CustomStringConvertible {
        var shape: [Int]
        var size: (Int, Int), stride: (Int, Int), padding: Padding
        var description: String { "x\(shape) size \(size) stride \(stride) \(padding)" }
    }

    static let cases: [Case] = [
        Case(shape: [2, 8, 8, 3], size: (2, 2), stride: (2, 2), padding: .valid),
        Case(shape: [2, 7, 9, 2], size: (2, 2), stride: (2, 2), padding: .valid),
        Case(shape: [2, 7, 9, 2], size: (2, 2), stride: (2, 2), padding: .same),
        Case(shape: [1, 9, 7, 3], size: (3, 3), stride: (2, 2), padding: .same),
        Case(shape: [1, 9, 7, 3], size: (3, 3), stride: (2, 2), padding: .valid),
        Case(shape: [2, 10, 8, 2], size: (3, 3), stride: (2, 2), padding: .same),
        Case(shape: [2, 6, 5, 2], size: (3, 3), stride: (1, 1), padding: .same),
        Case(shape: [2, 6, 5, 2], size: (3, 3), stride: (1, 1), padding: .valid),
        Case(shape: [3, 11, 5, 1], size: (3, 2), stride: (2, 1), padding: .same),
        Case(shape: [1, 5, 5, 4], size: (5, 5), stride: (1, 1), padding: .valid),
        Case(shape: [2, 8, 7, 2], size: (2, 2), stride: (3, 3), padding: .valid),  // stride > window: some inputs unused
        Case(shape: [2, 8, 7, 2], size: (2, 1), stride: (3, 2), padding: .same),
        // Big enough that the work is split across cores (rows forward, images backward).
        Case(shape: [4, 32, 30, 8], size: (3, 3), stride: (2, 2), padding: .same),
        Case(shape: [3, 32, 32, 16], size: (2, 2), stride: (2, 2), padding: .valid),
    ]

    /// Output size and leading padding along one axis (TensorFlow's rules).
    static func axis(_ size: Int, _ k: Int, _ s: Int, _ padding: Padding) -> (out: Int, before: Int) {
        switch padding {
        case .valid: return ((size - k) / s + 1, 0)
        case .same:
            let out = (size + s - 1) / s
            return (out, Swift.max((out - 1) * s + k - size, 0) / 2)
        }
    }

    /// Visits every output element with the in-image input indices of its window.
    static func forEachWindow(_ c: Case, _ body: (_ out: Int, _ inputs: [Int]) -> Void) -> [Int] {
        let (n, h, w, ch) = (c.shape[0], c.shape[1], c.shape[2], c.shape[3])
        let (oh, pt) = axis(h, c.size.0, c.stride.0, c.padding)
        let (ow, pl) = axis(w, c.size.1, c.stride.1, c.padding)
        for b in 0..<n {
            for oy in 0..<oh {
                for ox in 0..<ow {
                    for k in 0..<ch {
                        var inputs: [Int] = []
                        for ky in 0..<c.size.0 {
                            for kx in 0..<c.size.1 {
                                let iy = oy * c.stride.0 + ky - pt, ix = ox * c.stride.1 + kx - pl
                                if iy >= 0 && iy < h && ix >= 0 && ix < w { inputs.append(((b * h + iy) * w + ix) * ch + k) }
                            }
                        }
                        body(((b * oh + oy) * ow + ox) * ch + k, inputs)
                    }
                }
            }
        }
        return [n, oh, ow, ch]
    }

    static func referenceMax(_ x: Tensor, _ c: Case) -> Tensor {
        var out: [Int: Float] = [:]
        let shape = forEachWindow(c) { o, inputs in out[o] = inputs.map { x.scalars[$0] }.max()! }
        return try! Tensor(shape: shape, scalars: (0..<out.count).map { out[$0]! })
    }

    /// Window means, and how far a Float mean may be from each: a sum of the window's inputs, then
    /// a product with 1/count (two roundings), then the reference's own rounding to Float.
    static func referenceAverage(_ x: Tensor, _ c: Case) -> (value: Tensor, bounds: [Double]) {
        var out: [Int: (Float, Double)] = [:]
        let shape = forEachWindow(c) { o, inputs in
            let count = Double(inputs.count)
            out[o] = (Float(inputs.reduce(0.0) { $0 + Double(x.scalars[$1]) } / count),
                      Tolerance.sum(terms: inputs.count, absoluteSum: inputs.reduce(0.0) { $0 + Double(Swift.abs(x.scalars[$1])) } / count,
                                    extraOperations: 3))
        }
        return (try! Tensor(shape: shape, scalars: (0..<out.count).map { out[$0]!.0 }), (0..<out.count).map { out[$0]!.1 })
    }

    /// Distinct values (a shuffled 0.1·k ramp) so each window has one clear maximum that a
    /// finite-difference step of 1e-2 cannot overtake.
    static func distinctTensor(_ shape: [Int], seed: UInt64) throws -> Tensor {
        var generator = SeededGenerator(seed: seed)
        let count = shape.reduce(1, *)
        let values = (0..<count).map { Float($0) * 0.1 - Float(count) * 0.05 }.shuffled(using: &generator)
        return try Tensor(shape: shape, scalars: values)
    }

    // MARK: Forward

    @Test(arguments: cases)
    func maxPoolMatchesNaiveWindowMaximum(c: Case) throws {
        try withEachKernels {
            let x = try randomTensor(c.shape, seed: UInt64(c.shape.reduce(0, +)))
            let y = try Tensor.maxPool2d(x, size: c.size, stride: c.stride, padding: c.padding)
            let expected = Self.referenceMax(x, c)
            #expect(y.shape == expected.shape, "\(c)")
            #expect(y.scalars == expected.scalars, "\(c) \(Kernels.override!)")  // a maximum is one of the inputs: exact
        }
    }

    @Test(arguments: cases)
    func avgPoolMatchesNaiveMeanOverRealInputs(c: Case) throws {
        let x = try randomTensor(c.shape, seed: UInt64(c.shape.reduce(1, *)))
        let y = try Tensor.avgPool2d(x, size: c.size, stride: c.stride, padding: c.padding)
        let expected = Self.referenceAverage(x, c)
        ConvolutionTests.expectClose(y, expected.value, within: expected.bounds, "\(c)")
    }

    /// Inference skips recording winners; both paths must give the same maxima, NaNs included.
    @Test(arguments: cases)
    func maxPoolWithAndWithoutGradientTrackingAgree(c: Case) throws {
        try withEachKernels {
            var x = try randomTensor(c.shape, seed: 5)
            x.withUnsafeMutableScalars { $0[$0.count / 2] = .nan }
            let plain = try Tensor.maxPool2d(x, size: c.size, stride: c.stride, padding: c.padding)
            let tracked = try Tensor.maxPool2d(x.requiringGrad(), size: c.size, stride: c.stride, padding: c.padding)
            #expect(plain.scalars.map(\.bitPattern) == tracked.scalars.map(\.bitPattern), "\(c)")
            if Kernels.override == .builtIn {
                #expect(plain.scalars.contains { $0.isNaN }, "a NaN in a window wins it")
            } else {
                // oneDNN's maximum skips a NaN among numbers (as TensorFlow's does); a window of NaNs
                // stays NaN, so weights gone NaN still reach the loss (and stop training).
                #expect(!plain.scalars.contains { $0.isNaN })
                let allNaN = try Tensor(shape: c.shape, scalars: [Float](repeating: .nan, count: x.count))
                #expect(try Tensor.maxPool2d(allNaN, size: c.size, stride: c.stride, padding: c.padding).scalars.allSatisfy(\.isNaN))
                #expect(try Tensor.maxPool2d(allNaN.requiringGrad(), size: c.size, stride: c.stride, padding: c.padding)
                    .scalars.allSatisfy(\.isNaN))
            }
        }
    }

    @Test func maxPoolOfNegativeValuesIgnoresSamePadding() throws {
        try withEachKernels {
            // If padding were treated as zeros, the edge windows of an all-negative image would return 0.
            let x = try Tensor(shape: [1, 3, 3, 1], scalars: [-9, -8, -7, -6, -5, -4, -3, -2, -1])
            let y = try Tensor.maxPool2d(x, size: (2, 2), stride: (2, 2), padding: .same)
            #expect(y.shape == [1, 2, 2, 1])
            #expect(y.scalars == [-5, -4, -2, -1])
        }
    }

    @Test func avgPoolAtTheBorderDividesByTheRealInputCountOnly() throws {
        // 3x3 of ones, 2x2 'same' stride 2: windows hold 4, 2, 2 and 1 real inputs; every average is 1.
        let ones = try Tensor.ones([1, 3, 3, 1])
        #expect(try Tensor.avgPool2d(ones, size: (2, 2), stride: (2, 2), padding: .same).scalars == [1, 1, 1, 1])
        let x = try Tensor(shape: [1, 3, 3, 1], scalars: [1, 2, 3, 4, 5, 6, 7, 8, 9])
        let y = try Tensor.avgPool2d(x, size: (2, 2), stride: (2, 2), padding: .same)
        #expect(y.scalars == [3, 4.5, 7.5, 9])
    }

    @Test func strideDefaultsToTheWindowSize() throws {
        try withEachKernels {
            let x = try randomTensor([2, 6, 6, 2], seed: 3)
            #expect(try Tensor.maxPool2d(x, size: (3, 3)).scalars
                    == Tensor.maxPool2d(x, size: (3, 3), stride: (3, 3)).scalars)
            #expect(try Tensor.avgPool2d(x).shape == [2, 3, 3, 2])
        }
    }

    // MARK: Gradients

    @Test(arguments: cases)
    func maxPoolGradientMatchesFiniteDifferences(c: Case) throws {
        try withEachKernels {
            let x = try Self.distinctTensor(c.shape, seed: UInt64(c.shape.reduce(0, +)))
            try expectGradientsMatchFiniteDifferences(
                { try Tensor.maxPool2d($0[0], size: c.size, stride: c.stride, padding: c.padding) }, at: [x])
        }
    }

    @Test(arguments: cases)
    func avgPoolGradientMatchesFiniteDifferences(c: Case) throws {
        let x = try randomTensor(c.shape, seed: 17)
        try expectGradientsMatchFiniteDifferences(
            { try Tensor.avgPool2d($0[0], size: c.size, stride: c.stride, padding: c.padding) }, at: [x])
    }

    @Test func overlappingMaxPoolWindowsSendEachWinnerTheSumOfItsGradients() throws {
        try withEachKernels {
            // 3x3 stride 1 windows overlap; an input that wins several windows collects all their gradients.
            let c = Case(shape: [2, 7, 6, 3], size: (3, 3), stride: (1, 1), padding: .same)
            let x = try Self.distinctTensor(c.shape, seed: 99)
            var expected = [Double](repeating: 0, count: x.count), absolute = expected
            let outShape = Self.forEachWindow(c) { _, _ in }
            let dy = try randomTensor(outShape, seed: 100)
            _ = Self.forEachWindow(c) { o, inputs in
                let winner = inputs.max { x.scalars[$0] < x.scalars[$1] }!
                expected[winner] += Double(dy.scalars[o])
                absolute[winner] += Double(Swift.abs(dy.scalars[o]))
            }
            let tx = x.requiringGrad()
            let dx = try gradients(of: (Tensor.maxPool2d(tx, size: c.size, stride: c.stride, padding: c.padding) * dy).sum(),
                                   wrt: [tx])[0]
            // A winner sums the gradients of the (at most 9) windows it wins, in any order.
            ConvolutionTests.expectClose(dx, try Tensor(shape: c.shape, scalars: expected.map { Float($0) }),
                                         within: absolute.map { Tolerance.sum(terms: 9, absoluteSum: $0, extraOperations: 1) },
                                         "max pool dX")
        }
    }

    @Test func overlappingAvgPoolWindowsSpreadEachGradientOverRealInputs() throws {
        let c = Case(shape: [2, 7, 6, 3], size: (3, 3), stride: (1, 1), padding: .same)
        let x = try randomTensor(c.shape, seed: 101)
        var expected = [Double](repeating: 0, count: x.count), absolute = expected
        let outShape = Self.forEachWindow(c) { _, _ in }
        let dy = try randomTensor(outShape, seed: 102)
        _ = Self.forEachWindow(c) { o, inputs in
            for i in inputs {
                expected[i] += Double(dy.scalars[o]) / Double(inputs.count)
                absolute[i] += Double(Swift.abs(dy.scalars[o])) / Double(inputs.count)
            }
        }
        let tx = x.requiringGrad()
        let dx = try gradients(of: (Tensor.avgPool2d(tx, size: c.size, stride: c.stride, padding: c.padding) * dy).sum(),
                               wrt: [tx])[0]
        // An input sums dy/count over the (at most 9) windows holding it; each term is dy times a rounded 1/count.
        ConvolutionTests.expectClose(dx, try Tensor(shape: c.shape, scalars: expected.map { Float($0) }),
                                     within: absolute.map { Tolerance.sum(terms: 9, absoluteSum: $0, extraOperations: 3) },
                                     "avg pool dX")
    }

    // MARK: Shape errors

    @Test func poolingARank2TensorIsAnErrorNamingTheOpAndShape() throws {
        let x = try Tensor.zeros([4, 4])
        ConvolutionTests.expectError("maxPool2d", mentioning: ["[4, 4]"]) { try Tensor.maxPool2d(x) }
        ConvolutionTests.expectError("avgPool2d", mentioning: ["[4, 4]"]) { try Tensor.avgPool2d(x) }
    }

    @Test func windowBiggerThanImageWithValidPaddingIsAnError() throws {
        let x = try Tensor.zeros([1, 2, 5, 1])
        ConvolutionTests.expectError("maxPool2d", mentioning: ["[1, 2, 5, 1]"]) {
            try Tensor.maxPool2d(x, size: (3, 3), padding: .valid)
        }
        ConvolutionTests.expectError("avgPool2d", mentioning: ["[1, 2, 5, 1]"]) {
            try Tensor.avgPool2d(x, size: (3, 3), padding: .valid)
        }
    }
}
