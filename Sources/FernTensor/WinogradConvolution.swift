import CWinograd
import Foundation

/// 5x5 and 3x3 "same" convolutions (stride 1) by Winograd's F(4x4, 5x5) and
/// F(6x6, 3x3) (`CWinograd`): 8x8 input tiles give 4x4 or 6x6 outputs with 64
/// multiplications per channel pair instead of 400 or 324. The forward pass
/// and the input gradient (the same convolution of dy with the filter turned
/// 180° and its channels swapped) take this path, and the filter gradient
/// (the exact gradient of the tile transforms: input tiles and output-gradient
/// tiles transformed, multiplied per tile position and summed over tiles).
///
/// The kernels run on AVX-512 or on AVX2 with FMA, the widest this CPU has
/// (or `FERN_ISA` allows; see RuntimeSettings); without AVX2, oneDNN's direct
/// kernels run instead.
///
/// On SEED_CNN's 5x5 layers and on a 3x3 layer, these kernels on one thread
/// beat oneDNN's direct kernels on two; oneDNN's own 3x3 Winograd on two
/// threads beat them on one (Benchmarks/RESULTS.md). Results differ from
/// direct convolution by rounding (about 1e-5 of the output's scale).
struct WinogradConvolution {
    let batch: Int, height: Int, width: Int
    let inChannels: Int, outChannels: Int
    /// 5 or 3.
    let kernel: Int
    /// The instruction set's kernels.
    let kernels: fern_winograd_kernels

    /// Off with FERN_WINOGRAD=0, or below AVX2.
    static let enabled = RuntimeSettings.current.winogradAllowed && kernels(for: RuntimeSettings.current.isa) != nil

    /// Lets tests compare Winograd with the direct kernels in one process.
    @TaskLocal static var override: Bool?

    /// Lets tests run each instruction set's kernels in one process.
    @TaskLocal static var isaOverride: InstructionSet?

    /// The tiers this CPU runs Winograd's kernels on, widest first.
    static var runnableISAs: [InstructionSet] { InstructionSet.allCases.reversed().filter { kernels(for: $0) != nil } }

    /// The kernels compiled for `isa`, or nil when this CPU cannot run them or there are none (below AVX2).
    static func kernels(for isa: InstructionSet) -> fern_winograd_kernels? {
        switch isa {
        case .avx512: fern_winograd_kernels_for(Int32(FERN_WINOGRAD_AVX512))?.pointee
        case .avx2: fern_winograd_kernels_for(Int32(FERN_WINOGRAD_AVX2))?.pointee
        case .sse41: nil
        }
    }

    /// Tiles per block of the forward pass (a C harness on SEED_CNN's layers, one
    /// thread: 12 to 48 alike, 96 and 192 slower).
    private static let blockRows = 48

    /// Whether the tiles hold enough image to pay: an image smaller than one output tile
    /// (6x6 for 3x3 filters, 4x4 for 5x5) is mostly padding, and the transforms and the
    /// filter's 64 tile positions cost more than oneDNN's direct kernels. The residual
    /// network's 3x3-pixel layers ran at 57-77 GFLOP/s in Winograd against 215-240 direct
    /// (forward and both gradients, batch 64, 2-core Zen 4, `fern bench --filter conv3x3`).
    static func pays(_ g: WindowGeometry) -> Bool {
        let side = Int(fern_winograd_outputs(Int32(g.kernelHeight)))
        return g.outHeight >= side && g.outWidth >= side
    }

    /// The Winograd kernel for this convolution, or nil when it does not apply or does not pay
    /// (`override` true forces it wherever it applies).
    static func make(_ g: WindowGeometry, outChannels: Int) -> WinogradConvolution? {
        let k = g.kernelHeight
        guard override ?? (enabled && pays(g)), let kernels = kernels(for: isaOverride ?? RuntimeSettings.current.isa), k == 5 || k == 3, g.kernelWidth == k, g.strideY == 1, g.strideX == 1,
              g.padTop == k / 2, g.padLeft == k / 2, g.outHeight == g.height, g.outWidth == g.width,
              g.channels % 16 == 0, outChannels % 16 == 0, g.batch > 0, g.height > 0, g.width > 0
        else { return nil }
        return WinogradConvolution(batch: g.batch, height: g.height, width: g.width,
                                   inChannels: g.channels, outChannels: outChannels, kernel: k, kernels: kernels)
    }

