import FernTensor
import Foundation

/// One synthetic face: pose, tones, class-independent distractors (hair,
/// nose) and the expression's features, drawn into a 48x48 image and its
/// feature mask. Every random choice is made in `init`, except pixel noise.
struct SyntheticFace {
    static let side = 48

    /// Where the face sits in the image (pixels) and how it is scaled and turned.
    var centerX: Float
    var centerY: Float
    var scale: Float
    var cosAngle: Float
    var sinAngle: Float
    var outline: Oval
    /// Tones in 0...1 before brightness and contrast.
    var background: Float
    var gradientX: Float
    var gradientY: Float
    var skin: Float
    var ink: Float
    var hair: Hair?
    var nose: Nose?
    var features: FaceFeatures
    var brightness: Float
    var contrast: Float
    var noiseLevel: Float

    init(label: Int, options: SyntheticFaceOptions, using rng: inout SeededGenerator) {
        let middle = Float(Self.side) / 2
        centerX = middle + rng.uniform(-options.maxShift, options.maxShift)
        centerY = middle + rng.uniform(-options.maxShift, options.maxShift)
        scale = rng.uniform(options.scaleRange.lowerBound, options.scaleRange.upperBound)
        let angle = rng.uniform(-options.maxRotationDegrees, options.maxRotationDegrees) * .pi / 180
        cosAngle = cos(angle)
        sinAngle = sin(angle)
        outline = Oval(cx: 0, cy: 0, halfWidth: rng.normal(15, 0.7), halfHeight: rng.normal(19, 0.8))

        skin = rng.uniform(0.55, 0.88)
        background = max(0.03, skin - rng.uniform(0.18, 0.5))
        gradientX = rng.uniform(-0.12, 0.12)
        gradientY = rng.uniform(-0.12, 0.12)
        ink = skin * rng.uniform(0.2, 0.42)
        hair = options.distractors && rng.chance(0.65) ? Hair(around: outline, using: &rng) : nil
        nose = options.distractors && rng.chance(0.75) ? Nose(using: &rng) : nil

        features = FaceFeatures(ExpressionShape.byLabel[label].jittered(using: &rng), using: &rng)
        brightness = rng.uniform(-0.1, 0.1)
        contrast = rng.uniform(0.75, 1.25)
        noiseLevel = options.noiseLevel * rng.uniform(0.5, 1.5)
    }

    /// Writes `side × side` pixel values (0-255, whole numbers as in FER2013)
    /// and mask values (0 or 1): the mask marks pixels within about one pixel
    /// of a brow, eye, mouth or wrinkle.
    func render(pixels: UnsafeMutablePointer<Float>, mask: UnsafeMutablePointer<Float>,
                noise rng: inout SeededGenerator) {
        let middle = Float(Self.side) / 2
        for row in 0..<Self.side {
            for column in 0..<Self.side {
                let x = Float(column) + 0.5, y = Float(row) + 0.5
                // Into the face frame: undo the shift, the rotation, then the scale.
                let dx = x - centerX, dy = y - centerY
                let u = (cosAngle * dx + sinAngle * dy) / scale
                let v = (-sinAngle * dx + cosAngle * dy) / scale

                var value = background + gradientX * (x - middle) / middle + gradientY * (y - middle) / middle
                let faceDistance = outline.distance(u, v) * scale
                let faceCoverage = coverage(faceDistance)
                if faceCoverage > 0 {
                    // Darker toward the rim, so the oval reads as rounded.
                    let shaded = skin * (1 - 0.2 * min(1, outline.radiusSquared(u, v)))
                    value = mix(value, shaded, faceCoverage)
                }
                if let hair {
                    value = mix(value, hair.tone, hair.opacity(u, v, faceCoverage: faceCoverage, scale: scale))
                }
                var isFeature = false
                if faceDistance < 0 {
                    if let nose {
                        value = mix(value, ink, nose.strength * coverage(nose.distance(u, v) * scale))
                    }
                    (value, isFeature) = drawFeatures(over: value, u, v)
                }
                let shown = ((value - 0.5) * contrast + 0.5 + brightness) * 255 + noiseLevel * rng.pixelNoise()
                let index = row * Self.side + column
                pixels[index] = min(255, max(0, shown.rounded()))
                mask[index] = isFeature ? 1 : 0
            }
        }
    }

