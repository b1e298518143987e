import FernTestSupport
import Foundation
import Testing
@testable import FernTensor

/// Naive references for element-wise tests: plain loops over multi-indices,
/// written independently of the library's strided kernels.
enum ElementwiseReference {
    /// NumPy broadcast of two shapes (right-aligned; equal or 1).
    static func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int] {
        let rank = max(a.count, b.count)
        let pa = [Int](repeating: 1, count: rank - a.count) + a
        let pb = [Int](repeating: 1, count: rank - b.count) + b
        return zip(pa, pb).map { x, y in
            precondition(x == y || x == 1 || y == 1, "test bug: \(a) and \(b) do not broadcast")
            return max(x, y)
        }
    }

    /// The multi-index of a row-major flat position.
    static func multiIndex(_ flat: Int, in shape: [Int]) -> [Int] {
        var index = [Int](repeating: 0, count: shape.count)
        var rest = flat
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            index[axis] = rest % shape[axis]
            rest /= shape[axis]
        }
        return index
    }

    /// The element of `t` that broadcasting reads for output multi-index `index`.
    static func read(_ t: Tensor, at index: [Int]) -> Float {
        let offset = index.count - t.rank
        var flat = 0
        for axis in 0..<t.rank {
            let i = t.shape[axis] == 1 ? 0 : index[axis + offset]
            flat = flat * t.shape[axis] + i
        }
        return t.scalars[flat]
    }

    /// `f` applied over the broadcast of `a` and `b`, one output element at a time.
    static func map(_ a: Tensor, _ b: Tensor, _ f: (Float, Float) -> Float) -> (shape: [Int], values: [Float]) {
        let shape = broadcastShape(a.shape, b.shape)
        let values = (0..<shape.reduce(1, *)).map { flat -> Float in
            let index = multiIndex(flat, in: shape)
            return f(read(a, at: index), read(b, at: index))
        }
        return (shape, values)
    }

    /// Moves every value at least `margin` away from zero (keeps its sign),
    /// so kinks at 0 (abs, relu, leakyRelu, elu) are never straddled by a probe.
    static func awayFromZero(_ t: Tensor, margin: Float = 0.1) -> Tensor {
        t.map { $0 >= 0 ? $0 + margin : $0 - margin }
    }
}

/// One pair of operand shapes for the broadcasting tests.
struct ElementwiseBroadcastCase: Sendable, CustomTestStringConvertible {
    let name: String
    let a: [Int]
    let b: [Int]
    var testDescription: String { "\(name) \(describeShape(a)) with \(describeShape(b))" }

    static let all: [ElementwiseBroadcastCase] = [
        .init(name: "same shape", a: [3, 4], b: [3, 4]),
        .init(name: "tensor and rank-0 scalar", a: [3, 4], b: []),
        .init(name: "rank-0 scalar and tensor", a: [], b: [3, 4]),
        .init(name: "tensor and one-element [1, 1]", a: [2, 3], b: [1, 1]),
        .init(name: "[N, C] and [C]", a: [4, 3], b: [3]),
        .init(name: "[C] and [N, C]", a: [3], b: [4, 3]),
        .init(name: "[N, 1] and [1, C]", a: [4, 1], b: [1, 3]),
        .init(name: "rank 3 and rank 1", a: [2, 3, 4], b: [4]),
        .init(name: "rank 1 and rank 3", a: [4], b: [2, 3, 4]),
        .init(name: "both broadcast, different ranks", a: [2, 1, 4], b: [3, 1]),
        .init(name: "middle axis broadcast", a: [2, 3, 4], b: [2, 1, 4]),
        // Whole 16-float vectors plus a short one per row, on either side.
        .init(name: "[N, 37] and [1, 37]", a: [5, 37], b: [1, 37]),
        .init(name: "[1, 1, 37] and [2, 3, 37]", a: [1, 1, 37], b: [2, 3, 37]),
        .init(name: "same shape, 53 elements", a: [53], b: [53]),
        .init(name: "[1, 1] and [53]", a: [1, 1], b: [53]),
    ]
}