    /// y = relu?(x ⊛ filter + bias): x NHWC, filter HWIO, y NHWC with `outChannels`.
    func forward(_ x: UnsafePointer<Float>, filter: UnsafePointer<Float>, bias: UnsafePointer<Float>?, relu: Bool,
                 into y: UnsafeMutablePointer<Float>) {
        run(x, filter: filter, cin: inChannels, cout: outChannels, bias: bias, relu: relu, into: y)
    }

    /// dx = dy ⊛ (filter turned 180°, in and out channels swapped).
    func backwardData(_ dy: UnsafePointer<Float>, filter: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>) {
        let (cin, cout, k) = (inChannels, outChannels, kernel)
        var turned = uninitializedScalars(k * k * cin * cout)
        turned.withUnsafeMutableBufferPointer { t in
            // Each core writes the turned filter's rows for its share of the output channels.
            let io = UncheckedBox((filter, t.baseAddress!))
            Parallel.forEachChunk(cout, cost: k * k * cin) { channels in
                let (filter, turned) = io.value
                for ky in 0..<k {
                    for kx in 0..<k {
                        let source = filter + ((k - 1 - ky) * k + (k - 1 - kx)) * cin * cout
                        let target = turned + (ky * k + kx) * cout * cin
                        for co in channels {
                            for ci in 0..<cin { target[co * cin + ci] = source[ci * cout + co] }
                        }
                    }
                }
            }
            run(dy, filter: t.baseAddress!, cin: cout, cout: cin, bias: nil, relu: false, into: dx)
        }
    }

    /// The filter gradient [k, k, inChannels, outChannels] for input x and output gradient dy.
    func backwardFilter(_ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>,
                        into dfilter: UnsafeMutablePointer<Float>) {
        let (cin, cout, k) = (inChannels, outChannels, kernel)
        let (tilesY, tilesX) = tileCounts
        let tiles = batch * tilesY * tilesX
        // Blocks of up to 192 tiles, the same number for every core; each core sums into its
        // own copy of dU, and the copies are added at the end.
        let cores = Parallel.coreCount
        let blocks = ((tiles + 191) / 192 + cores - 1) / cores * cores
        let rows = ((tiles + blocks - 1) / blocks + 5) / 6 * 6
        let sums = PartialSums()
        let io = UncheckedBox((x, dy))
        Parallel.forEachChunk((tiles + rows - 1) / rows, cost: 1 << 20) { range in
            let (x, dy) = io.value
            var v = uninitializedScalars(64 * fern_winograd_plane(Int32(rows), Int32(cin)))
            var w = uninitializedScalars(64 * fern_winograd_plane(Int32(rows), Int32(cout)))
            var du = [Float](repeating: 0, count: 64 * cin * cout)
            v.withUnsafeMutableBufferPointer { v in
                w.withUnsafeMutableBufferPointer { w in
                    du.withUnsafeMutableBufferPointer { du in
                        for index in range {
                            let block = self.block(index, rows: rows, tiles: tiles)
                            self.kernels.transform_input(x, Int32(cin), block, v.baseAddress!)
                            self.kernels.transform_gradient(dy, Int32(cout), block, w.baseAddress!)
                            self.kernels.accumulate_products(v.baseAddress!, w.baseAddress!, block.rows, Int32(cin),
                                                             Int32(cout), du.baseAddress!)
                        }
                    }
                }
            }
            sums.add(du)
        }
        var total = sums.total(count: 64 * cin * cout)
        total.withUnsafeMutableBufferPointer { du in
            let du = UncheckedBox(du.baseAddress!)
            Parallel.forEachChunk(cin, cost: 64 * cout) { channels in
                self.kernels.filter_gradient(du.value, Int32(k), Int32(cin), Int32(cout), Int32(channels.lowerBound),
                                             Int32(channels.count), dfilter)
            }
        }
    }

