import FernTensor
import FernTestSupport
import Foundation
import Testing
@testable import FernData

/// Random crops of the zero-padded image, random erasing, and the fixed shifts of ten-crop
/// test-time augmentation.
@Suite struct CropAndErasingTests {
    /// `count` copies of a 9x9 image of ones with a 2 at (row 4, column 4), in two channels.
    func dots(count: Int) throws -> Tensor {
        var image = [Float](repeating: 1, count: 9 * 9 * 2)
        image[(4 * 9 + 4) * 2] = 2
        image[(4 * 9 + 4) * 2 + 1] = 2
        return try Tensor(shape: [count, 9, 9, 2], scalars: Array([[Float]](repeating: image, count: count).joined()))
    }

    /// A crop moves the whole image by up to the limit and brings in black, never edge pixels;
    /// every offset in the square occurs.
    @Test func cropsMoveTheImageOverBlackPadding() throws {
        var generator = SeededGenerator(seed: 5)
        let cropped = try Augmentation(padding: .edge, maxCrop: 2).apply(try dots(count: 200), using: &generator)
        var offsets = Set<[Int]>()
        for image in 0..<200 {
            let values = Array(cropped.scalars[image * 162..<(image + 1) * 162])
            let at = values.firstIndex(of: 2)! / 2
            let (dy, dx) = (at / 9 - 4, at % 9 - 4)
            #expect(abs(dx) <= 2 && abs(dy) <= 2)
            offsets.insert([dy, dx])
            // The pixels still inside are the ones moved; the rest are zero.
            let inside = (9 - abs(dy)) * (9 - abs(dx))
            #expect(values.filter { $0 == 0 }.count == 2 * (81 - inside))
            #expect(values.reduce(0, +) == Float(2 * inside + 2))
        }
        #expect(offsets.count == 25)
    }

    /// Erasing fills one rectangle with the image's mean, per channel, with the probability given.
    @Test func erasingFillsOneRectangleWithTheMean() throws {
        var generator = SeededGenerator(seed: 6)
        let (count, side) = (400, 20)
        // Channel 0 a ramp, channel 1 its negative: their means differ.
        let image: [Float] = (0..<(side * side)).flatMap { [Float($0), -Float($0)] }
        let images = try Tensor(shape: [count, side, side, 2], scalars: Array([[Float]](repeating: image, count: count).joined()))
        let erased = try Augmentation(erasing: 0.5).apply(images, using: &generator)
        let mean = Float(side * side - 1) / 2
        var changedImages = 0
        for index in 0..<count {
            let values = Array(erased.scalars[index * side * side * 2..<(index + 1) * side * side * 2])
            let changed = (0..<(side * side)).filter { values[2 * $0] != image[2 * $0] }
            guard !changed.isEmpty else { continue }
            changedImages += 1
            // A mean of 400 ramp values rounds by at most γ(400) of their absolute sum.
            let tolerance = Float(Tolerance.sum(terms: side * side, absoluteSum: Double(mean) * Double(side * side)) / Double(side * side)) + mean.ulp
            for pixel in changed {
                #expect(abs(values[2 * pixel] - mean) <= tolerance)
                #expect(abs(values[2 * pixel + 1] + mean) <= tolerance)
            }
            // The changed pixels form a rectangle of 2% to 40% of the area (a pixel equal to the
            // mean by chance is the only way one inside could look unchanged: the ramp has none).
            let rows = changed.map { $0 / side }, columns = changed.map { $0 % side }
            let box = (rows.max()! - rows.min()! + 1) * (columns.max()! - columns.min()! + 1)
            #expect(box == changed.count)
            #expect(Double(box) >= 0.02 * Double(side * side) - Double(2 * side) && Double(box) <= 0.4 * Double(side * side) + Double(2 * side))
        }
        #expect(changedImages > 160 && changedImages < 240, "\(changedImages) of 400 erased at probability 0.5")
        #expect(try Augmentation(erasing: 0).apply(images, using: &generator).scalars == images.scalars)
    }

    @Test func shiftedMovesEveryImageTheSameWayOverBlack() throws {
        let shifted = try Augmentation.shifted(try dots(count: 3), x: 2, y: -1, padding: .zeros)
        for image in 0..<3 {
            let values = Array(shifted.scalars[image * 162..<(image + 1) * 162])
            #expect(values.firstIndex(of: 2)! / 2 == 3 * 9 + 6)
            #expect(values.filter { $0 == 0 }.count == 2 * (81 - 8 * 7))
        }
        #expect(throws: DataError.self) { try Augmentation.shifted(Tensor.zeros([2, 3]), x: 1, y: 1, padding: .edge) }
    }

    /// With edge padding each pixel is the source pixel `x` left and `y` up of it, clamped into
    /// the image: the rows and columns that come in repeat the nearest edge.
    @Test func shiftedWithEdgePaddingRepeatsTheNearestEdge() throws {
        let (side, channels) = (9, 2)
        let ramp = (0..<(2 * side * side * channels)).map { Float($0) }
        let images = try Tensor(shape: [2, side, side, channels], scalars: ramp)
        for (x, y) in [(2, -1), (-3, 3), (0, 0)] {
            let shifted = try Augmentation.shifted(images, x: x, y: y, padding: .edge)
            func clamped(_ i: Int) -> Int { min(max(i, 0), side - 1) }
            var expected = [Float]()
            for image in 0..<2 { for row in 0..<side { for column in 0..<side { for channel in 0..<channels {
                expected.append(ramp[((image * side + clamped(row - y)) * side + clamped(column - x)) * channels + channel])
            } } } }
            #expect(shifted.scalars == expected, "shift \(x), \(y)")
        }
    }

    @Test func cropAndErasingSettingsAreChecked() throws {
        let images = try dots(count: 1)
        var generator = SeededGenerator(seed: 1)
        let tooFar = #expect(throws: AugmentationError.self) { try Augmentation(maxCrop: 9).apply(images, using: &generator) }
        #expect(tooFar?.description == "augment: maxCrop must be smaller than the images' 9 pixels, got 9")
        let negative = #expect(throws: AugmentationError.self) { try Augmentation(maxCrop: -1).checkSettings() }
        #expect(negative?.setting == .crop)
        let probability = #expect(throws: AugmentationError.self) { try Augmentation(erasing: 2).checkSettings() }
        #expect(probability?.description == "augment: erasing must be a probability in [0, 1], got 2.0")
        #expect(!Augmentation(maxCrop: 1).isIdentity && !Augmentation(erasing: 0.1).isIdentity)
    }

    /// A stored augmentation from before crops and erasing decodes with both off.
    @Test func olderStoredSettingsDecodeWithTheNewOnesOff() throws {
        let json = #"{"horizontalFlip":true,"maxShift":3,"maxRotationDegrees":10,"maxZoom":0.1,"padding":"edge"}"#
        let decoded = try JSONDecoder().decode(Augmentation.self, from: Data(json.utf8))
        #expect(decoded == Augmentation(horizontalFlip: true, maxShift: 3, maxRotationDegrees: 10, maxZoom: 0.1))
    }
}
