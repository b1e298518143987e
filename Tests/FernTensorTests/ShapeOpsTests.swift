import Foundation
import Testing
@testable import FernTensor

@Suite struct ShapeOpsTests {
    /// 0, 1, 2, … in `shape`, so every value names its own flat position.
    private func iota(_ shape: [Int]) throws -> Tensor {
        try Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map(Float.init))
    }

    // MARK: reshape / flatten

    @Test func reversedFlipsOneAxisAndItsGradientFlipsBack() throws {
        let x = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        #expect(try x.reversed(axis: 1).scalars == [3, 2, 1, 6, 5, 4])
        #expect(try x.reversed(axis: 0).scalars == [4, 5, 6, 1, 2, 3])
        #expect(try x.reversed(axis: -1).reversed(axis: -1).scalars == x.scalars)
        let images = try randomTensor([2, 3, 4, 2], seed: 8)
        let mirror = try images.reversed(axis: 2)
        #expect(try mirror.value(at: [1, 2, 0, 1]) == images.value(at: [1, 2, 3, 1]))
        try expectGradientsMatchFiniteDifferences({ try $0[0].reversed(axis: 2) }, at: [images])
        #expect(throws: TensorError.self) { try x.reversed(axis: 2) }
    }

    @Test func reshapeKeepsRowMajorOrderAndInfersMinusOne() throws {
        let x = try iota([2, 3, 4])
        let y = try x.reshaped([4, -1])
        #expect(y.shape == [4, 6])
        #expect(y.scalars == x.scalars)
        #expect(try x.reshaped([-1]).shape == [24])
        #expect(try x.reshaped([2, -1, 2]).shape == [2, 6, 2])
        #expect(try x.flattened().shape == [2, 12])
        #expect(try Tensor(shape: [1], scalars: [5]).reshaped([]).shape == [])
        #expect(try Tensor(5).reshaped([1, 1]).scalars == [5])
    }

    @Test func reshapeRejectsIncompatibleShapes() throws {
        let x = try iota([2, 3])
        #expect(throws: TensorError.self) { try x.reshaped([4, 2]) }
        #expect(throws: TensorError.self) { try x.reshaped([-1, -1]) }
        #expect(throws: TensorError.self) { try x.reshaped([4, -1]) }
        #expect(throws: TensorError.self) { try x.reshaped([-2, -3]) }
        #expect(throws: TensorError.self) { try x.reshaped([0, -1]) }
    }

    @Test func reshapeGradientMatchesFiniteDifferences() throws {
        let x = try randomTensor([2, 3, 4], seed: 1)
        try expectGradientsMatchFiniteDifferences({ try $0[0].reshaped([6, 4]) }, at: [x])
        try expectGradientsMatchFiniteDifferences({ try $0[0].reshaped([-1, 3]).square() }, at: [x])
        try expectGradientsMatchFiniteDifferences({ try $0[0].flattened() }, at: [x])
    }

    // MARK: permute / transpose

    @Test func permuteMatchesNaiveIndexMapping() throws {
        let x = try iota([2, 3, 4])
        for order in [[0, 1, 2], [2, 0, 1], [1, 2, 0], [2, 1, 0], [0, 2, 1], [-1, 0, 1]] {
            let resolved = order.map { $0 < 0 ? $0 + 3 : $0 }
            let y = try x.permuted(order)
            #expect(y.shape == resolved.map { x.shape[$0] })
            // Result index j (in y's axes) reads x at the index with x-axis resolved[i] = j[i].
            var expected: [Float] = []
            for a in 0..<y.shape[0] { for b in 0..<y.shape[1] { for c in 0..<y.shape[2] {
                var source = [0, 0, 0]
                for (i, v) in [a, b, c].enumerated() { source[resolved[i]] = v }
                expected.append(x.scalars[source[0] * 12 + source[1] * 4 + source[2]])
            } } }
            #expect(y.scalars == expected, "order \(order)")
        }
    }

    @Test func transposeOfMatrixByHand() throws {
        let x = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let t = try x.transposed()
        #expect(t.shape == [3, 2])
        #expect(t.scalars == [1, 4, 2, 5, 3, 6])
        #expect(try t.transposed().scalars == x.scalars)
        #expect(try x.transposed(1, 0).scalars == t.scalars)
        // Swapping the outer axes of [2, 1, 3] keeps the middle.
        let y = try iota([2, 1, 3]).transposed(0, 2)
        #expect(y.shape == [3, 1, 2])
        #expect(y.scalars == [0, 3, 1, 4, 2, 5])
    }

    @Test func permuteAndTransposeRejectBadOrders() throws {
        let x = try iota([2, 3])
        #expect(throws: TensorError.self) { try x.permuted([0]) }
        #expect(throws: TensorError.self) { try x.permuted([0, 0]) }
        #expect(throws: TensorError.self) { try x.permuted([0, 2]) }
        #expect(throws: TensorError.self) { try x.permuted([0, 1, 2]) }
        #expect(throws: TensorError.self) { try iota([3]).transposed() }
        #expect(throws: TensorError.self) { try x.transposed(0, 2) }
    }

    @Test func permuteAndTransposeGradientsMatchFiniteDifferences() throws {
        let x = try randomTensor([2, 3, 4], seed: 2)
        try expectGradientsMatchFiniteDifferences({ try $0[0].permuted([2, 0, 1]) }, at: [x])
        try expectGradientsMatchFiniteDifferences({ try $0[0].permuted([1, 2, 0]).square() }, at: [x])
        try expectGradientsMatchFiniteDifferences({ try $0[0].transposed() }, at: [x])
        try expectGradientsMatchFiniteDifferences({ try $0[0].transposed(0, 2) }, at: [x])
    }

    // MARK: slicing

    /// Python's `list(range(n))[start:end:step]`, written from the language rules.
    private func pythonSlice(_ n: Int, _ start: Int?, _ end: Int?, _ step: Int) -> [Int] {
        func bound(_ i: Int?, _ fallback: Int) -> Int {
            guard var i else { return fallback }
            if i < 0 { i += n }
            return Swift.min(Swift.max(i, 0), n)
        }
        let lo = bound(start, 0), hi = bound(end, n)
        return Array(Swift.stride(from: lo, to: hi, by: step))
    }

    @Test func sliceBoundsFollowPythonRulesByHand() throws {
        let x = try iota([7])
        #expect(try x.sliced(axis: 0, start: 2, end: 5).scalars == [2, 3, 4])
        #expect(try x.sliced(axis: 0, start: -3).scalars == [4, 5, 6])
        #expect(try x.sliced(axis: 0, end: -2).scalars == [0, 1, 2, 3, 4])
        #expect(try x.sliced(axis: 0, start: -100, end: 100).scalars == [0, 1, 2, 3, 4, 5, 6])
        #expect(try x.sliced(axis: 0, start: 5, end: 2).shape == [0])
        #expect(try x.sliced(axis: 0, start: 10).shape == [0])
        #expect(try x.sliced(axis: 0, step: 2).scalars == [0, 2, 4, 6])
        #expect(try x.sliced(axis: 0, start: -6, end: -1, step: 2).scalars == [1, 3, 5])
        #expect(try x.sliced(axis: 0, start: 1, step: 3).scalars == [1, 4])
        #expect(try x.sliced(axis: 0, start: 6, step: 5).scalars == [6])
    }

    @Test func sliceMatchesPythonSemanticsOnEveryBoundCombination() throws {
        let n = 6
        let x = try iota([2, n, 3])
        let bounds: [Int?] = [nil, -8, -6, -4, -1, 0, 1, 3, 5, 6, 9]
        for start in bounds {
            for end in bounds {
                for step in 1...3 {
                    let picked = pythonSlice(n, start, end, step)
                    let y = try x.sliced(axis: 1, start: start, end: end, step: step)
                    #expect(y.shape == [2, picked.count, 3])
                    var expected: [Float] = []
                    for a in 0..<2 { for j in picked { for c in 0..<3 { expected.append(Float(a * n * 3 + j * 3 + c)) } } }
                    #expect(y.scalars == expected, "start \(String(describing: start)) end \(String(describing: end)) step \(step)")
                }
            }
        }
    }

    @Test func sliceAlongNegativeAxisAndRejectsBadArguments() throws {
        let x = try iota([2, 5])
        #expect(try x.sliced(axis: -1, start: 1, end: 3).scalars == [1, 2, 6, 7])
        #expect(throws: TensorError.self) { try x.sliced(axis: 0, step: 0) }
        #expect(throws: TensorError.self) { try x.sliced(axis: 0, step: -1) }
        #expect(throws: TensorError.self) { try x.sliced(axis: 2) }
    }

    @Test func sliceGradientMatchesFiniteDifferences() throws {
        let x = try randomTensor([3, 8], seed: 3)
        try expectGradientsMatchFiniteDifferences({ try $0[0].sliced(axis: 1, start: -7, end: -1, step: 2) }, at: [x])
        try expectGradientsMatchFiniteDifferences({ try $0[0].sliced(axis: 0, start: 1) }, at: [x])
        try expectGradientsMatchFiniteDifferences({ try $0[0].sliced(axis: -1, start: 1, step: 3).square() }, at: [x])
    }

    @Test func sliceGradientScattersOnesIntoThePickedPositions() throws {
        let x = try randomTensor([8], seed: 4).requiringGrad()
        let g = try gradients(of: x.sliced(axis: 0, start: -7, end: -1, step: 2).sum(), wrt: [x])[0]
        // Positions 1, 3, 5 are picked.
        #expect(g.scalars == [0, 1, 0, 1, 0, 1, 0, 0])
    }

    @Test func emptySliceHasZeroGradient() throws {
        let x = try randomTensor([2, 4], seed: 5).requiringGrad()
        let empty = try x.sliced(axis: 1, start: 3, end: 1)
        #expect(empty.shape == [2, 0])
        let g = try gradients(of: empty.sum(), wrt: [x])[0]
        #expect(g.scalars == [Float](repeating: 0, count: 8))
    }

    // MARK: indexing and gathering

    @Test func indexedDropsTheFirstAxisAndCountsNegativeFromTheEnd() throws {
        let x = try iota([3, 2, 2])
        #expect(try x.indexed(0).shape == [2, 2])
        #expect(try x.indexed(1).scalars == [4, 5, 6, 7])
        #expect(try x.indexed(-1).scalars == [8, 9, 10, 11])
        #expect(try x.indexed(-3).scalars == [0, 1, 2, 3])
        #expect(try iota([3]).indexed(2).shape == [])
        #expect(try iota([3]).indexed(2).item() == 2)
        #expect(throws: TensorError.self) { try x.indexed(3) }
        #expect(throws: TensorError.self) { try x.indexed(-4) }
        #expect(throws: TensorError.self) { try Tensor(1).indexed(0) }
    }

    @Test func valueAtReadsAFullIndexWithBoundsChecks() throws {
        let x = try iota([2, 3])
        #expect(try x.value(at: [1, 2]) == 5)
        #expect(try x.value(at: [0, 1]) == 1)
        #expect(throws: TensorError.self) { try x.value(at: [2, 0]) }
        #expect(throws: TensorError.self) { try x.value(at: [0, -1]) }
        #expect(throws: TensorError.self) { try x.value(at: [0]) }
    }

    @Test func indexedGradientMatchesFiniteDifferences() throws {
        let x = try randomTensor([3, 4], seed: 6)
        try expectGradientsMatchFiniteDifferences({ try $0[0].indexed(-1) }, at: [x])
        try expectGradientsMatchFiniteDifferences({ try $0[0].indexed(1).square() }, at: [x])
    }

    @Test func gatherRowsPicksRowsInOrderWithRepeats() throws {
        let x = try iota([3, 2])
        let y = try x.gatherRows([2, 0, 2, 1])
        #expect(y.shape == [4, 2])
        #expect(y.scalars == [4, 5, 0, 1, 4, 5, 2, 3])
        #expect(try x.gatherRows([]).shape == [0, 2])
        #expect(try iota([4]).gatherRows([3, 3]).scalars == [3, 3])
        #expect(throws: TensorError.self) { try x.gatherRows([3]) }
        #expect(throws: TensorError.self) { try x.gatherRows([-1]) }
    }

    @Test func gatherRowsGradientAccumulatesOverRepeatedIndices() throws {
        let x = try randomTensor([3, 2], seed: 7).requiringGrad()
        let g = try gradients(of: x.gatherRows([0, 2, 0, 0]).sum(), wrt: [x])[0]
        #expect(g.scalars == [3, 3, 0, 0, 1, 1])
        try expectGradientsMatchFiniteDifferences({ try $0[0].gatherRows([1, 1, 0, 2, 1]) }, at: [try randomTensor([3, 4], seed: 8)])
        try expectGradientsMatchFiniteDifferences({ try $0[0].gatherRows([2, 2]).square() }, at: [try randomTensor([3, 2, 2], seed: 9)])
    }

    // MARK: concat / stack

    @Test func concatJoinsInArgumentOrder() throws {
        let a = try Tensor(shape: [1, 2], scalars: [1, 2])
        let b = try Tensor(shape: [2, 2], scalars: [3, 4, 5, 6])
        let rows = try Tensor.concat([a, b], axis: 0)
        #expect(rows.shape == [3, 2])
        #expect(rows.scalars == [1, 2, 3, 4, 5, 6])
        #expect(try Tensor.concat([b, a]).scalars == [3, 4, 5, 6, 1, 2])
        let c = try Tensor(shape: [2, 1], scalars: [7, 8])
        let d = try Tensor(shape: [2, 3], scalars: [10, 11, 12, 13, 14, 15])
        let cols = try Tensor.concat([c, b, d], axis: 1)
        #expect(cols.shape == [2, 6])
        #expect(cols.scalars == [7, 3, 4, 10, 11, 12,
                                 8, 5, 6, 13, 14, 15])
        #expect(try Tensor.concat([c, b], axis: -1).scalars == [7, 3, 4, 8, 5, 6])
    }

    @Test func concatOfRank3AlongTheMiddleAxisMatchesNaiveLoop() throws {
        let a = try iota([2, 1, 3])
        let b = try iota([2, 2, 3]) + 100
        let y = try Tensor.concat([a, b], axis: 1)
        #expect(y.shape == [2, 3, 3])
        var expected: [Float] = []
        for i in 0..<2 {
            for c in 0..<3 { expected.append(a.scalars[i * 3 + c]) }
            for j in 0..<2 { for c in 0..<3 { expected.append(b.scalars[i * 6 + j * 3 + c]) } }
        }
        #expect(y.scalars == expected)
    }

    @Test func concatGradientMatchesFiniteDifferences() throws {
        let a = try randomTensor([2, 3], seed: 10)
        let b = try randomTensor([1, 3], seed: 11)
        let c = try randomTensor([2, 2], seed: 12)
        try expectGradientsMatchFiniteDifferences({ try Tensor.concat([$0[0], $0[1]], axis: 0) }, at: [a, b])
        try expectGradientsMatchFiniteDifferences({ try Tensor.concat([$0[0], $0[1], $0[0]], axis: 1) }, at: [a, c])
    }

    @Test func concatRejectsMismatchedShapes() throws {
        let a = try iota([2, 3])
        #expect(throws: TensorError.self) { try Tensor.concat([a, iota([2, 4])], axis: 0) }
        #expect(throws: TensorError.self) { try Tensor.concat([a, iota([3, 3])], axis: 1) }
        #expect(throws: TensorError.self) { try Tensor.concat([a, iota([6])], axis: 0) }
        #expect(throws: TensorError.self) { try Tensor.concat([], axis: 0) }
        #expect(throws: TensorError.self) { try Tensor.concat([a], axis: 2) }
    }

    @Test func stackAddsANewAxis() throws {
        let a = try Tensor(shape: [2], scalars: [1, 2])
        let b = try Tensor(shape: [2], scalars: [3, 4])
        let c = try Tensor(shape: [2], scalars: [5, 6])
        let first = try Tensor.stack([a, b, c])
        #expect(first.shape == [3, 2])
        #expect(first.scalars == [1, 2, 3, 4, 5, 6])
        let last = try Tensor.stack([a, b, c], axis: 1)
        #expect(last.shape == [2, 3])
        #expect(last.scalars == [1, 3, 5, 2, 4, 6])
        #expect(try Tensor.stack([a, b, c], axis: -1).scalars == last.scalars)
        #expect(throws: TensorError.self) { try Tensor.stack([a, iota([3])]) }
        #expect(throws: TensorError.self) { try Tensor.stack([a, b], axis: 2) }
        #expect(throws: TensorError.self) { try Tensor.stack([]) }
    }

    @Test func stackGradientMatchesFiniteDifferences() throws {
        let a = try randomTensor([2, 3], seed: 13)
        let b = try randomTensor([2, 3], seed: 14)
        try expectGradientsMatchFiniteDifferences({ try Tensor.stack([$0[0], $0[1]], axis: 0) }, at: [a, b])
        try expectGradientsMatchFiniteDifferences({ try Tensor.stack([$0[0], $0[1], $0[0]], axis: 1) }, at: [a, b])
        try expectGradientsMatchFiniteDifferences({ try Tensor.stack([$0[1], $0[0]], axis: 2) }, at: [a, b])
    }

    // MARK: pad

    @Test func padSurroundsWithTheFillValue() throws {
        let x = try Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
        let y = try x.padded([(1, 0), (2, 1)], value: 9)
        #expect(y.shape == [3, 5])
        #expect(y.scalars == [9, 9, 9, 9, 9,
                              9, 9, 1, 2, 9,
                              9, 9, 3, 4, 9])
        let z = try x.padded([(0, 1), (0, 0)])
        #expect(z.shape == [3, 2])
        #expect(z.scalars == [1, 2, 3, 4, 0, 0])
        #expect(try x.padded([(0, 0), (0, 0)]).scalars == x.scalars)
        #expect(throws: TensorError.self) { try x.padded([(1, 1)]) }
        #expect(throws: TensorError.self) { try x.padded([(0, 0), (-1, 0)]) }
    }

    @Test func padOfRank3MatchesNaiveLoop() throws {
        let x = try iota([2, 3, 2])
        let pad = [(1, 2), (0, 1), (2, 0)]
        let y = try x.padded(pad, value: -1)
        let outShape = [5, 4, 4]
        #expect(y.shape == outShape)
        var expected: [Float] = []
        for i in 0..<5 { for j in 0..<4 { for k in 0..<4 {
            let (a, b, c) = (i - 1, j, k - 2)
            let inside = a >= 0 && a < 2 && b >= 0 && b < 3 && c >= 0 && c < 2
            expected.append(inside ? x.scalars[a * 6 + b * 2 + c] : -1)
        } } }
        #expect(y.scalars == expected)
    }

    @Test func padGradientMatchesFiniteDifferences() throws {
        let x = try randomTensor([2, 3], seed: 15)
        try expectGradientsMatchFiniteDifferences({ try $0[0].padded([(1, 2), (0, 1)], value: 0.5) }, at: [x])
        try expectGradientsMatchFiniteDifferences({ try $0[0].padded([(0, 0), (3, 0)]).square() }, at: [x])
    }

    // MARK: broadcast(to:)

    @Test func broadcastToRepeatsAlongNewAndUnitAxes() throws {
        let x = try Tensor(shape: [2, 1], scalars: [1, 2])
        let y = try x.broadcast(to: [3, 2, 4])
        #expect(y.shape == [3, 2, 4])
        var expected: [Float] = []
        for _ in 0..<3 { for i in 0..<2 { for _ in 0..<4 { expected.append(x.scalars[i]) } } }
        #expect(y.scalars == expected)
        #expect(try Tensor(7).broadcast(to: [2, 2]).scalars == [7, 7, 7, 7])
        #expect(try x.broadcast(to: [2, 1]).scalars == [1, 2])
        #expect(throws: TensorError.self) { try x.broadcast(to: [3, 3]) }
        #expect(throws: TensorError.self) { try x.broadcast(to: [2]) }
        #expect(throws: TensorError.self) { try iota([2, 3]).broadcast(to: [1, 3]) }
    }

    @Test func broadcastToGradientSumsBack() throws {
        let x = try Tensor(shape: [2, 1], scalars: [1, 2]).requiringGrad()
        let g = try gradients(of: x.broadcast(to: [3, 2, 4]).sum(), wrt: [x])[0]
        #expect(g.shape == [2, 1])
        #expect(g.scalars == [12, 12])
        try expectGradientsMatchFiniteDifferences({ try $0[0].broadcast(to: [3, 2, 4]) }, at: [try randomTensor([2, 1], seed: 16)])
        try expectGradientsMatchFiniteDifferences({ try $0[0].broadcast(to: [2, 3]) }, at: [try randomTensor([3], seed: 17)])
        try expectGradientsMatchFiniteDifferences({ try $0[0].broadcast(to: [2, 3]) }, at: [Tensor(0.3)])
    }

    // MARK: Composites

    @Test func chainOfShapeOpsGradientMatchesFiniteDifferences() throws {
        let x = try randomTensor([4, 6], seed: 18)
        try expectGradientsMatchFiniteDifferences({ p in
            let a = try p[0].sliced(axis: 1, start: 1, step: 2)           // [4, 3]
            let b = try a.transposed().reshaped([3, 2, 2])                  // [3, 2, 2]
            let c = try Tensor.concat([b, b.indexed(0).reshaped([1, 2, 2])], axis: 0)  // [4, 2, 2]
            return try c.padded([(0, 1), (1, 0), (0, 0)]).gatherRows([4, 0, 0, 2]).square()
        }, at: [x])
    }
}
