import FernTestSupport
import Testing
@testable import FernTensor

/// conv2d is checked against the definition, written out as plain loops:
/// out[n, oy, ox, o] = Σ_{ky, kx, c} x[n, oy·sy + ky − padTop, ox·sx + kx − padLeft, c] · w[ky, kx, c, o],
/// with taps outside the image reading zero. Output size and padding follow
/// TensorFlow: 'valid' keeps windows that fit, 'same' gives ceil(in / stride)
/// with total padding max((out − 1)·stride + k − in, 0), top/left getting half (rounded down).
@Suite struct ConvolutionTests {

    // MARK: Reference

    struct Case: CustomStringConvertible {
        var batch: Int, height: Int, width: Int, inChannels: Int
        var kernel: (Int, Int), outChannels: Int
        var stride: (Int, Int), padding: Padding

        var inputShape: [Int] { [batch, height, width, inChannels] }
        var filterShape: [Int] { [kernel.0, kernel.1, inChannels, outChannels] }
        var description: String {
            "x\(inputShape) w\(filterShape) stride \(stride) \(padding)"
        }
    }

    /// Output size and leading padding along one axis, from the TensorFlow rules.
    static func axisGeometry(size: Int, kernel: Int, stride: Int, padding: Padding) -> (out: Int, padBefore: Int) {
        switch padding {
        case .valid:
            return ((size - kernel) / stride + 1, 0)
        case .same:
            let out = (size + stride - 1) / stride
            return (out, Swift.max((out - 1) * stride + kernel - size, 0) / 2)
        }
    }

    /// The 7-loop definition, accumulated in Double.
    static func referenceConv(_ x: Tensor, _ w: Tensor, stride: (Int, Int), padding: Padding) -> Tensor {
        referenceConvWithBounds(x, w, stride: stride, padding: padding).value
    }

