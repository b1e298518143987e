/// The four arithmetic operators as types, so `broadcastMap` can be
/// specialized for each and run on `Lanes` vectors. (Through a closure each
/// element was a call: the bias adds took 10% of SEED_DNN inference.)
protocol ElementwiseBinary {
    static func apply(_ a: Float, _ b: Float) -> Float
    static func apply(_ a: Lanes.Vector, _ b: Lanes.Vector) -> Lanes.Vector
}

enum AddElements: ElementwiseBinary {
    @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a + b }
    @inline(__always) static func apply(_ a: Lanes.Vector, _ b: Lanes.Vector) -> Lanes.Vector { a + b }
}

enum SubtractElements: ElementwiseBinary {
    @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a - b }
    @inline(__always) static func apply(_ a: Lanes.Vector, _ b: Lanes.Vector) -> Lanes.Vector { a - b }
}

enum MultiplyElements: ElementwiseBinary {
    @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a * b }
    @inline(__always) static func apply(_ a: Lanes.Vector, _ b: Lanes.Vector) -> Lanes.Vector { a * b }
}

enum DivideElements: ElementwiseBinary {
    @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a / b }
    @inline(__always) static func apply(_ a: Lanes.Vector, _ b: Lanes.Vector) -> Lanes.Vector { a / b }
}

/// `Op` applied pairwise over the broadcast of `a` and `b` (no autodiff).
/// Equal shapes, a single number on either side, and a vector along the last
/// axis on either side (a bias) run on vectors; other broadcasts take the
/// general strided loop.
func broadcastMap<Op: ElementwiseBinary>(_ a: Tensor, _ b: Tensor, op: String, _: Op.Type) throws -> Tensor {
    let shape = a.shape == b.shape ? a.shape : try broadcastShape(a.shape, b.shape, op: op)
    let count = shapeCount(shape)
    let layout: BroadcastLayout
    if a.shape == b.shape { layout = .same }
    else if b.count == 1, a.shape == shape { layout = .scalarB }
    else if a.count == 1, b.shape == shape { layout = .scalarA }
    else if let n = shape.last, n > 0, a.shape == shape, isLastAxisVector(b.shape, length: n) { layout = .rowB(n) }
    else if let n = shape.last, n > 0, b.shape == shape, isLastAxisVector(a.shape, length: n) { layout = .rowA(n) }
    else { return try broadcastMap(a, b, op: op, Op.apply) }
    if count == 0 { return Tensor(unchecked: shape, []) }

    var out = uninitializedScalars(count)
    a.scalars.withUnsafeBufferPointer { pa in
        b.scalars.withUnsafeBufferPointer { pb in
            out.withUnsafeMutableBufferPointer { po in
                let io = UncheckedBox((pa.baseAddress!, pb.baseAddress!, po.baseAddress!))
                switch layout {
                case .same, .scalarA, .scalarB:
                    Parallel.forEachChunk(count) { range in
                        let (pa, pb, po) = io.value
                        Lanes.forEachVector(in: range) { i, n in
                            let x = if case .scalarA = layout { Lanes.Vector(repeating: pa[0]) } else { Lanes.load(pa + i, n) }
                            let y = if case .scalarB = layout { Lanes.Vector(repeating: pb[0]) } else { Lanes.load(pb + i, n) }
                            Lanes.store(Op.apply(x, y), po + i, n)
                        }
                    }
                case .rowB(let width), .rowA(let width):
                    let vectorIsB = if case .rowB = layout { true } else { false }
                    Parallel.forEachChunk(count / width, cost: width) { rows in
                        let (pa, pb, po) = io.value
                        for row in rows {
                            let base = row * width
                            Lanes.forEachVector(in: 0..<width) { j, n in
                                let x = vectorIsB ? Lanes.load(pa + base + j, n) : Lanes.load(pa + j, n)
                                let y = vectorIsB ? Lanes.load(pb + j, n) : Lanes.load(pb + base + j, n)
                                Lanes.store(Op.apply(x, y), po + base + j, n)
                            }
                        }
                    }
                }
            }
        }
    }
    return Tensor(unchecked: shape, out)
}

/// How the two operands of a vectorized `broadcastMap` line up.
private enum BroadcastLayout { case same, scalarB, scalarA, rowB(Int), rowA(Int) }

/// True when `shape` is `[1, ..., 1, length]`: one number per position of the last axis.
private func isLastAxisVector(_ shape: [Int], length: Int) -> Bool {
    shape.last == length && shape.dropLast().allSatisfy { $0 == 1 }
}
