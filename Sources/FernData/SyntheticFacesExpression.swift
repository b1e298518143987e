import FernTensor

/// How each expression sets the brows, eyes and mouth, before per-face
/// jitter. Units are pixels of a scale-1 face, whose oval has half-width 15
/// and half-height 19; y points down and is measured from the face centre.
struct ExpressionShape {
    /// Height of the brow's inner (nose-side) and outer ends; smaller is higher.
    var browInnerY: Float
    var browOuterY: Float
    /// Distance of the brow's inner end from the midline.
    var browInnerX: Float
    /// How far the brow's middle bulges above the line through its ends.
    var browArch: Float
    /// Half the eye opening: narrowed eyes near 0.8, wide eyes above 2.
    var eyeHalfHeight: Float
    var mouthHalfWidth: Float
    /// How far the mouth corners sit above its middle (a smile is positive).
    var mouthLift: Float
    /// Height of the dark opening between the lips; 0 for a closed mouth.
    var mouthOpen: Float
    /// Width of that opening as a share of the mouth's.
    var openingShare: Float = 0.8
    /// One corner raised above the other (disgust's sneer), in pixels.
    var mouthTilt: Float = 0
    /// Short creases either side of the nose bridge (disgust).
    var noseWrinkles = false

    /// Indexed by FER label: angry, disgust, fear, happy, sad, surprise, neutral.
    static let byLabel: [ExpressionShape] = [
        // Angry: brows pulled down toward the centre, eyes narrowed, lips pressed flat.
        ExpressionShape(browInnerY: -5.6, browOuterY: -9.2, browInnerX: 1.6, browArch: 0,
                        eyeHalfHeight: 0.9, mouthHalfWidth: 4.5, mouthLift: -0.5, mouthOpen: 0),
        // Disgust: brows lowered, eyes narrowed, upper lip raised on one side, nose wrinkled.
        ExpressionShape(browInnerY: -6.4, browOuterY: -7.6, browInnerX: 2.0, browArch: 0.2,
                        eyeHalfHeight: 1.0, mouthHalfWidth: 5, mouthLift: -1, mouthOpen: 1.3,
                        openingShare: 0.55, mouthTilt: 2.2, noseWrinkles: true),
        // Fear: brows raised and drawn together, eyes wide, mouth stretched slightly open.
        ExpressionShape(browInnerY: -11.2, browOuterY: -9.8, browInnerX: 1.3, browArch: 0.2,
                        eyeHalfHeight: 2.2, mouthHalfWidth: 7, mouthLift: -0.8, mouthOpen: 2.2,
                        openingShare: 0.85),
        // Happy: relaxed brows, slightly squinting eyes, corners of the mouth up.
        ExpressionShape(browInnerY: -8.6, browOuterY: -8.6, browInnerX: 2.4, browArch: 0.8,
                        eyeHalfHeight: 1.2, mouthHalfWidth: 6.5, mouthLift: 3.4, mouthOpen: 0.8),
        // Sad: inner brow ends raised, corners of the mouth down.
        ExpressionShape(browInnerY: -10.6, browOuterY: -7.2, browInnerX: 2.2, browArch: -0.2,
                        eyeHalfHeight: 1.3, mouthHalfWidth: 5, mouthLift: -2.8, mouthOpen: 0),
        // Surprise: brows high and arched, eyes wide, mouth an open O.
        ExpressionShape(browInnerY: -10.8, browOuterY: -10, browInnerX: 2.4, browArch: 1.5,
                        eyeHalfHeight: 2.5, mouthHalfWidth: 2.9, mouthLift: 0, mouthOpen: 6,
                        openingShare: 1),
        // Neutral: straight brows, normal eyes, straight closed mouth.
        ExpressionShape(browInnerY: -8.6, browOuterY: -8.6, browInnerX: 2.4, browArch: 0.3,
                        eyeHalfHeight: 1.5, mouthHalfWidth: 5.5, mouthLift: 0, mouthOpen: 0),
    ]