    /// The 7-loop definition, and how far a Float convolution may be from it: each output sums
    /// kh·kw·c products, so it is within `Tolerance.sum` of Σ|x·w| (one more rounding: the
    /// reference's own, to Float).
    static func referenceConvWithBounds(_ x: Tensor, _ w: Tensor, stride: (Int, Int),
                                        padding: Padding) -> (value: Tensor, bounds: [Double]) {
        let (n, h, wd, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (kh, kw, o) = (w.shape[0], w.shape[1], w.shape[3])
        let (oh, pt) = axisGeometry(size: h, kernel: kh, stride: stride.0, padding: padding)
        let (ow, pl) = axisGeometry(size: wd, kernel: kw, stride: stride.1, padding: padding)
        var out = [Float](repeating: 0, count: n * oh * ow * o)
        var bounds = [Double](repeating: 0, count: out.count)
        for b in 0..<n {
            for oy in 0..<oh {
                for ox in 0..<ow {
                    for oc in 0..<o {
                        var sum = 0.0, absoluteSum = 0.0
                        for ky in 0..<kh {
                            let iy = oy * stride.0 + ky - pt
                            if iy < 0 || iy >= h { continue }
                            for kx in 0..<kw {
                                let ix = ox * stride.1 + kx - pl
                                if ix < 0 || ix >= wd { continue }
                                for ic in 0..<c {
                                    let term = Double(x.scalars[((b * h + iy) * wd + ix) * c + ic])
                                        * Double(w.scalars[((ky * kw + kx) * c + ic) * o + oc])
                                    sum += term
                                    absoluteSum += Swift.abs(term)
                                }
                            }
                        }
                        let i = ((b * oh + oy) * ow + ox) * o + oc
                        out[i] = Float(sum)
                        bounds[i] = Tolerance.sum(terms: kh * kw * c, absoluteSum: absoluteSum, extraOperations: 1)
                    }
                }
            }
        }
        return (try! Tensor(shape: [n, oh, ow, o], scalars: out), bounds)
    }

    /// The transposed loops: dX and dW of Σ conv(x, w) · dy.
    static func referenceConvBackward(_ x: Tensor, _ w: Tensor, _ dy: Tensor,
                                      stride: (Int, Int), padding: Padding) -> (dx: Tensor, dw: Tensor) {
        let r = referenceConvBackwardWithBounds(x, w, dy, stride: stride, padding: padding)
        return (r.dx, r.dw)
    }

    /// The transposed loops, and the rounding bound of each gradient element as in
    /// `referenceConvWithBounds`: an element of dX sums kh·kw·o products dy·w, one of dW sums
    /// n·oh·ow products dy·x.
    static func referenceConvBackwardWithBounds(_ x: Tensor, _ w: Tensor, _ dy: Tensor, stride: (Int, Int), padding: Padding)
        -> (dx: Tensor, dw: Tensor, dxBounds: [Double], dwBounds: [Double]) {
        let (n, h, wd, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (kh, kw, o) = (w.shape[0], w.shape[1], w.shape[3])
        let (oh, pt) = axisGeometry(size: h, kernel: kh, stride: stride.0, padding: padding)
        let (ow, pl) = axisGeometry(size: wd, kernel: kw, stride: stride.1, padding: padding)
        precondition(dy.shape == [n, oh, ow, o])
        var dx = [Double](repeating: 0, count: x.count), dxAbsolute = dx
        var dw = [Double](repeating: 0, count: w.count), dwAbsolute = dw
        for b in 0..<n {
            for oy in 0..<oh {
                for ox in 0..<ow {
                    for oc in 0..<o {
                        let g = Double(dy.scalars[((b * oh + oy) * ow + ox) * o + oc])
                        for ky in 0..<kh {
                            let iy = oy * stride.0 + ky - pt
                            if iy < 0 || iy >= h { continue }
                            for kx in 0..<kw {
                                let ix = ox * stride.1 + kx - pl
                                if ix < 0 || ix >= wd { continue }
                                for ic in 0..<c {
                                    let xi = ((b * h + iy) * wd + ix) * c + ic
                                    let wi = ((ky * kw + kx) * c + ic) * o + oc
                                    dx[xi] += g * Double(w.scalars[wi])
                                    dw[wi] += g * Double(x.scalars[xi])
                                    dxAbsolute[xi] += Swift.abs(g * Double(w.scalars[wi]))
                                    dwAbsolute[wi] += Swift.abs(g * Double(x.scalars[xi]))
                                }
                            }
                        }
                    }
                }
            }
        }
        return (try! Tensor(shape: x.shape, scalars: dx.map { Float($0) }),
                try! Tensor(shape: w.shape, scalars: dw.map { Float($0) }),
                dxAbsolute.map { Tolerance.sum(terms: kh * kw * o, absoluteSum: $0, extraOperations: 1) },
                dwAbsolute.map { Tolerance.sum(terms: n * oh * ow, absoluteSum: $0, extraOperations: 1) })
    }

    /// Every element i within `bounds[i]` (a rounding bound from `Tolerance`).
    static func expectClose(_ actual: Tensor, _ expected: Tensor, within bounds: [Double], _ what: String,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(actual.shape == expected.shape, "\(what): shape", sourceLocation: sourceLocation)
        guard actual.shape == expected.shape else { return }
        var worst = -1, worstExcess = 0.0
        for i in 0..<expected.count {
            let a = Double(actual.scalars[i]), e = Double(expected.scalars[i])
            let excess = Swift.abs(a - e) - bounds[i]
            if a.isNaN || excess > worstExcess {
                worst = i
                worstExcess = a.isNaN ? .infinity : excess
            }
        }
        if worst >= 0 {
            let message = "\(what): element \(worst) is \(actual.scalars[worst]), expected \(expected.scalars[worst]) within \(bounds[worst])"
            Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
        }
    }


    static func check(_ c: Case, seed: UInt64, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let x = try randomTensor(c.inputShape, seed: seed)
        let w = try randomTensor(c.filterShape, seed: seed &+ 1000)
        let expected = referenceConvWithBounds(x, w, stride: c.stride, padding: c.padding)
        try withEachKernels {
            let y = try Tensor.conv2d(x, w, stride: c.stride, padding: c.padding)
            expectClose(y, expected.value, within: expected.bounds, "\(c) \(Kernels.override!)", sourceLocation: sourceLocation)
        }
    }

    // MARK: Forward

    @Test(arguments: [1, 2, 3, 4, 5, 7])
    func forwardMatchesNaiveLoopsForEachKernelSizeStridesAndPaddings(kernel: Int) throws {
        var seed: UInt64 = UInt64(kernel) * 100
        for padding in [Padding.same, .valid] {
            for stride in [(1, 1), (2, 2), (2, 1), (1, 3)] {
                for (h, w) in [(7, 9), (11, 5), (8, 8)] where padding == .same || (h >= kernel && w >= kernel) {
                    seed += 1
                    let channels = [(1, 1), (3, 4), (2, 5)][Int(seed % 3)]
                    try Self.check(Case(batch: 2, height: h, width: w, inChannels: channels.0, kernel: (kernel, kernel),
                                        outChannels: channels.1, stride: stride, padding: padding), seed: seed)
                }
            }
        }
    }

    @Test func forwardMatchesNaiveLoopsForRectangularKernels() throws {
        let cases = [
            Case(batch: 3, height: 7, width: 9, inChannels: 2, kernel: (1, 3), outChannels: 3, stride: (1, 1), padding: .same),
            Case(batch: 1, height: 11, width: 5, inChannels: 3, kernel: (4, 2), outChannels: 2, stride: (2, 1), padding: .same),
            Case(batch: 2, height: 9, width: 7, inChannels: 4, kernel: (5, 3), outChannels: 6, stride: (3, 2), padding: .valid),
            Case(batch: 2, height: 6, width: 10, inChannels: 1, kernel: (2, 5), outChannels: 1, stride: (1, 2), padding: .same),
        ]
        for (i, c) in cases.enumerated() { try Self.check(c, seed: 900 + UInt64(i)) }
    }

    @Test func kernelLargerThanImageWithSamePaddingStillMatches() throws {
        // 'same' pads enough that every output pixel exists even though the window exceeds the image.
        try Self.check(Case(batch: 2, height: 3, width: 4, inChannels: 2, kernel: (5, 7), outChannels: 3,
                            stride: (1, 1), padding: .same), seed: 31)
        try Self.check(Case(batch: 1, height: 3, width: 3, inChannels: 1, kernel: (6, 6), outChannels: 2,
                            stride: (2, 2), padding: .same), seed: 32)
    }

    @Test func samePaddingPutsTheExtraRowAndColumnAtTheBottomRight() throws {
        // 4x4 image of ones, 2x2 kernel of ones, stride 1, 'same': total padding 1 per axis, all of it
        // after the image. So out[0,0] sums a full window (4) and the last row/column only 2, the corner 1.
        let x = try Tensor.ones([1, 4, 4, 1])
        let w = try Tensor.ones([2, 2, 1, 1])
        let y = try Tensor.conv2d(x, w, stride: (1, 1), padding: .same)
        #expect(y.shape == [1, 4, 4, 1])
        #expect(y.scalars == [4, 4, 4, 2,
                              4, 4, 4, 2,
                              4, 4, 4, 2,
                              2, 2, 2, 1])
        // 3x3 kernel, stride 2 on a 4x4 image: out 2, total padding (2-1)*2+3-4 = 1 -> 0 before, 1 after.
        let w3 = try Tensor.ones([3, 3, 1, 1])
        let y3 = try Tensor.conv2d(x, w3, stride: (2, 2), padding: .same)
        #expect(y3.scalars == [9, 6, 6, 4])
    }

