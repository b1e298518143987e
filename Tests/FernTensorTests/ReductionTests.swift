import FernTestSupport
import Foundation
import Testing
@testable import FernTensor

/// Naive reductions: visit every element once and fold it into the output
/// slot its multi-index maps to.
enum ReductionReference {
    static func outputShape(_ shape: [Int], axes: Set<Int>, keepDims: Bool) -> [Int] {
        keepDims ? shape.enumerated().map { axes.contains($0.offset) ? 1 : $0.element }
                 : shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element)
    }

    /// Folds `t` over `axes` with `combine`, starting each slot from `initial`.
    static func reduce(_ t: Tensor, axes: Set<Int>, keepDims: Bool,
                       initial: Double, _ combine: (Double, Double) -> Double) -> (shape: [Int], values: [Double]) {
        let kept = outputShape(t.shape, axes: axes, keepDims: true)
        var out = [Double](repeating: initial, count: kept.reduce(1, *))
        for flat in 0..<t.count {
            // Multi-index of the input element, then its slot in the kept-dims output.
            var rest = flat
            var index = [Int](repeating: 0, count: t.rank)
            for axis in stride(from: t.rank - 1, through: 0, by: -1) {
                index[axis] = rest % t.shape[axis]
                rest /= t.shape[axis]
            }
            var slot = 0
            for axis in 0..<t.rank { slot = slot * kept[axis] + (axes.contains(axis) ? 0 : index[axis]) }
            out[slot] = combine(out[slot], Double(t.scalars[flat]))
        }
        return (outputShape(t.shape, axes: axes, keepDims: keepDims), out)
    }

    /// Distinct values (a shuffled ladder with step 0.1), so max/min never tie
    /// and a finite-difference probe of ±0.01 cannot change the winner.
    static func distinct(_ shape: [Int], seed: UInt64) throws -> Tensor {
        var generator = SeededGenerator(seed: seed)
        let n = shape.reduce(1, *)
        let values = Array(0..<n).shuffled(using: &generator).map { Float($0) * 0.1 - Float(n) * 0.05 }
        return try Tensor(shape: shape, scalars: values)
    }
}

/// A set of axes to reduce, as passed to the API, and the resolved set.
struct ReductionAxesCase: Sendable, CustomTestStringConvertible {
    let axes: [Int]?
    let resolved: Set<Int>
    let keepDims: Bool
    var testDescription: String { "axes \(axes.map { "\($0)" } ?? "nil") keepDims \(keepDims)" }

    /// Cases for a rank-3 input.
    static let all: [ReductionAxesCase] = [nil, [0], [1], [2], [-1], [0, 2], [2, 0], [1, 2], [0, 1, 2]].flatMap { axes in
        let resolved = Set((axes ?? [0, 1, 2]).map { $0 < 0 ? $0 + 3 : $0 })
        return [false, true].map { ReductionAxesCase(axes: axes, resolved: resolved, keepDims: $0) }
    }
}

@Suite struct ReductionTests {
    private let shape = [3, 4, 5]