enum ElementwiseBinaryOp: String, CaseIterable, Sendable {
    case add, subtract, multiply, divide

    func apply(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        switch self {
        case .add: try a + b
        case .subtract: try a - b
        case .multiply: try a * b
        case .divide: try a / b
        }
    }

    func reference(_ x: Float, _ y: Float) -> Float {
        switch self {
        case .add: x + y
        case .subtract: x - y
        case .multiply: x * y
        case .divide: x / y
        }
    }
}

/// One differentiable unary op with an input range where it is smooth.
struct ElementwiseUnaryCase: Sendable, CustomTestStringConvertible {
    let name: String
    let low: Float
    let high: Float
    /// Pushes inputs away from points where the derivative jumps.
    let prepare: @Sendable (Tensor) -> Tensor
    let apply: @Sendable (Tensor) throws -> Tensor
    var testDescription: String { name }

    init(_ name: String, low: Float = -1, high: Float = 1,
         prepare: @escaping @Sendable (Tensor) -> Tensor = { $0 },
         _ apply: @escaping @Sendable (Tensor) throws -> Tensor) {
        self.name = name
        self.low = low
        self.high = high
        self.prepare = prepare
        self.apply = apply
    }

    static let all: [ElementwiseUnaryCase] = [
        .init("negate") { -$0 },
        .init("exp", low: -2, high: 2) { $0.exp() },
        .init("log", low: 0.2, high: 3) { $0.log() },
        .init("sqrt", low: 0.2, high: 3) { $0.sqrt() },
        .init("square", low: -2, high: 2) { $0.square() },
        .init("abs", prepare: { ElementwiseReference.awayFromZero($0) }) { $0.abs() },
        .init("relu", prepare: { ElementwiseReference.awayFromZero($0) }) { $0.relu() },
        .init("leakyRelu default alpha", prepare: { ElementwiseReference.awayFromZero($0) }) { $0.leakyRelu() },
        .init("leakyRelu alpha 0.2", prepare: { ElementwiseReference.awayFromZero($0) }) { $0.leakyRelu(alpha: 0.2) },
        // Bounds at ±0.5: values within 0.1 of a bound are halved, landing in [0.2, 0.3].
        .init("clip", prepare: { $0.map { Swift.abs(Swift.abs($0) - 0.5) < 0.1 ? $0 * 0.5 : $0 } }) { try $0.clip(-0.5, 0.5) },
        .init("sigmoid", low: -4, high: 4) { $0.sigmoid() },
        .init("tanh", low: -2, high: 2) { $0.tanh() },
        .init("elu default alpha", low: -2, high: 2, prepare: { ElementwiseReference.awayFromZero($0) }) { $0.elu() },
        .init("elu alpha 0.5", low: -2, high: 2, prepare: { ElementwiseReference.awayFromZero($0) }) { $0.elu(alpha: 0.5) },
    ]
}

@Suite struct ElementwiseTests {
    private func operands(_ c: ElementwiseBroadcastCase, seed: UInt64) throws -> (Tensor, Tensor) {
        // b stays in [0.5, 1.5] so it is a safe divisor.
        (try randomTensor(c.a, seed: seed), try randomTensor(c.b, seed: seed + 1, low: 0.5, high: 1.5))
    }

    // MARK: Forward broadcasting

    @Test func addBroadcastsRowVectorOverMatrixByHand() throws {
        let a = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let b = try Tensor(shape: [3], scalars: [10, 20, 30])
        let c = try a + b
        #expect(c.shape == [2, 3])
        #expect(c.scalars == [11, 22, 33, 14, 25, 36])
    }

    @Test func columnTimesRowIsTheOuterProductByHand() throws {
        let col = try Tensor(shape: [3, 1], scalars: [1, 2, 3])
        let row = try Tensor(shape: [1, 2], scalars: [10, 100])
        let c = try col * row
        #expect(c.shape == [3, 2])
        #expect(c.scalars == [10, 100, 20, 200, 30, 300])
    }