    @Test func batchSplitIntoSeveralIm2colChunksMatchesPerImageResults() throws {
        try withEachKernels {
            // 48x48 'same', 5x5x8 patches: 2304 pixels x 200 columns per image, so the ~16 MiB column
            // buffer holds 9 images and a batch of 12 runs as two chunks (9 + 3).
            let c = Case(batch: 12, height: 48, width: 48, inChannels: 8, kernel: (5, 5), outChannels: 4,
                         stride: (1, 1), padding: .same)
            let x = try randomTensor(c.inputShape, seed: 77)
            let w = try randomTensor(c.filterShape, seed: 78)
            let whole = try Tensor.conv2d(x, w, padding: .same)
            let expected = Self.referenceConvWithBounds(x, w, stride: (1, 1), padding: .same)
            Self.expectClose(whole, expected.value, within: expected.bounds, "chunked batch vs loops")

            let perImage = try (0..<c.batch).map { b in
                try Tensor.conv2d(x.sliced(axis: 0, start: b, end: b + 1), w, padding: .same)
            }
            let joined = try Tensor.concat(perImage, axis: 0)
            // Each is within γ(200)·Σ|x·w| of the exact value (the reference's bound), so within twice that of the other.
            Self.expectClose(joined, whole, within: expected.bounds.map { 2 * $0 }, "chunked batch vs one image at a time")
        }
    }

