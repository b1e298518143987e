import FernTestSupport
import Testing
@testable import FernTensor

/// Convolutions in bf16 (`ConvolutionPrecision`) against the definition on
/// operands rounded to bf16 the way oneDNN rounds them (to nearest, ties to
/// even): what is left is Float32 accumulation, within `Tolerance.sum` of
/// Σ|x̃·w̃|. That bound is 2⁸ times tighter than the rounding itself, so a
/// result computed in Float32 (the bf16 path not taken) fails it, and so does
/// one that rounds differently or mixes up a layout. Where oneDNN has no fast
/// bf16 kernels (below AVX-512, or one input channel) the Float32 kernels
/// must run instead, and do.
@Suite struct BFloat16ConvolutionTests {
    /// `x` rounded to the nearest bf16, ties to even (NaN is not among the test values).
    static func bf16(_ x: Float) -> Float {
        let bits = x.bitPattern
        return Float(bitPattern: (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) & 0xFFFF_0000)
    }

    static func rounded(_ t: Tensor) -> Tensor { try! Tensor(shape: t.shape, scalars: t.scalars.map(bf16)) }

    @Test func roundingToBF16KeepsEightBitsToNearestTiesToEven() {
        #expect(Self.bf16(1) == 1 && Self.bf16(-2.5) == -2.5)
        #expect(Self.bf16(1 + 0x1p-8) == 1, "a tie goes to the even neighbour, 1")
        #expect(Self.bf16(1 + 3 * 0x1p-8) == 1 + 0x1p-6, "a tie goes to the even neighbour, 1 + 2⁻⁶")
        #expect(Self.bf16(1 + 0x1p-8 + 0x1p-12) == 1 + 0x1p-7, "above the tie, up")
        #expect(Self.bf16(0.1) == 0.10009765625)
    }

    struct Layer: CustomStringConvertible, Sendable {
        var batch: Int, side: Int, inChannels: Int, outChannels: Int, kernel: Int, stride: Int, padding: Padding

        var description: String {
            "\(batch)x\(side)x\(side)x\(inChannels) → \(outChannels), \(kernel)x\(kernel) stride \(stride) \(padding)"
        }
    }

    /// The tuned CNN's 3x3 layers in miniature, a 5x5 one, a strided one and a 1x1 one.
    static let layers = [
        Layer(batch: 2, side: 8, inChannels: 16, outChannels: 32, kernel: 3, stride: 1, padding: .same),
        Layer(batch: 2, side: 10, inChannels: 16, outChannels: 16, kernel: 5, stride: 1, padding: .same),
        Layer(batch: 3, side: 9, inChannels: 8, outChannels: 16, kernel: 3, stride: 2, padding: .valid),
        Layer(batch: 2, side: 7, inChannels: 32, outChannels: 16, kernel: 1, stride: 1, padding: .valid),
    ]

    /// Whether oneDNN has fast bf16 kernels for this layer here.
    static func bf16Runs(_ layer: Layer) throws -> Bool {
        let g = try WindowGeometry(op: "conv2d", input: [layer.batch, layer.side, layer.side, layer.inChannels],
                                   kernel: (layer.kernel, layer.kernel), stride: (layer.stride, layer.stride),
                                   padding: layer.padding)
        return DNNLConvolution.make(g, outChannels: layer.outChannels, precision: .bf16) != nil
    }