    @Test(arguments: ElementwiseBroadcastCase.all, ElementwiseBinaryOp.allCases)
    func binaryOpForwardMatchesNaiveBroadcastLoop(_ c: ElementwiseBroadcastCase, _ op: ElementwiseBinaryOp) throws {
        let (a, b) = try operands(c, seed: 11)
        let result = try op.apply(a, b)
        let expected = ElementwiseReference.map(a, b, op.reference)
        #expect(result.shape == expected.shape)
        #expect(result.scalars == expected.values)
    }

    @Test func floatOperandsActLikeRankZeroTensorsOnEitherSide() throws {
        let x = try randomTensor([2, 3], seed: 3, low: 0.5, high: 2)
        #expect(try (x + 2).scalars == x.scalars.map { $0 + 2 })
        #expect(try (2 + x).scalars == x.scalars.map { 2 + $0 })
        #expect(try (x - 2).scalars == x.scalars.map { $0 - 2 })
        #expect(try (2 - x).scalars == x.scalars.map { 2 - $0 })
        #expect(try (x * 3).scalars == x.scalars.map { $0 * 3 })
        #expect(try (3 * x).scalars == x.scalars.map { 3 * $0 })
        #expect(try (x / 4).scalars == x.scalars.map { $0 / 4 })
        #expect(try (4 / x).scalars == x.scalars.map { 4 / $0 })
        #expect(try (x + 2).shape == [2, 3])
        #expect((-x).scalars == x.scalars.map { -$0 })
    }

    @Test func rankZeroPlusRankZeroIsRankZero() throws {
        let c = try Tensor(2) + Tensor(3)
        #expect(c.shape == [])
        #expect(try c.item() == 5)
    }

    // MARK: Binary gradients

    @Test(arguments: ElementwiseBroadcastCase.all, ElementwiseBinaryOp.allCases)
    func binaryOpGradientMatchesFiniteDifferences(_ c: ElementwiseBroadcastCase, _ op: ElementwiseBinaryOp) throws {
        let (a, b) = try operands(c, seed: 21)
        try expectGradientsMatchFiniteDifferences({ try op.apply($0[0], $0[1]) }, at: [a, b])
    }

    @Test func broadcastGradientSumsOverTheBroadcastAxesByHand() throws {
        // d/db Σ (a + b) for a [4, 3], b [3]: each b[j] is used 4 times.
        let a = try randomTensor([4, 3], seed: 1).requiringGrad()
        let b = try randomTensor([3], seed: 2).requiringGrad()
        let g = try gradients(of: (a + b).sum(), wrt: [a, b])
        #expect(g[0].shape == [4, 3])
        #expect(g[0].scalars == [Float](repeating: 1, count: 12))
        #expect(g[1].shape == [3])
        #expect(g[1].scalars == [4, 4, 4])
    }

    @Test func quotientGradientByHand() throws {
        // d/da (a / b) = 1 / b, d/db (a / b) = -a / b².
        let a = try Tensor(shape: [2], scalars: [3, -1]).requiringGrad()
        let b = try Tensor(shape: [2], scalars: [2, 4]).requiringGrad()
        let g = try gradients(of: (a / b).sum(), wrt: [a, b])
        #expect(g[0].scalars == [0.5, 0.25])
        #expect(g[1].scalars == [-0.75, 0.0625])
    }

    @Test func floatOperandGradientsMatchFiniteDifferences() throws {
        let x = try randomTensor([3, 4], seed: 5, low: 0.5, high: 2)
        try expectGradientsMatchFiniteDifferences({ try $0[0] + 2 }, at: [x])
        try expectGradientsMatchFiniteDifferences({ try 2 - $0[0] }, at: [x])
        try expectGradientsMatchFiniteDifferences({ try $0[0] * 3 }, at: [x])
        try expectGradientsMatchFiniteDifferences({ try 3 / $0[0] }, at: [x])
        try expectGradientsMatchFiniteDifferences({ try $0[0] / 4 }, at: [x])
    }

