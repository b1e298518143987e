import FernTensor
import FernTestSupport
import Foundation
import Testing
@testable import FernData

/// Training-time augmentation: flips, shifts, rotations and zooms that move
/// pixels where geometry says, reproducibly, with a different draw per image.
@Suite struct AugmentationTests {
    /// A batch of `count` copies of one `height × width` single-channel image.
    func batch(_ rows: [[Float]], count: Int = 1) throws -> Tensor {
        let height = rows.count, width = rows[0].count
        let image = rows.flatMap { $0 }
        return try Tensor(shape: [count, height, width, 1], scalars: Array([[Float]](repeating: image, count: count).joined()))
    }

    /// Runs one fixed transform over a single-channel image given as rows.
    func warped(_ rows: [[Float]], _ transform: ImageTransform, padding: Augmentation.Padding = .zeros) -> [[Float]] {
        let height = rows.count, width = rows[0].count
        let source = rows.flatMap { $0 }
        var output = [Float](repeating: -1, count: source.count)
        source.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { output in
                transform.warp(source.baseAddress!, into: output.baseAddress!,
                               height: height, width: width, channels: 1, padding: padding)
            }
        }
        return (0..<height).map { Array(output[$0 * width..<($0 + 1) * width]) }
    }

    func fixed(flip: Bool = false, shiftX: Int = 0, shiftY: Int = 0, degrees: Float = 0, zoom: Float = 1) -> ImageTransform {
        ImageTransform(flip: flip, shiftX: shiftX, shiftY: shiftY, degrees: degrees, zoom: zoom)
    }

    let ramp: [[Float]] = [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]

    @Test func allOptionsOffLeavesImagesExactlyAsTheyAre() throws {
        var generator = SeededGenerator(seed: 1)
        let images = try Tensor.randomUniform([3, 5, 6, 2], low: 0, high: 255, using: &generator)
        let augmentation = Augmentation()
        #expect(augmentation.isIdentity)
        #expect(try augmentation.apply(images, using: &generator).scalars == images.scalars)
    }

    @Test func flipMirrorsEachRow() {
        #expect(warped(ramp, fixed(flip: true)) == [[4, 3, 2, 1], [8, 7, 6, 5], [12, 11, 10, 9]])
    }

    @Test func flippingTwiceGivesTheImageBack() {
        #expect(warped(warped(ramp, fixed(flip: true)), fixed(flip: true)) == ramp)
    }

    @Test func randomFlipsGiveEitherTheImageOrItsMirrorAndBothOccur() throws {
        let images = try batch(ramp, count: 40)
        var generator = SeededGenerator(seed: 2)
        let flipped = try Augmentation(horizontalFlip: true).apply(images, using: &generator)
        let original = ramp.flatMap { $0 }, mirror: [Float] = [4, 3, 2, 1, 8, 7, 6, 5, 12, 11, 10, 9]
        var mirrors = 0
        for image in 0..<40 {
            let values = Array(flipped.scalars[image * 12..<(image + 1) * 12])
            #expect(values == original || values == mirror)
            if values == mirror { mirrors += 1 }
        }
        #expect(mirrors > 5 && mirrors < 35, "\(mirrors) of 40 mirrored")
    }

    @Test func shiftMovesAPixelPatternByThatManyPixels() {
        var dot = [[Float]](repeating: [Float](repeating: 0, count: 8), count: 8)
        dot[3][4] = 9
        dot[3][5] = 7
        let moved = warped(dot, fixed(shiftX: 2, shiftY: -1))
        var expected = [[Float]](repeating: [Float](repeating: 0, count: 8), count: 8)
        expected[2][6] = 9
        expected[2][7] = 7
        #expect(moved == expected)
    }

    @Test func shiftPadsWithZerosOrRepeatsTheEdge() {
        #expect(warped(ramp, fixed(shiftX: 1), padding: .zeros) == [[0, 1, 2, 3], [0, 5, 6, 7], [0, 9, 10, 11]])
        #expect(warped(ramp, fixed(shiftX: 1), padding: .edge) == [[1, 1, 2, 3], [5, 5, 6, 7], [9, 9, 10, 11]])
        #expect(warped(ramp, fixed(shiftY: -2), padding: .edge) == [[9, 10, 11, 12], [9, 10, 11, 12], [9, 10, 11, 12]])
    }

    @Test func randomShiftsStayWithinTheLimitAndKeepThePattern() throws {
        var dot = [[Float]](repeating: [Float](repeating: 0, count: 9), count: 9)
        dot[4][4] = 1
        var generator = SeededGenerator(seed: 3)
        let shifted = try Augmentation(maxShift: 2, padding: .zeros).apply(try batch(dot, count: 30), using: &generator)
        var offsets = Set<[Int]>()
        for image in 0..<30 {
            let values = Array(shifted.scalars[image * 81..<(image + 1) * 81])
            #expect(values.reduce(0, +) == 1)
            let at = values.firstIndex(of: 1)!
            let (dy, dx) = (at / 9 - 4, at % 9 - 4)
            #expect(abs(dx) <= 2 && abs(dy) <= 2)
            offsets.insert([dy, dx])
        }
        #expect(offsets.count > 8, "only \(offsets.count) distinct shifts in 30 images")
    }

    @Test func bilinearPathWithoutRotationOrZoomIsTheIdentity() {
        // A rotation far below a pixel's worth forces the interpolating path. It moves sample points by at most
        // sin(1e-4°)·3 pixels (coordinates within 3 of the centre), plus the coordinates' 8 roundings; values change by
        // that times a neighbour step (≤ 22), plus the 4-term weighted sum's roundings.
        let image: [[Float]] = (0..<6).map { row in (0..<7).map { Float(($0 * 37 + row * 11) % 23) } }
        let result = warped(image, fixed(degrees: 1e-4, zoom: 1))
        let shift = 3 * Foundation.sin(1e-4 * Double.pi / 180) + Tolerance.chain(operations: 8, magnitude: 3)
        let bound = 22 * shift + Tolerance.chain(operations: 6, magnitude: 22)
        for (got, want) in zip(result.joined(), image.joined()) {
            #expect(Double(abs(got - want)) <= bound)
        }
    }

    @Test func quarterTurnMovesPixelsLikeATransposeAndMirror() {
        let square: [[Float]] = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
        // Positive angles turn the picture clockwise as displayed (rows go down).
        let expected: [[Float]] = [[7, 4, 1], [8, 5, 2], [9, 6, 3]]
        // Float π/2 and the coordinates' roundings (|cos| ≈ 4e-8 instead of 0; coordinates ≤ 2) move sample points
        // by ≤ γ(8)·2; values by that times a neighbour step (≤ 3), plus the 4-term weighted sum's roundings.
        let bound = 3 * Tolerance.chain(operations: 8, magnitude: 2) + Tolerance.chain(operations: 6, magnitude: 9)
        for (got, want) in zip(warped(square, fixed(degrees: 90)).joined(), expected.joined()) {
            #expect(Double(abs(got - want)) <= bound)
        }
    }

    @Test func zoomStretchesAboutTheCentre() {
        // Zooming in by 2 halves the slope of a ramp, keeping its centre value.
        let line: [[Float]] = [[0, 1, 2, 3, 4]]
        // Exact: sample points and weights are halves of small integers.
        #expect(warped(line, fixed(zoom: 2), padding: .edge)[0] == [1, 1.5, 2, 2.5, 3])
    }

    @Test func sameSeedGivesTheSameAugmentationAndAnotherSeedADifferentOne() throws {
        var source = SeededGenerator(seed: 4)
        let images = try Tensor.randomUniform([64, 12, 12, 1], low: 0, high: 255, using: &source)
        let augmentation = Augmentation(horizontalFlip: true, maxShift: 3, maxRotationDegrees: 15, maxZoom: 0.1)
        var first = SeededGenerator(seed: 5), again = SeededGenerator(seed: 5), other = SeededGenerator(seed: 6)
        let a = try augmentation.apply(images, using: &first)
        #expect(a.scalars == (try augmentation.apply(images, using: &again)).scalars)
        #expect(a.scalars != (try augmentation.apply(images, using: &other)).scalars)
        // The caller's generator moved on: a second call draws new transforms.
        #expect(a.scalars != (try augmentation.apply(images, using: &first)).scalars)
    }

    @Test func imagesInABatchGetDifferentTransforms() throws {
        let pattern: [[Float]] = (0..<10).map { row in (0..<10).map { Float(row * 10 + $0) } }
        var generator = SeededGenerator(seed: 7)
        let augmentation = Augmentation(horizontalFlip: true, maxShift: 2, maxRotationDegrees: 10, maxZoom: 0.1)
        let out = try augmentation.apply(try batch(pattern, count: 16), using: &generator)
        #expect(out.shape == [16, 10, 10, 1])
        let distinct = Set((0..<16).map { Array(out.scalars[$0 * 100..<($0 + 1) * 100]) })
        #expect(distinct.count == 16)
    }

    @Test func everyChannelOfAnImageGetsTheSameTransform() throws {
        // Channel 1 is channel 0 times 2, before and after.
        let values = (0..<(8 * 8)).flatMap { [Float($0), Float(2 * $0)] }
        let images = try Tensor(shape: [1, 8, 8, 2], scalars: values)
        var generator = SeededGenerator(seed: 8)
        let out = try Augmentation(maxShift: 2, maxRotationDegrees: 20).apply(images, using: &generator)
        // Exact: both channels take the same weights in the same order, and doubling commutes with rounding.
        for pixel in 0..<64 {
            #expect(out.scalars[2 * pixel + 1] == 2 * out.scalars[2 * pixel])
        }
    }

    @Test func rejectsAnythingButABatchOfImagesAndBadOptions() throws {
        var generator = SeededGenerator(seed: 9)
        let flat = try Tensor.zeros([4, 48, 48])
        #expect(throws: DataError.self) { try Augmentation(horizontalFlip: true).apply(flat, using: &generator) }
        let images = try Tensor.zeros([1, 4, 4, 1])
        #expect(throws: AugmentationError.self) { try Augmentation(maxShift: -1).apply(images, using: &generator) }
        #expect(throws: AugmentationError.self) { try Augmentation(maxZoom: 1.5).apply(images, using: &generator) }
        #expect(throws: AugmentationError.self) { try Augmentation(maxRotationDegrees: 181).apply(images, using: &generator) }
        // A shift as large as the images would leave nothing of them.
        let error = #expect(throws: AugmentationError.self) { try Augmentation(maxShift: 4).apply(images, using: &generator) }
        #expect(error?.description == "augment: maxShift must be smaller than the images' 4 pixels, got 4")
        _ = try Augmentation(maxShift: 3).apply(images, using: &generator)
    }
}
