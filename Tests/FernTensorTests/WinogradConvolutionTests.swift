import FernTestSupport
import Testing
@testable import FernTensor

/// The Winograd paths, F(4x4, 5x5) and F(6x6, 3x3) ("same", stride 1,
/// channels in multiples of 16), against the loop definition of
/// ConvolutionTests: forward values, the fused bias + ReLU, both gradients,
/// and the choice of when it applies. Sizes that are not multiples of 4 or 6
/// leave partial tiles at the bottom and right; 48 output channels take the
/// 16-wide product kernel, 64 and more the 64-wide one (AVX-512; AVX2's
/// products are 16 wide, its filter-gradient sums 16 wide too).
///
/// Every test runs once per instruction set whose kernels this CPU runs
/// (AVX-512 and AVX2 on an AVX-512 CPU, AVX2 alone on an AVX2 one), whatever
/// FERN_ISA says; `runsEveryInstructionSetThisCPUHas` records which ran.
@Suite(.enabled(if: RuntimeSettings.current.winogradAllowed, "FERN_WINOGRAD=0"))
struct WinogradConvolutionTests {
    typealias Reference = ConvolutionTests

    static let shapes: [(kernel: Int, batch: Int, height: Int, width: Int, inChannels: Int, outChannels: Int)] = [
        (5, 2, 13, 10, 16, 48), (5, 3, 8, 8, 32, 64), (5, 1, 5, 7, 16, 80), (5, 2, 1, 3, 16, 16),
        (3, 2, 13, 10, 16, 48), (3, 3, 12, 12, 32, 64), (3, 1, 5, 7, 16, 80), (3, 2, 1, 3, 16, 16),
        // More tiles than two cores take in one block of 48 each (147 and 125): each core's
        // share starts inside an image and runs over several blocks.
        (5, 3, 26, 26, 16, 16), (3, 5, 30, 30, 16, 16),
    ]

    /// The instruction sets to test: all this CPU runs.
    static let isas = WinogradConvolution.runnableISAs

    /// Runs `body` with the Winograd kernels of `isa` (and the library's kernels around them).
    static func with<T>(_ isa: InstructionSet, _ body: () throws -> T) rethrows -> T {
        try WinogradConvolution.$isaOverride.withValue(isa) {
            try WinogradConvolution.$override.withValue(true) { try Kernels.$override.withValue(.fast) { try body() } }
        }
    }

    @Test func runsEveryInstructionSetThisCPUHas() {
        let expected: [InstructionSet] = InstructionSet.cpuBest == .avx512 ? [.avx512, .avx2]
            : InstructionSet.cpuBest == .avx2 ? [.avx2] : []
        #expect(Self.isas == expected, "this CPU's tier is \(InstructionSet.cpuBest)")
        print("Winograd kernels tested on this CPU (\(InstructionSet.cpuBest)): \(Self.isas)")
    }

    @Test(arguments: isas, 0..<shapes.count)
    func forwardAndGradientsMatchTheLoopDefinition(isa: InstructionSet, _ which: Int) throws {
        let s = Self.shapes[which]
        let x = try randomTensor([s.batch, s.height, s.width, s.inChannels], seed: 81)
        let w = try randomTensor([s.kernel, s.kernel, s.inChannels, s.outChannels], seed: 82, low: -0.2, high: 0.2)
        let g = try WindowGeometry(op: "conv2d", input: x.shape, kernel: (s.kernel, s.kernel), stride: (1, 1), padding: .same)
        #expect(Self.with(isa) { WinogradConvolution.make(g, outChannels: s.outChannels) != nil }, "takes the Winograd path")

        try Self.with(isa) {
            let (tx, tw) = (x.requiringGrad(), w.requiringGrad())
            let y = try Tensor.conv2d(tx, tw, padding: .same)
            Reference.expectClose(y, Reference.referenceConv(x, w, stride: (1, 1), padding: .same),
                                  within: WinogradErrorBound.forward(x, w), "forward \(s)")
            let dy = try randomTensor(y.shape, seed: 83)
            let grads = try gradients(of: (y * dy).sum(), wrt: [tx, tw])
            let expected = Reference.referenceConvBackward(x, w, dy, stride: (1, 1), padding: .same)
            Reference.expectClose(grads[0], expected.dx, within: WinogradErrorBound.inputGradient(dy, w), "dx \(s)")
            Reference.expectClose(grads[1], expected.dw, within: WinogradErrorBound.filterGradient(x, dy, kernel: s.kernel),
                                  "dw \(s)")
        }
    }