    // MARK: Gradients

    @Test(arguments: [Padding.same, .valid])
    func gradientsMatchFiniteDifferencesStride1(padding: Padding) throws {
        try withEachKernels {
            let x = try randomTensor([2, 5, 6, 2], seed: 11)
            let w = try randomTensor([3, 3, 2, 3], seed: 12)
            try expectGradientsMatchFiniteDifferences({ try Tensor.conv2d($0[0], $0[1], padding: padding) }, at: [x, w])
        }
    }

    @Test(arguments: [Padding.same, .valid])
    func gradientsMatchFiniteDifferencesStride2(padding: Padding) throws {
        try withEachKernels {
            let x = try randomTensor([2, 7, 6, 2], seed: 13)
            let w = try randomTensor([3, 2, 2, 2], seed: 14)
            try expectGradientsMatchFiniteDifferences({ try Tensor.conv2d($0[0], $0[1], stride: (2, 2), padding: padding) },
                                                       at: [x, w])
            // Unequal strides and an even kernel (asymmetric 'same' padding).
            let w4 = try randomTensor([4, 3, 2, 2], seed: 15)
            try expectGradientsMatchFiniteDifferences({ try Tensor.conv2d($0[0], $0[1], stride: (2, 1), padding: padding) },
                                                       at: [x, w4])
        }
    }

    @Test func gradientWrtOnlyOneOperandIsStillCorrect() throws {
        try withEachKernels {
            let x = try randomTensor([2, 6, 6, 3], seed: 21)
            let w = try randomTensor([3, 3, 3, 2], seed: 22)
            let dy = try randomTensor([2, 3, 3, 2], seed: 23)
            let expected = Self.referenceConvBackwardWithBounds(x, w, dy, stride: (2, 2), padding: .same)

            let tx = x.requiringGrad()
            let dx = try gradients(of: (Tensor.conv2d(tx, w, stride: (2, 2), padding: .same) * dy).sum(), wrt: [tx])[0]
            Self.expectClose(dx, expected.dx, within: expected.dxBounds, "dX with a constant filter")

            let tw = w.requiringGrad()
            let dw = try gradients(of: (Tensor.conv2d(x, tw, stride: (2, 2), padding: .same) * dy).sum(), wrt: [tw])[0]
            Self.expectClose(dw, expected.dw, within: expected.dwBounds, "dW with a constant input")
        }
    }

    @Test(arguments: [
        Case(batch: 3, height: 13, width: 11, inChannels: 5, kernel: (3, 3), outChannels: 7, stride: (1, 1), padding: .same),
        Case(batch: 2, height: 15, width: 12, inChannels: 4, kernel: (5, 4), outChannels: 6, stride: (2, 3), padding: .same),
        Case(batch: 4, height: 12, width: 13, inChannels: 6, kernel: (4, 4), outChannels: 3, stride: (2, 2), padding: .valid),
    ])
    func backwardMatchesNaiveTransposedLoops(c: Case) throws {
        try withEachKernels {
            let x = try randomTensor(c.inputShape, seed: UInt64(c.height * 31 + c.width))
            let w = try randomTensor(c.filterShape, seed: UInt64(c.kernel.0 * 7 + c.kernel.1))
            let y = try Tensor.conv2d(x, w, stride: c.stride, padding: c.padding)
            let dy = try randomTensor(y.shape, seed: 5)
            let expected = Self.referenceConvBackwardWithBounds(x, w, dy, stride: c.stride, padding: c.padding)

            let (tx, tw) = (x.requiringGrad(), w.requiringGrad())
            let grads = try gradients(of: (Tensor.conv2d(tx, tw, stride: c.stride, padding: c.padding) * dy).sum(), wrt: [tx, tw])
            Self.expectClose(grads[0], expected.dx, within: expected.dxBounds, "dX \(c)")
            Self.expectClose(grads[1], expected.dw, within: expected.dwBounds, "dW \(c)")
        }
    }