    // MARK: pow, maximum, minimum

    @Test func powForwardMatchesFoundationPow() throws {
        let base = try randomTensor([3, 4], seed: 8, low: 0.2, high: 3)
        let exponent = try randomTensor([4], seed: 9, low: -2, high: 3)
        let result = try base.pow(exponent)
        let expected = ElementwiseReference.map(base, exponent) { Foundation.pow($0, $1) }
        #expect(result.shape == [3, 4])
        #expect(result.scalars == expected.values)
        #expect(try Tensor(shape: [3], scalars: [2, 3, 4]).pow(2).scalars == [4, 9, 16])
    }

    @Test func powGradientByHand() throws {
        // d/dx x³ = 3x², d/dp 2^p = 2^p ln 2.
        let x = try Tensor(shape: [1], scalars: [2]).requiringGrad()
        #expect(try gradients(of: x.pow(3).sum(), wrt: [x])[0].scalars == [12])
        let p = try Tensor(shape: [1], scalars: [3]).requiringGrad()
        let dp = try gradients(of: Tensor(shape: [1], scalars: [2]).pow(p).sum(), wrt: [p])[0]
        // 2³ by powf, times logf(2), one more rounding.
        #expect(Swift.abs(Double(dp.scalars[0]) - 8 * M_LN2) <= Tolerance.ulps(Tolerance.powUlps + Tolerance.logUlps + 0.5, of: 8 * M_LN2))
    }

    @Test func powWithTensorExponentGradientMatchesFiniteDifferences() throws {
        let base = try randomTensor([3, 4], seed: 12, low: 0.5, high: 2)
        let sameShape = try randomTensor([3, 4], seed: 13, low: -1.5, high: 2)
        let row = try randomTensor([4], seed: 14, low: -1.5, high: 2)
        try expectGradientsMatchFiniteDifferences({ try $0[0].pow($0[1]) }, at: [base, sameShape])
        try expectGradientsMatchFiniteDifferences({ try $0[0].pow($0[1]) }, at: [base, row])
    }

    @Test func powWithScalarExponentGradientMatchesFiniteDifferences() throws {
        let base = try randomTensor([3, 4], seed: 15, low: 0.5, high: 2)
        try expectGradientsMatchFiniteDifferences({ try $0[0].pow(2.5) }, at: [base])
        try expectGradientsMatchFiniteDifferences({ try $0[0].pow(-1.5) }, at: [base])
        try expectGradientsMatchFiniteDifferences({ try $0[0].pow(3) }, at: [base])
    }

    @Test func maximumAndMinimumForwardMatchNaiveBroadcastLoop() throws {
        let a = try randomTensor([3, 4], seed: 16)
        let b = try randomTensor([4], seed: 17)
        let hi = try a.maximum(b), lo = try a.minimum(b)
        #expect(hi.shape == [3, 4] && lo.shape == [3, 4])
        #expect(hi.scalars == ElementwiseReference.map(a, b) { Swift.max($0, $1) }.values)
        #expect(lo.scalars == ElementwiseReference.map(a, b) { Swift.min($0, $1) }.values)
    }

    @Test func maximumAndMinimumGradientsMatchFiniteDifferences() throws {
        // Untied inputs: b differs from a by at least 0.1 everywhere.
        let a = try randomTensor([3, 4], seed: 18)
        let offsets = ElementwiseReference.awayFromZero(try randomTensor([3, 4], seed: 19, low: -0.5, high: 0.5))
        let b = try a + offsets
        try expectGradientsMatchFiniteDifferences({ try $0[0].maximum($0[1]) }, at: [a, b])
        try expectGradientsMatchFiniteDifferences({ try $0[0].minimum($0[1]) }, at: [a, b])
        // Broadcast second operand [4] against [3, 4]; make sure no column ties.
        let row = try Tensor(shape: [4], scalars: [-0.95, -0.05, 0.55, 1.5])
        let spread = try Tensor(shape: [3, 4], scalars: [-0.5, 0.4, 0.2, 1.0,
                                                          -1.3, -0.6, 0.9, 1.9,
                                                          0.3, 0.25, 0.0, 1.2])
        try expectGradientsMatchFiniteDifferences({ try $0[0].maximum($0[1]) }, at: [spread, row])
        try expectGradientsMatchFiniteDifferences({ try $0[0].minimum($0[1]) }, at: [spread, row])
    }