    @Test(arguments: isas, [5, 3])
    func fusedBiasReluMatchesTheCompositeOfTheLoopDefinition(isa: InstructionSet, kernel: Int) throws {
        let x = try randomTensor([2, 11, 9, 32], seed: 84)
        let w = try randomTensor([kernel, kernel, 32, 64], seed: 85, low: -0.1, high: 0.1)
        let b = try randomTensor([64], seed: 86, low: -0.5, high: 0.5)
        try Self.with(isa) {
            let (tx, tw, tb) = (x.requiringGrad(), w.requiringGrad(), b.requiringGrad())
            let fused = try Tensor.conv2dBiasRelu(tx, tw, bias: tb, padding: .same)
            let plain = Reference.referenceConv(x, w, stride: (1, 1), padding: .same)
            let expected = try Tensor.biasRelu(plain, bias: b)
            Reference.expectClose(fused, expected, within: WinogradErrorBound.forward(x, w, bias: b), "fused values")
            #expect(fused.scalars.contains(0) && fused.scalars.contains { $0 > 0 }, "the ReLU cuts some units, passes others")
            let dy = try randomTensor(fused.shape, seed: 87)
            let grads = try gradients(of: (fused * dy).sum(), wrt: [tx, tw, tb])
            let masked = Tensor.reluGradient(dy, output: expected)
            let reference = Reference.referenceConvBackward(x, w, masked, stride: (1, 1), padding: .same)
            Reference.expectClose(grads[0], reference.dx, within: WinogradErrorBound.inputGradient(masked, w), "dx")
            Reference.expectClose(grads[1], reference.dw, within: WinogradErrorBound.filterGradient(x, masked, kernel: kernel), "dw")
            // Two Float sums over the 2·11·9 positions of each channel, in any order.
            let positions = masked.count / 64
            let absoluteSums = (0..<64).map { o in (0..<positions).reduce(0.0) { $0 + Double(Swift.abs(masked.scalars[$1 * 64 + o])) } }
            Reference.expectClose(grads[2], try Tensor.biasGradient(masked),
                                  within: absoluteSums.map { Tolerance.betweenTwoSums(terms: positions, absoluteSum: $0) }, "dbias")
        }
    }

    @Test(arguments: isas, [5, 3])
    func gradientsMatchFiniteDifferences(isa: InstructionSet, kernel: Int) throws {
        let x = try randomTensor([1, 7, 5, 16], seed: 88)
        let w = try randomTensor([kernel, kernel, 16, 16], seed: 89, low: -0.2, high: 0.2)
        try Self.with(isa) {
            try expectGradientsMatchFiniteDifferences({ try Tensor.conv2d($0[0], $0[1], padding: .same) }, at: [x, w])
        }
    }

    /// A NaN spreads to every output of the tiles whose 8x8 windows read it (a wider
    /// patch than the direct kernel's 5x5), so a NaN in the data still reaches the loss.
    @Test(arguments: isas)
    func aNaNInTheInputReachesTheOutput(isa: InstructionSet) throws {
        var x = try randomTensor([1, 16, 16, 16], seed: 90)
        x.scalars[(3 * 16 + 4) * 16 + 5] = .nan
        let w = try randomTensor([5, 5, 16, 16], seed: 91)
        let y = try Self.with(isa) { try Tensor.conv2d(x, w, padding: .same) }
        #expect(y.scalars[(3 * 16 + 4) * 16].isNaN, "the output at the NaN's pixel")
        #expect(!y.scalars[(12 * 16 + 12) * 16].isNaN, "outputs whose tiles do not read the NaN stay numbers")
    }

    @Test(arguments: isas)
    func otherConvolutionsKeepTheDirectKernels(isa: InstructionSet) throws {
        func applies(_ input: [Int], kernel: Int, stride: Int = 1, padding: Padding = .same, out: Int = 32,
                     on: Bool? = true, isa: InstructionSet = isa) throws -> Bool {
            let g = try WindowGeometry(op: "conv2d", input: input, kernel: (kernel, kernel), stride: (stride, stride), padding: padding)
            return WinogradConvolution.$isaOverride.withValue(isa) {
                WinogradConvolution.$override.withValue(on) { WinogradConvolution.make(g, outChannels: out) != nil }
            }
        }
        #expect(try applies([8, 24, 24, 64], kernel: 5, out: 128), "SEED_CNN's second layer")
        #expect(try applies([8, 12, 12, 128], kernel: 5, out: 256), "SEED_CNN's third layer")
        #expect(try !applies([8, 48, 48, 1], kernel: 5, out: 64), "one input channel: SEED_CNN's first layer")
        #expect(try applies([8, 24, 24, 64], kernel: 3, out: 128), "a 3x3 layer of the tuned CNN")
        #expect(try !applies([8, 24, 24, 64], kernel: 7), "7x7")
        #expect(try !applies([8, 24, 24, 64], kernel: 1), "1x1")
        #expect(try !applies([8, 24, 24, 64], kernel: 5, stride: 2), "stride 2")
        #expect(try !applies([8, 24, 24, 64], kernel: 5, padding: .valid), "valid padding")
        #expect(try !applies([8, 24, 24, 24], kernel: 5), "24 input channels")
        #expect(try !applies([8, 24, 24, 64], kernel: 5, out: 40), "40 output channels")
        #expect(try !applies([8, 24, 24, 64], kernel: 5, on: false), "switched off")
        #expect(try !applies([8, 24, 24, 64], kernel: 5, isa: .sse41), "no Winograd kernels below AVX2")
        // Left to choose (no override), Winograd takes images of at least one output tile.
        let enabled = WinogradConvolution.enabled
        #expect(try applies([8, 6, 6, 256], kernel: 3, out: 256, on: nil) == enabled, "6x6 pixels, one full 3x3 tile")
        #expect(try applies([8, 4, 9, 64], kernel: 5, on: nil) == enabled, "4x9 pixels, full 5x5 tiles")
        #expect(try !applies([8, 3, 3, 512], kernel: 3, out: 512, on: nil), "3x3 pixels: mostly padding")
        #expect(try !applies([8, 5, 12, 64], kernel: 3, on: nil), "5 rows under a 6-row tile")
        #expect(try !applies([8, 12, 3, 64], kernel: 5, on: nil), "3 columns under a 4-column tile")
        #expect(try applies([8, 3, 3, 512], kernel: 3, out: 512), "forced, it still applies")
    }
}
