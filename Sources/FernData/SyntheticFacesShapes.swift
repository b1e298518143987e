// The two drawing primitives of a synthetic face, in the face's own frame
// (pixels at scale 1, origin at the face centre, y pointing down). Each
// gives a distance, which the renderer turns into anti-aliased coverage
// and, slightly dilated, into the feature mask.

/// A thick parabolic stroke `y = y0 + slope·(x − x0) + bend·(x − x0)²` over
/// `|x − x0| ≤ halfLength`: a brow, a closed mouth, a wrinkle.
struct Stroke {
    var x0: Float
    var y0: Float
    var halfLength: Float
    var slope: Float = 0
    var bend: Float = 0
    var halfWidth: Float

    /// Height of the centre line at `x` (extended beyond the ends).
    func centerY(_ x: Float) -> Float {
        let t = x - x0
        return y0 + slope * t + bend * t * t
    }

    /// Distance from the stroke's edge (negative inside). Along the curve it
    /// is the vertical gap divided by the slope's length, a first-order
    /// distance that is accurate for these gentle curves; past the ends it
    /// is the distance to the end point, giving round caps.
    func distance(_ x: Float, _ y: Float) -> Float {
        let t = x - x0
        if abs(t) <= halfLength {
            let gradient = slope + 2 * bend * t
            return abs(y - centerY(x)) / (1 + gradient * gradient).squareRoot() - halfWidth
        }
        let endX = t > 0 ? x0 + halfLength : x0 - halfLength
        let dx = x - endX, dy = y - centerY(endX)
        return (dx * dx + dy * dy).squareRoot() - halfWidth
    }
}

extension Stroke {
    /// The stroke from `start` to `end` (different x) whose middle bulges
    /// up (toward −y) by `arch`.
    init(from start: (x: Float, y: Float), to end: (x: Float, y: Float), arch: Float, halfWidth: Float) {
        let length = abs(end.x - start.x)
        x0 = (start.x + end.x) / 2
        y0 = (start.y + end.y) / 2 - arch
        halfLength = length / 2
        slope = (end.y - start.y) / (end.x - start.x)
        bend = 4 * arch / (length * length)
        self.halfWidth = halfWidth
    }
}

/// An axis-aligned ellipse: an eye, a pupil, an open mouth, the face itself.
struct Oval {
    var cx: Float
    var cy: Float
    var halfWidth: Float
    var halfHeight: Float

    /// `(x/a)² + (y/b)²` relative to the centre: below 1 inside.
    func radiusSquared(_ x: Float, _ y: Float) -> Float {
        let u = (x - cx) / halfWidth, v = (y - cy) / halfHeight
        return u * u + v * v
    }

    /// Signed distance to the outline (negative inside). The first-order
    /// estimate (the implicit function over its gradient's length) is good
    /// near the outline but far too small beside the tips of a flat oval (a
    /// narrowed eye, a barely open mouth), where the distance to the
    /// bounding box, a lower bound of the true distance, takes over.
    func distance(_ x: Float, _ y: Float) -> Float {
        let dx = x - cx, dy = y - cy
        let u = dx / halfWidth, v = dy / halfHeight
        let k = (u * u + v * v).squareRoot()
        let gx = u / halfWidth, gy = v / halfHeight
        let gradient = (gx * gx + gy * gy).squareRoot()
        guard gradient > 1e-6 else { return -min(halfWidth, halfHeight) }
        let firstOrder = (k - 1) * k / gradient
        let outsideX = max(abs(dx) - halfWidth, 0), outsideY = max(abs(dy) - halfHeight, 0)
        guard outsideX > 0 || outsideY > 0 else { return firstOrder }
        return max(firstOrder, (outsideX * outsideX + outsideY * outsideY).squareRoot())
    }
}