    @Test func maximumGradientGoesToTheLargerInputAndToSelfOnTies() throws {
        let a = try Tensor(shape: [3], scalars: [1, 2, 5]).requiringGrad()
        let b = try Tensor(shape: [3], scalars: [1, 3, 4]).requiringGrad()
        let g = try gradients(of: a.maximum(b).sum(), wrt: [a, b])
        #expect(g[0].scalars == [1, 0, 1])
        #expect(g[1].scalars == [0, 1, 0])
        let h = try gradients(of: a.minimum(b).sum(), wrt: [a, b])
        #expect(h[0].scalars == [1, 1, 0])
        #expect(h[1].scalars == [0, 0, 1])
    }

    // MARK: Comparisons

    @Test func comparisonsProduceZeroOrOneWithBroadcasting() throws {
        let a = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 3, 2, 1])
        let b = try Tensor(shape: [3], scalars: [2, 2, 2])
        #expect(try a.equal(b).scalars == [0, 1, 0, 0, 1, 0])
        #expect(try a.notEqual(b).scalars == [1, 0, 1, 1, 0, 1])
        #expect(try a.less(b).scalars == [1, 0, 0, 0, 0, 1])
        #expect(try a.lessEqual(b).scalars == [1, 1, 0, 0, 1, 1])
        #expect(try a.greater(b).scalars == [0, 0, 1, 1, 0, 0])
        #expect(try a.greaterEqual(b).scalars == [0, 1, 1, 1, 1, 0])
        #expect(try a.less(b).shape == [2, 3])
        // Column [2, 1] against row [1, 2, 3] gives a [2, 3] table.
        let col = try Tensor(shape: [2, 1], scalars: [2, 1])
        let row = try Tensor(shape: [1, 3], scalars: [1, 2, 3])
        #expect(try col.greater(row).scalars == [1, 0, 0, 0, 0, 0])
    }

    @Test func comparisonsOfTrackedTensorsAreNotTracked() throws {
        let x = try randomTensor([4], seed: 1).requiringGrad()
        #expect(try !x.greater(Tensor(0)).requiresGrad)
        #expect(try !x.equal(x).requiresGrad)
    }

    // MARK: Unary ops

    @Test func unaryForwardValuesByHand() throws {
        let x = try Tensor(shape: [5], scalars: [-2, -0.5, 0, 0.5, 2])
        #expect(x.abs().scalars == [2, 0.5, 0, 0.5, 2])
        #expect(x.relu().scalars == [0, 0, 0, 0.5, 2])
        #expect(x.leakyRelu(alpha: 0.1).scalars == [-0.2, -0.05, 0, 0.5, 2])
        #expect(x.square().scalars == [4, 0.25, 0, 0.25, 4])
        #expect(try x.clip(-1, 1).scalars == [-1, -0.5, 0, 0.5, 1])
        // Against the exact values (in Double), within glibc's ulps and the roundings that follow.
        let elu = x.elu(alpha: 2)
        for (y, v) in zip(elu.scalars[..<2], [-2.0, -0.5]) {
            // 2·(expf(v) − 1): exp's ulps, then the subtraction's rounding (×2 is exact).
            let bound = 2 * (Tolerance.ulps(Tolerance.expUlps, of: Foundation.exp(v)) + Tolerance.chain(operations: 1, magnitude: 1 - Foundation.exp(v)))
            #expect(Swift.abs(Double(y) - 2 * (Foundation.exp(v) - 1)) <= bound)
        }
        #expect(Array(elu.scalars[2...]) == [0, 0.5, 2])
        let sig = x.sigmoid()
        for (s, v) in zip(sig.scalars, x.scalars) { #expect(Swift.abs(Double(s) - Self.sigmoid(Double(v))) <= Self.sigmoidBound(Double(s))) }
        #expect(sig.scalars[2] == 0.5)
        let th = x.tanh()
        for (t, v) in zip(th.scalars, x.scalars) {
            #expect(Swift.abs(Double(t) - Foundation.tanh(Double(v))) <= Tolerance.ulps(Tolerance.tanhUlps, of: Foundation.tanh(Double(v))))
        }
        let p = try Tensor(shape: [3], scalars: [1, 4, 0.25])
        #expect(p.sqrt().scalars == [1, 2, 0.5])
        #expect(p.log().scalars[0] == 0)
        #expect(Swift.abs(Double(p.log().scalars[1]) - Foundation.log(4.0)) <= Tolerance.ulps(Tolerance.logUlps, of: Foundation.log(4.0)))
        #expect(Swift.abs(Double(Tensor(1).exp().scalars[0]) - M_E) <= Tolerance.ulps(Tolerance.expUlps, of: M_E))
    }

    static func sigmoid(_ x: Double) -> Double { 1 / (1 + Foundation.exp(-x)) }

    /// Fern's sigmoid is 1/(1 + expf(−x)), or expf(x)/(1 + expf(x)) for x < 0: exp's error twice at most, and two roundings.
    static func sigmoidBound(_ s: Double) -> Double {
        Tolerance.ulps(2 * Tolerance.expUlps + 1, of: s)
    }

    @Test func sigmoidSaturatesWithoutNaNForLargeInputs() throws {
        let x = try Tensor(shape: [4], scalars: [-1000, -100, 100, 1000])
        let y = x.sigmoid()
        #expect(y.scalars.allSatisfy { !$0.isNaN })
        #expect(y.scalars[0] == 0 && y.scalars[3] == 1)
        #expect(y.scalars[1] < 1e-30 && y.scalars[2] == 1)  // e⁻¹⁰⁰ ≈ 4e-44: tiny, not a rounding tolerance
    }

    @Test func clipRejectsLowAboveHigh() throws {
        #expect(throws: TensorError.self) { try Tensor(shape: [2], scalars: [0, 1]).clip(1, 0) }
    }

    @Test func clipGradientIsZeroOutsideTheBounds() throws {
        let x = try Tensor(shape: [4], scalars: [-3, -0.2, 0.4, 2]).requiringGrad()
        #expect(try gradients(of: x.clip(-1, 1).sum(), wrt: [x])[0].scalars == [0, 1, 1, 0])
    }

    @Test(arguments: ElementwiseUnaryCase.all)
    func unaryGradientMatchesFiniteDifferences(_ c: ElementwiseUnaryCase) throws {
        let x = c.prepare(try randomTensor([3, 5], seed: 31, low: c.low, high: c.high))
        try expectGradientsMatchFiniteDifferences({ try c.apply($0[0]) }, at: [x])
    }

    // MARK: Large tensors (multi-core paths)

    @Test func largeSameShapeOpsMatchNaiveLoop() throws {
        let a = try randomTensor([300, 200], seed: 41)
        let b = try randomTensor([300, 200], seed: 42, low: 0.5, high: 1.5)
        #expect(a.count > 40_000)
        for op in ElementwiseBinaryOp.allCases {
            let result = try op.apply(a, b)
            #expect(result.shape == [300, 200])
            let expected = zip(a.scalars, b.scalars).map { op.reference($0, $1) }
            #expect(result.scalars == expected, "\(op)")
        }
    }

    @Test func largeScalarAndBroadcastOpsMatchNaiveLoop() throws {
        let a = try randomTensor([300, 200], seed: 43)
        let row = try randomTensor([200], seed: 44, low: 0.5, high: 1.5)
        let col = try randomTensor([300, 1], seed: 45, low: 0.5, high: 1.5)
        #expect(try (a * 2.5).scalars == a.scalars.map { $0 * 2.5 })
        #expect(try (1 - a).scalars == a.scalars.map { 1 - $0 })
        for op in ElementwiseBinaryOp.allCases {
            let byRow = try op.apply(a, row)
            let byCol = try op.apply(a, col)
            #expect(byRow.scalars == ElementwiseReference.map(a, row, op.reference).values, "\(op) by row")
            #expect(byCol.scalars == ElementwiseReference.map(a, col, op.reference).values, "\(op) by column")
        }
        // Both operands broadcast: [300, 1] against [200] gives [300, 200].
        let outer = try col * row
        #expect(outer.shape == [300, 200])
        #expect(outer.scalars == ElementwiseReference.map(col, row, *).values)
    }

    @Test func largeUnaryOpsMatchNaiveLoop() throws {
        let x = try randomTensor([300, 200], seed: 46, low: -3, high: 3)
        #expect(x.exp().scalars == x.scalars.map { Foundation.exp($0) })
        #expect(x.relu().scalars == x.scalars.map { Swift.max($0, 0) })
        #expect(x.abs().scalars == x.scalars.map { Swift.abs($0) })
        #expect((-x).scalars == x.scalars.map { -$0 })
        let t = x.tanh()
        #expect(zip(t.scalars, x.scalars).allSatisfy {
            Swift.abs(Double($0) - Foundation.tanh(Double($1))) <= Tolerance.ulps(Tolerance.tanhUlps, of: Foundation.tanh(Double($1)))
        })
        let s = x.sigmoid()
        #expect(zip(s.scalars, x.scalars).allSatisfy { Swift.abs(Double($0) - Self.sigmoid(Double($1))) <= Self.sigmoidBound(Double($0)) })
        let c = try x.clip(-1, 1)
        #expect(c.scalars == x.scalars.map { Swift.min(Swift.max($0, -1), 1) })
    }

    @Test func largeGradientAccumulationMatchesNaiveLoop() throws {
        // x is used three times: d/dx Σ (x·x + x) = 2x + 1, summed across uses.
        let x = try randomTensor([300, 200], seed: 47).requiringGrad()
        let g = try gradients(of: (x * x + x).sum(), wrt: [x])[0]
        #expect(g.shape == [300, 200])
        let expected = try Tensor(shape: [300, 200], scalars: x.scalars.map { 2 * $0 + 1 })
        // x + x is exact; adding 1 rounds once in any order of accumulation (twice for (x + 1) + x), as 2x + 1 does here.
        ConvolutionTests.expectClose(g, expected, within: x.scalars.map { Tolerance.chain(operations: 3, magnitude: 2 * Double(Swift.abs($0)) + 1) },
                                     "2x + 1")
    }

    @Test func largeBroadcastGradientSumsBackToTheOperandShape() throws {
        // d/drow Σ (a · row) = column sums of a.
        let a = try randomTensor([300, 200], seed: 48)
        let row = try randomTensor([200], seed: 49).requiringGrad()
        let g = try gradients(of: (a * row).sum(), wrt: [row])[0]
        #expect(g.shape == [200])
        var expected = [Double](repeating: 0, count: 200), absolute = expected
        for i in 0..<300 { for j in 0..<200 {
            expected[j] += Double(a.scalars[i * 200 + j])
            absolute[j] += Double(Swift.abs(a.scalars[i * 200 + j]))
        } }
        // 300 terms a·1 (exact) summed.
        #expect((0..<200).allSatisfy { Swift.abs(Double(g.scalars[$0]) - expected[$0]) <= Tolerance.sum(terms: 300, absoluteSum: absolute[$0]) })
    }
}