    @Test func backwardAcrossSeveralIm2colChunksAccumulatesTheFilterGradient() throws {
        try withEachKernels {
            // Same geometry as the chunked forward test: two chunks (9 + 3 images). dW must sum over
            // both chunks; dX of each image must only come from that image.
            let x = try randomTensor([12, 48, 48, 8], seed: 81)
            let w = try randomTensor([5, 5, 8, 4], seed: 82)
            let dy = try randomTensor([12, 48, 48, 4], seed: 83)
            let expected = Self.referenceConvBackwardWithBounds(x, w, dy, stride: (1, 1), padding: .same)

            let (tx, tw) = (x.requiringGrad(), w.requiringGrad())
            let grads = try gradients(of: (Tensor.conv2d(tx, tw, padding: .same) * dy).sum(), wrt: [tx, tw])
            Self.expectClose(grads[0], expected.dx, within: expected.dxBounds, "dX over chunks")
            Self.expectClose(grads[1], expected.dw, within: expected.dwBounds, "dW over chunks")
        }
    }

    @Test(arguments: [Padding.same, .valid])
    func fusedBiasReluEqualsTheCompositeWithTheSameGradients(padding: Padding) throws {
        let x = try randomTensor([3, 9, 8, 4], seed: 61)
        let w = try randomTensor([3, 3, 4, 5], seed: 62)
        let b = try randomTensor([5], seed: 63)
        // Each path sums the 3·3·4 products and the bias: within γ(37)·(Σ|x·w| + |b|) of the exact value (the
        // reference's bound is γ(37)·Σ|x·w|); ReLU adds no error.
        let valueBounds = Self.referenceConvWithBounds(x, w, stride: (2, 1), padding: padding).bounds.enumerated().map { i, bound in
            2 * (bound + Tolerance.gamma(37) * Double(Swift.abs(b.scalars[i % 5])))
        }
        try withEachKernels {
            let (tx, tw, tb) = (x.requiringGrad(), w.requiringGrad(), b.requiringGrad())
            let fused = try Tensor.conv2dBiasRelu(tx, tw, bias: tb, stride: (2, 1), padding: padding)
            let composite = try Tensor.biasRelu(Tensor.conv2d(tx, tw, stride: (2, 1), padding: padding), bias: tb)
            #expect(fused.shape == composite.shape)
            Self.expectClose(fused, composite, within: valueBounds, "values with \(Kernels.override!)")
            #expect(fused.scalars.contains(0) && fused.scalars.contains { $0 > 0 }, "some units are cut by the ReLU, some pass")
            let dy = try randomTensor(fused.shape, seed: 64)
            let a = try gradients(of: (fused * dy).sum(), wrt: [tx, tw, tb])
            let c = try gradients(of: (composite * dy).sum(), wrt: [tx, tw, tb])
            // Both back-propagate dy through the same ReLU mask: the gradients of the masked dy, each within its bound.
            let masked = Tensor.reluGradient(dy, output: fused)
            let expected = Self.referenceConvBackwardWithBounds(x, w, masked, stride: (2, 1), padding: padding)
            let biasBounds = try masked.abs().sum(axes: [0, 1, 2]).scalars.map {
                Tolerance.sum(terms: masked.count / 5, absoluteSum: Double($0))
            }
            for (name, (ga, gc), bounds) in [("dx", (a[0], c[0]), expected.dxBounds), ("dw", (a[1], c[1]), expected.dwBounds),
                                             ("dbias", (a[2], c[2]), biasBounds)] {
                Self.expectClose(ga, gc, within: bounds.map { 2 * $0 }, "\(name) with \(Kernels.override!)")
            }
            // Finite differences need points away from the ReLU's kink: small filters (|conv| ≤ 3.6)
            // and biases of ±5 keep each channel wholly on or wholly off.
            let small = try randomTensor([3, 3, 4, 5], seed: 65, low: -0.1, high: 0.1)
            let away = try Tensor(shape: [5], scalars: [5, -5, 5, 5, -5])
            try expectGradientsMatchFiniteDifferences({ try Tensor.conv2dBiasRelu($0[0], $0[1], bias: $0[2], padding: padding) },
                                                       at: [x, small, away])
        }
    }