    /// Every element within its bound (exactly equal without `bounds`).
    private func expectClose(_ t: Tensor, _ expected: (shape: [Int], values: [Double]), within bounds: [Double]? = nil,
                             sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(t.shape == expected.shape, sourceLocation: sourceLocation)
        #expect(t.count == expected.values.count, sourceLocation: sourceLocation)
        // One expectation for the worst element keeps a failure readable.
        let bounds = bounds ?? [Double](repeating: 0, count: expected.values.count)
        let excess = zip(zip(t.scalars, expected.values), bounds).map { Swift.abs(Double($0.0) - $0.1) - $1 }
        if let worst = excess.indices.max(by: { excess[$0] < excess[$1] }) {
            #expect(excess[worst] <= 0, "element \(worst): \(t.scalars[worst]) vs \(expected.values[worst]) within \(bounds[worst])",
                    sourceLocation: sourceLocation)
        }
    }

    /// How far Fern's Float sums over `axes` may be from the exact ones, slot by slot: Fern reduces one
    /// axis at a time, a Float sum along each, so an element goes through at most Σ (length − 1)
    /// additions; a sum of every element adds runs of up to 256 in Float, then the runs in Double and
    /// rounds once. That many roundings of Σ|x| (Tolerance.sum), plus `extraOperations`.
    private func sumBounds(_ x: Tensor, axes: Set<Int>, keepDims: Bool, extraOperations: Int = 0) -> [Double] {
        let roundings = axes.count == x.rank ? Swift.min(x.count, 256) : axes.reduce(1) { $0 + x.shape[$1] - 1 }
        let absoluteSums = ReductionReference.reduce(x, axes: axes, keepDims: keepDims, initial: 0) { $0 + Swift.abs($1) }
        return absoluteSums.values.map { Tolerance.sum(terms: roundings, absoluteSum: $0, extraOperations: extraOperations) }
    }

    // MARK: Forward values

    @Test func sumOfSmallMatrixByHand() throws {
        let x = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        #expect(try x.sum().shape == [])
        #expect(try x.sum().item() == 21)
        #expect(try x.sum(axes: [0]).scalars == [5, 7, 9])
        #expect(try x.sum(axes: [1]).scalars == [6, 15])
        #expect(try x.sum(axes: [1], keepDims: true).shape == [2, 1])
        #expect(try x.sum(keepDims: true).shape == [1, 1])
        #expect(try x.mean(axes: [1]).scalars == [2, 5])
        #expect(try x.mean().item() == 3.5)
        #expect(try x.max(axes: [0]).scalars == [4, 5, 6])
        #expect(try x.min(axes: [1]).scalars == [1, 4])
    }

    @Test(arguments: ReductionAxesCase.all)
    func sumMatchesNaiveLoop(_ c: ReductionAxesCase) throws {
        let x = try randomTensor(shape, seed: 1)
        let expected = ReductionReference.reduce(x, axes: c.resolved, keepDims: c.keepDims, initial: 0, +)
        expectClose(try x.sum(axes: c.axes, keepDims: c.keepDims), expected, within: sumBounds(x, axes: c.resolved, keepDims: c.keepDims))
    }

    @Test(arguments: ReductionAxesCase.all)
    func meanMatchesNaiveLoop(_ c: ReductionAxesCase) throws {
        let x = try randomTensor(shape, seed: 2)
        let n = Double(c.resolved.reduce(1) { $0 * shape[$1] })
        let sums = ReductionReference.reduce(x, axes: c.resolved, keepDims: c.keepDims, initial: 0, +)
        // The sum, then a product with a rounded 1/n.
        let bounds = sumBounds(x, axes: c.resolved, keepDims: c.keepDims, extraOperations: 2).map { $0 / n }
        expectClose(try x.mean(axes: c.axes, keepDims: c.keepDims), (sums.shape, sums.values.map { $0 / n }), within: bounds)
    }

    @Test(arguments: ReductionAxesCase.all)
    func maxAndMinMatchNaiveLoop(_ c: ReductionAxesCase) throws {
        let x = try randomTensor(shape, seed: 3)
        let maxima = ReductionReference.reduce(x, axes: c.resolved, keepDims: c.keepDims, initial: -.infinity) { Swift.max($0, $1) }
        let minima = ReductionReference.reduce(x, axes: c.resolved, keepDims: c.keepDims, initial: .infinity) { Swift.min($0, $1) }
        expectClose(try x.max(axes: c.axes, keepDims: c.keepDims), maxima)  // one of the inputs: exact
        expectClose(try x.min(axes: c.axes, keepDims: c.keepDims), minima)
    }

    @Test func reducingNoAxesKeepsTheTensor() throws {
        let x = try randomTensor([2, 3], seed: 4)
        #expect(try x.sum(axes: []).scalars == x.scalars)
        #expect(try x.sum(axes: []).shape == [2, 3])
        #expect(try x.max(axes: []).scalars == x.scalars)
        #expect(try x.mean(axes: []).scalars == x.scalars)
    }

    @Test func sumOfRankZeroIsItself() throws {
        #expect(try Tensor(4).sum().item() == 4)
        #expect(try Tensor(4).sum().shape == [])
        #expect(try Tensor(4).max().item() == 4)
    }

    @Test func sumOfEmptyAxisIsZero() throws {
        let x = try Tensor.zeros([2, 0])
        #expect(try x.sum(axes: [1]).scalars == [0, 0])
        #expect(try x.sum().item() == 0)
    }

    @Test func reductionsRejectDuplicateAndOutOfRangeAxes() throws {
        let x = try randomTensor([2, 3], seed: 5)
        #expect(throws: TensorError.self) { try x.sum(axes: [0, 0]) }
        #expect(throws: TensorError.self) { try x.sum(axes: [1, -1]) }
        #expect(throws: TensorError.self) { try x.sum(axes: [2]) }
        #expect(throws: TensorError.self) { try x.mean(axes: [-3]) }
        #expect(throws: TensorError.self) { try x.max(axes: [5]) }
        #expect(throws: TensorError.self) { try x.min(axes: [0, 0]) }
        #expect(throws: TensorError.self) { try Tensor.zeros([2, 0]).max(axes: [1]) }
    }

    // MARK: argmax

    @Test func argmaxPicksTheFirstIndexOnTies() throws {
        let x = try Tensor(shape: [3, 3], scalars: [1, 3, 3,
                                                    5, 5, 2,
                                                    0, 0, 0])
        #expect(try x.argmax().scalars == [1, 0, 0])
        #expect(try x.argmax(axis: 1).shape == [3])
        #expect(try x.argmax(axis: 1, keepDims: true).shape == [3, 1])
        // Along axis 0: column maxima 5 (row 1), 5 (row 1), 3 (row 0).
        #expect(try x.argmax(axis: 0).scalars == [1, 1, 0])
        #expect(try x.argmax(axis: -2).scalars == [1, 1, 0])
    }

    @Test func argmaxMatchesNaiveLoopOnRank3() throws {
        let x = try randomTensor([3, 4, 5], seed: 6)
        for axis in 0..<3 {
            let result = try x.argmax(axis: axis)
            var expectedShape = x.shape
            expectedShape.remove(at: axis)
            #expect(result.shape == expectedShape)
            let strides = [20, 5, 1]
            var expected: [Float] = []
            for a in 0..<x.shape[0] { for b in 0..<x.shape[1] { for c in 0..<x.shape[2] {
                let idx = [a, b, c]
                guard idx[axis] == 0 else { continue }
                var best = 0
                for k in 1..<x.shape[axis] {
                    var probe = idx; probe[axis] = k
                    var bestIndex = idx; bestIndex[axis] = best
                    let v = x.scalars[zip(probe, strides).map(*).reduce(0, +)]
                    let w = x.scalars[zip(bestIndex, strides).map(*).reduce(0, +)]
                    if v > w { best = k }
                }
                expected.append(Float(best))
            } } }
            #expect(result.scalars == expected, "axis \(axis)")
        }
    }

    @Test func argmaxRejectsBadAxisAndEmptyAxis() throws {
        #expect(throws: TensorError.self) { try Tensor(shape: [2], scalars: [1, 2]).argmax(axis: 1) }
        #expect(throws: TensorError.self) { try Tensor.zeros([2, 0]).argmax(axis: 1) }
    }

    // MARK: Gradients

    @Test(arguments: ReductionAxesCase.all)
    func sumGradientMatchesFiniteDifferences(_ c: ReductionAxesCase) throws {
        let x = try randomTensor(shape, seed: 7)
        try expectGradientsMatchFiniteDifferences({ try $0[0].sum(axes: c.axes, keepDims: c.keepDims) }, at: [x])
    }

    @Test(arguments: ReductionAxesCase.all)
    func meanGradientMatchesFiniteDifferences(_ c: ReductionAxesCase) throws {
        let x = try randomTensor(shape, seed: 8)
        try expectGradientsMatchFiniteDifferences({ try $0[0].mean(axes: c.axes, keepDims: c.keepDims) }, at: [x])
    }

    @Test(arguments: ReductionAxesCase.all)
    func maxAndMinGradientsMatchFiniteDifferences(_ c: ReductionAxesCase) throws {
        let x = try ReductionReference.distinct(shape, seed: 9)
        try expectGradientsMatchFiniteDifferences({ try $0[0].max(axes: c.axes, keepDims: c.keepDims) }, at: [x])
        try expectGradientsMatchFiniteDifferences({ try $0[0].min(axes: c.axes, keepDims: c.keepDims) }, at: [x])
    }

    @Test func maxGradientGoesOnlyToTheWinningElements() throws {
        let x = try Tensor(shape: [2, 3], scalars: [1, 5, 2,
                                                    7, 3, 4]).requiringGrad()
        #expect(try gradients(of: x.max(axes: [1]).sum(), wrt: [x])[0].scalars == [0, 1, 0, 1, 0, 0])
        #expect(try gradients(of: x.min(axes: [0]).sum(), wrt: [x])[0].scalars == [1, 0, 1, 0, 1, 0])
        #expect(try gradients(of: x.max(), wrt: [x])[0].scalars == [0, 0, 0, 1, 0, 0])
    }

    @Test func meanGradientIsOneOverCountByHand() throws {
        let x = try randomTensor([4, 5], seed: 10).requiringGrad()
        // Exact: the gradient is 1 times 1/n rounded once, as the literal is.
        let g = try gradients(of: x.mean(), wrt: [x])[0]
        #expect(g.scalars.allSatisfy { $0 == 0.05 })
        let h = try gradients(of: x.mean(axes: [0]).sum(), wrt: [x])[0]
        #expect(h.scalars.allSatisfy { $0 == 0.25 })
    }

    // MARK: Large tensors (multi-core paths)

    @Test func largeSumMatchesNaiveLoop() throws {
        let x = try randomTensor([300, 200], seed: 11)
        #expect(x.count > 40_000)
        let total = x.scalars.reduce(0.0) { $0 + Double($1) }
        let bound = sumBounds(x, axes: [0, 1], keepDims: false)[0]
        #expect(Swift.abs(Double(try x.sum().item()) - total) <= bound)
        let meanBound = sumBounds(x, axes: [0, 1], keepDims: false, extraOperations: 2)[0] / 60_000
        #expect(Swift.abs(Double(try x.mean().item()) - total / 60_000) <= meanBound)
        for axes in [[0], [1]] {
            let expected = ReductionReference.reduce(x, axes: Set(axes), keepDims: false, initial: 0, +)
            expectClose(try x.sum(axes: axes), expected, within: sumBounds(x, axes: Set(axes), keepDims: false))
        }
    }

    @Test func largeRank3SumOverEachAxisMatchesNaiveLoop() throws {
        // [2, 300, 100] reduces with small outer and large inner extents.
        let x = try randomTensor([2, 300, 100], seed: 12)
        for axes in [[0], [1], [2], [0, 2], [1, 2]] {
            let expected = ReductionReference.reduce(x, axes: Set(axes), keepDims: true, initial: 0, +)
            expectClose(try x.sum(axes: axes, keepDims: true), expected, within: sumBounds(x, axes: Set(axes), keepDims: true))
        }
    }

    @Test func largeSumOfOnesIsExact() throws {
        let x = try Tensor.ones([300, 200])
        #expect(try x.sum().item() == 60_000)
        #expect(try x.sum(axes: [0]).scalars == [Float](repeating: 300, count: 200))
        #expect(try x.sum(axes: [1]).scalars == [Float](repeating: 200, count: 300))
    }

    @Test func largeMaxAndMinMatchNaiveLoop() throws {
        let x = try randomTensor([300, 200], seed: 13)
        for axes in [[0], [1], [0, 1]] {
            let maxima = ReductionReference.reduce(x, axes: Set(axes), keepDims: false, initial: -.infinity) { Swift.max($0, $1) }
            let minima = ReductionReference.reduce(x, axes: Set(axes), keepDims: false, initial: .infinity) { Swift.min($0, $1) }
            expectClose(try x.max(axes: axes), maxima)
            expectClose(try x.min(axes: axes), minima)
        }
    }

    @Test func largeArgmaxMatchesNaiveLoop() throws {
        // Values on a coarse grid so ties occur; the first index must win.
        let x = try randomTensor([300, 200], seed: 14).map { ($0 * 4).rounded() }
        let rows = try x.argmax(axis: 1)
        #expect(rows.shape == [300])
        let expectedRows = (0..<300).map { r -> Float in
            let row = x.scalars[r * 200..<(r + 1) * 200]
            return Float(row.firstIndex(of: row.max()!)! - r * 200)
        }
        #expect(rows.scalars == expectedRows)
        let columns = try x.argmax(axis: 0)
        let expectedColumns = (0..<200).map { c -> Float in
            let column = (0..<300).map { x.scalars[$0 * 200 + c] }
            return Float(column.firstIndex(of: column.max()!)!)
        }
        #expect(columns.scalars == expectedColumns)
    }

    @Test func largeMaxGradientMatchesNaiveLoop() throws {
        // Distinct values: each row's gradient is one-hot at its maximum.
        let x = try ReductionReference.distinct([300, 200], seed: 15).requiringGrad()
        let g = try gradients(of: x.max(axes: [1]).sum(), wrt: [x])[0]
        var expected = [Float](repeating: 0, count: 60_000)
        for r in 0..<300 {
            let row = x.scalars[r * 200..<(r + 1) * 200]
            expected[row.firstIndex(of: row.max()!)!] = 1
        }
        #expect(g.scalars == expected)
    }
}