    /// This expression with each parameter nudged at random, so that
    /// neighbouring classes (fear/surprise, angry/disgust, neutral/sad)
    /// overlap a little and no single pixel gives the label away.
    func jittered(using rng: inout SeededGenerator) -> ExpressionShape {
        var shape = self
        shape.browInnerY = rng.normal(browInnerY, 0.7)
        shape.browOuterY = rng.normal(browOuterY, 0.7)
        shape.browInnerX = rng.normal(browInnerX, 0.3)
        shape.browArch = rng.normal(browArch, 0.35)
        shape.eyeHalfHeight = max(0.6, rng.normal(eyeHalfHeight, 0.25))
        shape.mouthHalfWidth = max(2, rng.normal(mouthHalfWidth, 0.6))
        shape.mouthLift = rng.normal(mouthLift, 0.7)
        shape.mouthOpen = max(0, rng.normal(mouthOpen, mouthOpen > 0 ? 0.6 : 0.2))
        shape.mouthTilt = rng.normal(mouthTilt, 0.4) * (rng.chance(0.5) ? 1 : -1)
        return shape
    }
}

/// The expressive features of one face, placed in the face frame: what the
/// renderer draws dark and what the feature mask marks.
struct FaceFeatures {
    var leftBrow: Stroke
    var rightBrow: Stroke
    var leftEye: Oval
    var rightEye: Oval
    var pupilRadius: Float
    var mouth: Stroke
    /// The dark gap between open lips, centred on the mouth line and bent with it.
    var mouthOpening: Oval?
    var wrinkles: [Stroke]

    init(_ shape: ExpressionShape, using rng: inout SeededGenerator) {
        // Placement varies between faces independently of the expression.
        let eyeY = rng.normal(-3, 0.5)
        let eyeX = rng.normal(6, 0.35)
        let eyeHalfWidth = rng.normal(2.8, 0.2)
        let browLength = rng.normal(6.6, 0.4)
        let browHalfWidth = rng.uniform(0.75, 1.05)
        let mouthY = rng.normal(9.5, 0.6)

        func brow(_ side: Float) -> Stroke {
            Stroke(from: (side * shape.browInnerX, shape.browInnerY),
                   to: (side * (shape.browInnerX + browLength), shape.browOuterY),
                   arch: shape.browArch, halfWidth: browHalfWidth)
        }
        leftBrow = brow(-1)
        rightBrow = brow(1)
        leftEye = Oval(cx: -eyeX, cy: eyeY, halfWidth: eyeHalfWidth, halfHeight: shape.eyeHalfHeight)
        rightEye = Oval(cx: eyeX, cy: eyeY, halfWidth: eyeHalfWidth, halfHeight: shape.eyeHalfHeight)
        pupilRadius = min(1.3, shape.eyeHalfHeight + 0.2)

        let mouthHalfWidth = shape.mouthHalfWidth
        mouth = Stroke(x0: 0, y0: mouthY, halfLength: mouthHalfWidth, slope: -shape.mouthTilt / mouthHalfWidth,
                       bend: -shape.mouthLift / (mouthHalfWidth * mouthHalfWidth), halfWidth: rng.uniform(0.6, 0.85))
        mouthOpening = shape.mouthOpen > 0.3
            ? Oval(cx: 0, cy: mouthY, halfWidth: mouthHalfWidth * shape.openingShare, halfHeight: shape.mouthOpen / 2)
            : nil
        wrinkles = shape.noseWrinkles
            ? [-1, 1].map { side in
                Stroke(x0: side * 2.4, y0: rng.normal(-0.5, 0.4), halfLength: 1.3,
                       slope: side * 0.7, halfWidth: 0.5)
            } + [Stroke(x0: 0, y0: rng.normal(-2.5, 0.4), halfLength: 1.6, bend: 0.2, halfWidth: 0.45)]
            : []
    }

    /// The opening follows the mouth line's curve: measure it in
    /// coordinates where that line is straightened.
    func openingDistance(_ opening: Oval, _ x: Float, _ y: Float) -> Float {
        opening.distance(x, y - mouth.centerY(x) + mouth.y0)
    }
}