    @Test func fusedBiasWithTheWrongLengthIsAnErrorNamingTheShapes() throws {
        Self.expectError("conv2dBiasRelu", mentioning: ["[3, 3, 2, 4]", "[3]"]) {
            try Tensor.conv2dBiasRelu(Tensor.zeros([1, 5, 5, 2]), Tensor.zeros([3, 3, 2, 4]), bias: Tensor.zeros([3]))
        }
    }

    @Test func oneDNNMakesKernelsForTheSeedCNNLayersAndReusesThem() throws {
        // Fallback to im2col must not happen silently for the shapes that matter.
        for (size, inChannels, outChannels) in [(48, 1, 64), (24, 64, 128), (12, 128, 256)] {
            let g = try WindowGeometry(op: "conv2d", input: [8, size, size, inChannels], kernel: (5, 5),
                                       stride: (1, 1), padding: .same)
            let library = try #require(DNNLConvolution.make(g, outChannels: outChannels))
            #expect(!library.implementation.isEmpty && library.implementation != "?")
            #expect(DNNLConvolution.make(g, outChannels: outChannels) === library, "one kernel per geometry")
        }
    }

    // MARK: Shape errors

    static func expectError(_ op: String, mentioning fragments: [String],
                            sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Tensor) {
        do {
            let y = try body()
            Issue.record("expected a \(op) error, got a tensor of shape \(y.shape)", sourceLocation: sourceLocation)
        } catch let error as TensorError {
            #expect(error.op == op, "\(error)", sourceLocation: sourceLocation)
            for fragment in fragments {
                #expect(error.description.contains(fragment), "'\(error)' should mention \(fragment)",
                        sourceLocation: sourceLocation)
            }
        } catch {
            Issue.record("expected a TensorError, got \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func channelMismatchIsAnErrorNamingBothShapes() throws {
        let x = try Tensor.zeros([1, 5, 5, 3])
        let w = try Tensor.zeros([3, 3, 2, 4])
        Self.expectError("conv2d", mentioning: ["[1, 5, 5, 3]", "[3, 3, 2, 4]"]) { try Tensor.conv2d(x, w) }
    }

    @Test func rank3InputIsAnErrorNamingTheShape() throws {
        let x = try Tensor.zeros([5, 5, 3])
        let w = try Tensor.zeros([3, 3, 3, 4])
        Self.expectError("conv2d", mentioning: ["[5, 5, 3]"]) { try Tensor.conv2d(x, w, padding: .same) }
    }

    @Test func filterThatIsNotRank4IsAnError() throws {
        let x = try Tensor.zeros([1, 5, 5, 3])
        let w = try Tensor.zeros([3, 3, 3])
        Self.expectError("conv2d", mentioning: ["[1, 5, 5, 3]", "[3, 3, 3]"]) { try Tensor.conv2d(x, w) }
    }

    @Test func kernelBiggerThanImageWithValidPaddingIsAnError() throws {
        let x = try Tensor.zeros([1, 3, 4, 1])
        let w = try Tensor.zeros([5, 2, 1, 1])
        Self.expectError("conv2d", mentioning: ["[1, 3, 4, 1]", "5x2", "3x4"]) { try Tensor.conv2d(x, w, padding: .valid) }
    }

    @Test func nonPositiveStrideIsAnError() throws {
        let x = try Tensor.zeros([1, 5, 5, 1])
        let w = try Tensor.zeros([3, 3, 1, 1])
        Self.expectError("conv2d", mentioning: ["stride"]) { try Tensor.conv2d(x, w, stride: (0, 1)) }
    }
}