    @Test(arguments: layers)
    func valuesAndGradientsAreTheDefinitionOnRoundedOperands(layer: Layer) throws {
        let x = try randomTensor([layer.batch, layer.side, layer.side, layer.inChannels], seed: 1)
        let w = try randomTensor([layer.kernel, layer.kernel, layer.inChannels, layer.outChannels], seed: 2)
        let stride = (layer.stride, layer.stride)
        let (y, grads) = try Kernels.$override.withValue(.fast) {
            try ConvolutionPrecision.$override.withValue(.bf16) {
                let (tx, tw) = (x.requiringGrad(), w.requiringGrad())
                let y = try Tensor.conv2d(tx, tw, stride: stride, padding: layer.padding)
                let dy = try randomTensor(y.shape, seed: 3)
                return (y, (dy, try gradients(of: (y * dy).sum(), wrt: [tx, tw])))
            }
        }
        let (dy, g) = grads
        let f32 = ConvolutionTests.referenceConvWithBounds(x, w, stride: stride, padding: layer.padding)
        let f32Backward = ConvolutionTests.referenceConvBackwardWithBounds(x, w, dy, stride: stride, padding: layer.padding)
        guard try Self.bf16Runs(layer) else {
            print("bf16 convolution: oneDNN has no fast bf16 kernels here (\(DNNL.effectiveISA)); checked the Float32 fallback")
            ConvolutionTests.expectClose(y, f32.value, within: f32.bounds, "\(layer) f32 fallback")
            ConvolutionTests.expectClose(g[0], f32Backward.dx, within: f32Backward.dxBounds, "\(layer) dx, f32 fallback")
            ConvolutionTests.expectClose(g[1], f32Backward.dw, within: f32Backward.dwBounds, "\(layer) dw, f32 fallback")
            return
        }
        let (rx, rw, rdy) = (Self.rounded(x), Self.rounded(w), Self.rounded(dy))
        let forward = ConvolutionTests.referenceConvWithBounds(rx, rw, stride: stride, padding: layer.padding)
        ConvolutionTests.expectClose(y, forward.value, within: forward.bounds, "\(layer) forward")
        // dx reads the rounded output gradient and filters; dw the rounded input and output gradient.
        let dx = ConvolutionTests.referenceConvBackwardWithBounds(x, rw, rdy, stride: stride, padding: layer.padding)
        let dw = ConvolutionTests.referenceConvBackwardWithBounds(rx, w, rdy, stride: stride, padding: layer.padding)
        ConvolutionTests.expectClose(g[0], dx.dx, within: dx.dxBounds, "\(layer) dx")
        ConvolutionTests.expectClose(g[1], dw.dw, within: dw.dwBounds, "\(layer) dw")
        // And it is not the Float32 result: rounding moved some outputs further than Float32's bound.
        #expect(zip(y.scalars, f32.value.scalars).enumerated().contains { i, pair in
            Swift.abs(Double(pair.0) - Double(pair.1)) > f32.bounds[i]
        }, "\(layer): the bf16 kernels ran")
    }

    @Test func theFusedBiasReluLayerRoundsItsOperandsAndAddsTheBiasInFloat32() throws {
        let x = try randomTensor([2, 8, 8, 16], seed: 11)
        let w = try randomTensor([3, 3, 16, 32], seed: 12)
        let b = try randomTensor([32], seed: 13)
        let layer = Layer(batch: 2, side: 8, inChannels: 16, outChannels: 32, kernel: 3, stride: 1, padding: .same)
        let y = try Kernels.$override.withValue(.fast) {
            try ConvolutionPrecision.$override.withValue(.bf16) { try Tensor.conv2dBiasRelu(x, w, bias: b, padding: .same) }
        }
        let bf16 = try Self.bf16Runs(layer)
        let reference = ConvolutionTests.referenceConvWithBounds(bf16 ? Self.rounded(x) : x, bf16 ? Self.rounded(w) : w,
                                                                 stride: (1, 1), padding: .same)
        // One more rounding for the bias add: γ(K + 2) instead of γ(K + 1) of the sum, plus |b|'s share.
        let k = 3 * 3 * 16
        let bounds = reference.bounds.enumerated().map { i, bound in
            bound * Tolerance.gamma(k + 2) / Tolerance.gamma(k + 1) + Tolerance.gamma(k + 2) * Double(Swift.abs(b.scalars[i % 32]))
        }
        let expected = try Tensor(shape: y.shape, scalars: reference.value.scalars.enumerated().map { i, v in
            Swift.max(0, v + b.scalars[i % 32])
        })
        ConvolutionTests.expectClose(y, expected, within: bounds, "conv2dBiasRelu in \(bf16 ? "bf16" : "f32 (fallback)")")
    }

    /// The filter gradient reads the bf16 copies of x and dy that the forward pass and the
    /// input gradient made, and gives the same bits as rounding them again; a copy that a
    /// later forward pass replaced is not read. x and dy have the same shape here, so a
    /// copy read in the other's place would give another gradient. (A geometry no other test
    /// uses: the saved count is the convolution object's, which tests running in parallel share.)
    @Test func theFilterGradientReadsTheOtherPassesCopiesWhileTheyAreCurrent() throws {
        let (batch, side, inChannels, outChannels) = (3, 11, 24, 24)
        let g = try WindowGeometry(op: "conv2d", input: [batch, side, side, inChannels], kernel: (3, 3), stride: (1, 1),
                                   padding: .same)
        guard let conv = DNNLConvolution.make(g, outChannels: outChannels, precision: .bf16) else {
            print("bf16 convolution: oneDNN has no fast bf16 kernels here (\(DNNL.effectiveISA)); nothing is staged")
            return
        }
        let x = try randomTensor([batch, side, side, inChannels], seed: 41)
        let other = try randomTensor([batch, side, side, inChannels], seed: 42)
        let w = try randomTensor([3, 3, inChannels, outChannels], seed: 43)
        let dy = try randomTensor([batch, side, side, outChannels], seed: 44)
        let outputs = [batch * side * side * outChannels], inputs = [x.count], filters = [w.count]
        func filterGradient(_ input: DNNLConvolution.Staged.Copy?, _ outputGradient: DNNLConvolution.Staged.Copy?) -> [Float] {
            PinnedScalars.outputs(filters, reading: [x.scalars, dy.scalars]) { i, o in
                conv.backwardWeights(i[0], i[1], o[0], stagedInput: input, stagedOutputGradient: outputGradient)
            }[0]
        }
        let rounded = filterGradient(nil, nil)
        #expect(conv.conversionsSaved == 0)

        var input, outputGradient: DNNLConvolution.Staged.Copy?
        _ = PinnedScalars.outputs(outputs, reading: [x.scalars, w.scalars]) { i, o in input = conv.forward(i[0], i[1], o[0]) }
        _ = PinnedScalars.outputs(inputs, reading: [dy.scalars, w.scalars]) { i, o in
            outputGradient = conv.backwardData(i[0], i[1], o[0])
        }
        #expect(input != nil && outputGradient != nil, "both passes read bf16 copies")
        let shared = filterGradient(input, outputGradient)
        #expect(shared == rounded, "the same bits")
        let saved = conv.conversionsSaved
        print("bf16 filter gradient: \(saved) of 2 roundings saved (oneDNN's layouts: \(conv.implementation))")
        #expect(saved == 2, "x and dy are read from the forward pass's and the input gradient's copies")

        // Another forward pass replaces the input's copy: the filter gradient rounds x again.
        _ = PinnedScalars.outputs(outputs, reading: [other.scalars, w.scalars]) { i, o in conv.forward(i[0], i[1], o[0]) }
        #expect(filterGradient(input, outputGradient) == rounded, "not the other input's gradient")
        #expect(conv.conversionsSaved == saved + 1, "only dy's copy is still current")
    }

    @Test func aFirstLayerWithOneChannelStaysFloat32() throws {
        // oneDNN has only reference code for bf16 with one input channel: hundreds of times slower.
        let g = try WindowGeometry(op: "conv2d", input: [2, 12, 12, 1], kernel: (3, 3), stride: (1, 1), padding: .same)
        #expect(DNNLConvolution.make(g, outChannels: 16, precision: .bf16) == nil)
        let x = try randomTensor([2, 12, 12, 1], seed: 21), w = try randomTensor([3, 3, 1, 16], seed: 22)
        let y = try Kernels.$override.withValue(.fast) {
            try ConvolutionPrecision.$override.withValue(.bf16) { try Tensor.conv2d(x, w, padding: .same) }
        }
        let expected = ConvolutionTests.referenceConvWithBounds(x, w, stride: (1, 1), padding: .same)
        ConvolutionTests.expectClose(y, expected.value, within: expected.bounds, "one input channel")
    }

    @Test func fernsOwnKernelsIgnoreThePrecision() throws {
        let x = try randomTensor([2, 8, 8, 16], seed: 31), w = try randomTensor([3, 3, 16, 16], seed: 32)
        let y = try Kernels.$override.withValue(.builtIn) {
            try ConvolutionPrecision.$override.withValue(.bf16) { try Tensor.conv2d(x, w, padding: .same) }
        }
        let expected = ConvolutionTests.referenceConvWithBounds(x, w, stride: (1, 1), padding: .same)
        ConvolutionTests.expectClose(y, expected.value, within: expected.bounds, "built-in kernels")
    }
}