    /// Tiles down and across an image.
    private var tileCounts: (Int, Int) {
        let side = Int(fern_winograd_outputs(Int32(kernel)))
        return ((height + side - 1) / side, (width + side - 1) / side)
    }

    /// Block `index` of `rows` tiles (the last one may hold fewer).
    private func block(_ index: Int, rows: Int, tiles: Int) -> fern_winograd_block {
        block(first: index * rows, count: Swift.min(rows, tiles - index * rows))
    }

    /// The block of tiles first ..< first + count, its rows padded to a multiple of 6.
    private func block(first: Int, count: Int) -> fern_winograd_block {
        let (tilesY, tilesX) = tileCounts
        return fern_winograd_block(kernel: Int32(kernel), height: Int32(height), width: Int32(width),
                                   tilesY: Int32(tilesY), tilesX: Int32(tilesX), first: first,
                                   count: Int32(count), rows: Int32((count + 5) / 6 * 6))
    }

    private func run(_ x: UnsafePointer<Float>, filter: UnsafePointer<Float>, cin: Int, cout: Int,
                     bias: UnsafePointer<Float>?, relu: Bool, into y: UnsafeMutablePointer<Float>) {
        var u = uninitializedScalars(64 * cin * cout)
        u.withUnsafeMutableBufferPointer { u in
            let io = UncheckedBox((x, filter, bias, y, u.baseAddress!))
            Parallel.forEachChunk(cin, cost: 64 * cout) { channels in
                let (_, filter, _, _, u) = io.value
                self.kernels.transform_filter(filter, Int32(kernel), Int32(cin), Int32(cout), Int32(channels.lowerBound),
                                              Int32(channels.count), u)
            }
            let (tilesY, tilesX) = tileCounts
            let tiles = batch * tilesY * tilesX
            let rows = Self.blockRows
            // The tiles are split evenly across the cores, then taken in blocks of up to `rows`:
            // blocks split across the cores left one core a block of 48 tiles and the other 16
            // for 64 images of 6x6 pixels.
            Parallel.forEachChunk(tiles, cost: (1 << 20) / rows) { range in
                let (x, _, bias, y, u) = io.value
                var v = uninitializedScalars(64 * fern_winograd_plane(Int32(rows), Int32(cin)))
                var m = uninitializedScalars(64 * fern_winograd_plane(Int32(rows), Int32(cout)))
                v.withUnsafeMutableBufferPointer { v in
                    m.withUnsafeMutableBufferPointer { m in
                        for first in stride(from: range.lowerBound, to: range.upperBound, by: rows) {
                            let block = self.block(first: first, count: Swift.min(rows, range.upperBound - first))
                            self.kernels.transform_input(x, Int32(cin), block, v.baseAddress!)
                            self.kernels.multiply(v.baseAddress!, u, block.rows, Int32(cin), Int32(cout), m.baseAddress!)
                            self.kernels.transform_output(m.baseAddress!, Int32(cout), block, bias, relu ? 1 : 0, y)
                        }
                    }
                }
            }
        }
    }
}

/// Per-core sums of a parallel loop, added up at the end.
private final class PartialSums: @unchecked Sendable {
    private let lock = NSLock()
    private var parts: [[Float]] = []

    func add(_ part: [Float]) {
        lock.lock()
        parts.append(part)
        lock.unlock()
    }

    /// The sum of the parts, each core adding up its share of the elements.
    func total(count: Int) -> [Float] {
        guard var total = parts.first else { return [Float](repeating: 0, count: count) }
        let rest = Array(parts.dropFirst())
        total.withUnsafeMutableBufferPointer { t in
            let target = UncheckedBox(t)
            Parallel.forEachChunk(count, cost: rest.count) { range in
                for part in rest {
                    part.withUnsafeBufferPointer { p in
                        Lanes.forEachVector(in: range) { i, n in
                            Lanes.store(Lanes.load(target.value, i, n) + Lanes.load(p, i, n), target.value, i, n)
                        }
                    }
                }
            }
        }
        return total
    }
}
