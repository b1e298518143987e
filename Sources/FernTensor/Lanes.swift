/// Element-wise loops written on explicit 16-float vectors (one AVX-512
/// register). The compiler leaves loops over several `UnsafeMutablePointer`s
/// scalar when it cannot prove they do not overlap (Adam's update compiled to
/// `sqrtss`/`divss` per element and took 49% of a SEED_DNN training step), so
/// the hot ones say what they mean.
public enum Lanes {
    public typealias Vector = SIMD16<Float>
    public static let width = Vector.scalarCount

    /// `count` floats from `p` (at most `width`; missing lanes are 0).
    @inlinable @inline(__always)
    public static func load(_ p: UnsafePointer<Float>, _ count: Int) -> Vector {
        if count == width { return UnsafeRawPointer(p).loadUnaligned(as: Vector.self) }
        var v = Vector(repeating: 0)
        for lane in 0..<count { v[lane] = p[lane] }
        return v
    }

    @inlinable @inline(__always)
    public static func load(_ p: UnsafeMutablePointer<Float>, _ count: Int) -> Vector {
        load(UnsafePointer(p), count)
    }

    /// Writes the first `count` lanes of `v` to `p`.
    @inlinable @inline(__always)
    public static func store(_ v: Vector, _ p: UnsafeMutablePointer<Float>, _ count: Int) {
        if count == width {
            UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vector.self)
            return
        }
        for lane in 0..<count { p[lane] = v[lane] }
    }

    /// `count` floats of `buffer` from `offset`.
    @inlinable @inline(__always)
    public static func load(_ buffer: UnsafeBufferPointer<Float>, _ offset: Int, _ count: Int) -> Vector {
        load(buffer.baseAddress! + offset, count)
    }

    @inlinable @inline(__always)
    public static func load(_ buffer: UnsafeMutableBufferPointer<Float>, _ offset: Int, _ count: Int) -> Vector {
        load(UnsafePointer(buffer.baseAddress! + offset), count)
    }

    /// Writes the first `count` lanes of `v` to `buffer` from `offset`.
    @inlinable @inline(__always)
    public static func store(_ v: Vector, _ buffer: UnsafeMutableBufferPointer<Float>, _ offset: Int, _ count: Int) {
        store(v, buffer.baseAddress! + offset, count)
    }

    /// Calls `body(offset, lanes)` for consecutive vectors covering `range`;
    /// `lanes` is `width` except for a shorter last one.
    @inlinable @inline(__always)
    public static func forEachVector(in range: Range<Int>, _ body: (Int, Int) -> Void) {
        var i = range.lowerBound
        while i < range.upperBound {
            let lanes = Swift.min(width, range.upperBound - i)
            body(i, lanes)
            i += lanes
        }
    }
}