    /// Eyes (white, outline, pupil), brows, mouth and wrinkles over `value`
    /// at face-frame point (u, v); also whether the point is in the mask.
    private func drawFeatures(over value: Float, _ u: Float, _ v: Float) -> (Float, Bool) {
        let eyeOutline: Float = 0.5
        let eye = u < 0 ? features.leftEye : features.rightEye
        let eyeDistance = eye.distance(u, v)
        let pupil = Oval(cx: eye.cx, cy: eye.cy, halfWidth: features.pupilRadius, halfHeight: features.pupilRadius)

        let lines = min(features.leftBrow.distance(u, v), features.rightBrow.distance(u, v),
                        features.mouth.distance(u, v))
        var nearest = min(eyeDistance - eyeOutline, lines)
        var dark = max(coverage(lines * scale),
                       coverage((abs(eyeDistance) - eyeOutline) * scale),
                       coverage(pupil.distance(u, v) * scale))
        if let opening = features.mouthOpening {
            let openingDistance = features.openingDistance(opening, u, v)
            dark = max(dark, coverage(openingDistance * scale))
            nearest = min(nearest, openingDistance)
        }
        for wrinkle in features.wrinkles {
            let d = wrinkle.distance(u, v)
            dark = max(dark, 0.7 * coverage(d * scale))
            nearest = min(nearest, d)
        }

        let white = min(1, skin + 0.15)
        let lit = mix(value, white, coverage(eyeDistance * scale))
        return (mix(lit, ink, dark), nearest * scale <= 1)
    }
}

/// Hair framing the top and sides of the face (a distractor, independent of the class).
struct Hair {
    var tone: Float
    /// Hair lies inside this oval, a little larger than the face.
    var outer: Oval
    /// Hairline height on the forehead at the midline; it drops toward the temples.
    var hairline: Float
    /// How far down the sides the hair reaches.
    var bottom: Float
    var faceHalfWidth: Float

    init(around face: Oval, using rng: inout SeededGenerator) {
        tone = rng.uniform(0.03, 0.3)
        outer = Oval(cx: 0, cy: -1, halfWidth: face.halfWidth + rng.uniform(1.5, 3.5),
                     halfHeight: face.halfHeight + rng.uniform(1.5, 3.5))
        hairline = rng.uniform(-18, -15.5)
        bottom = rng.uniform(-6, 8)
        faceHalfWidth = face.halfWidth
    }

    /// How much hair covers face-frame point (u, v).
    func opacity(_ u: Float, _ v: Float, faceCoverage: Float, scale: Float) -> Float {
        let line = hairline + 3 * (u / faceHalfWidth) * (u / faceHalfWidth)
        let onForehead = coverage((v - line) * scale)
        return coverage(outer.distance(u, v) * scale)
            * max(1 - faceCoverage, onForehead)
            * coverage((v - bottom) * scale)
    }
}

/// A faint nose: one side of the bridge and the base (a distractor).
struct Nose {
    /// Drawn sideways: a vertical line is a `Stroke` evaluated with u and v swapped.
    var bridge: Stroke
    var base: Stroke
    var strength: Float

    init(using rng: inout SeededGenerator) {
        let side: Float = rng.chance(0.5) ? 1 : -1
        let bottom = rng.normal(4, 0.4)
        bridge = Stroke(x0: bottom - 2.8, y0: side * rng.uniform(1, 2), halfLength: 2.5,
                        slope: side * 0.15, halfWidth: 0.45)
        base = Stroke(x0: 0, y0: bottom, halfLength: rng.uniform(1.5, 2.3), bend: -0.12, halfWidth: 0.5)
        strength = rng.uniform(0.25, 0.5)
    }

    func distance(_ u: Float, _ v: Float) -> Float {
        min(bridge.distance(v, u), base.distance(u, v))
    }
}

/// Anti-aliased coverage of a pixel whose centre is `distance` pixels
/// outside a shape's edge (negative inside).
private func coverage(_ distance: Float) -> Float {
    min(1, max(0, 0.5 - distance))
}

private func mix(_ a: Float, _ b: Float, _ t: Float) -> Float {
    a + (b - a) * t
}
