import FernTensor
import Testing
@testable import FernData

/// The built-in synthetic expression faces: deterministic, FER2013-shaped,
/// imbalanced like FER2013, with masks on the features and labels that the
/// drawn geometry really carries.
@Suite struct SyntheticFacesTests {
    /// Faces centred, upright and of one size: only the expression and the
    /// tones vary, so pixel-wise statistics can see the geometry.
    static let centred = SyntheticFaceOptions(maxShift: 0, maxRotationDegrees: 0, scaleRange: 1...1)
    static let side = 48
    static let pixels = 48 * 48

    @Test func sameSeedGivesIdenticalFacesAndAnotherSeedDifferentOnes() throws {
        let first = try Dataset.syntheticFaces(count: 40, seed: 11)
        let again = try Dataset.syntheticFaces(count: 40, seed: 11)
        let other = try Dataset.syntheticFaces(count: 40, seed: 12)
        #expect(first.images.scalars == again.images.scalars)
        #expect(first.featureMasks?.scalars == again.featureMasks?.scalars)
        #expect(first.labels == again.labels)
        #expect(first.images.scalars != other.images.scalars)
        #expect(first.labels != other.labels)
    }

    @Test func facesDoNotDependOnHowManyAreGenerated() throws {
        let few = try Dataset.syntheticFaces(count: 5, seed: 3)
        let many = try Dataset.syntheticFaces(count: 200, seed: 3)
        #expect(Array(many.images.scalars.prefix(5 * Self.pixels)) == few.images.scalars)
        #expect(Array(many.labels.prefix(5)) == few.labels)
    }

    @Test func facesAreFER2013ShapedWholePixelValues() throws {
        let faces = try Dataset.syntheticFaces(count: 30, seed: 1)
        #expect(faces.images.shape == [30, 48, 48, 1])
        #expect(faces.featureMasks?.shape == [30, 48, 48, 1])
        #expect(faces.count == 30)
        #expect(faces.ids == Array(0..<30))
        #expect(faces.classNames == ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"])
        #expect(faces.labels.allSatisfy { (0..<7).contains($0) })
        #expect(faces.images.scalars.allSatisfy { $0 >= 0 && $0 <= 255 && $0 == $0.rounded() })
        #expect(faces.featureMasks!.scalars.allSatisfy { $0 == 0 || $0 == 1 })
        // Not a flat or saturated image: the tones use a good part of the range.
        let low = faces.images.scalars.min()!, high = faces.images.scalars.max()!
        #expect(low < 60 && high > 180, "pixel range \(low)...\(high)")
    }

    @Test func zeroFacesIsAnEmptySetAndNegativeCountsAreRejected() throws {
        let empty = try Dataset.syntheticFaces(count: 0, seed: 1)
        #expect(empty.images.shape == [0, 48, 48, 1])
        #expect(empty.labels.isEmpty)
        #expect(throws: DataError.self) { try Dataset.syntheticFaces(count: -1, seed: 1) }
        #expect(throws: DataError.self) {
            try Dataset.syntheticFaces(count: 1, seed: 1, options: SyntheticFaceOptions(maxShift: -2))
        }
    }

    @Test func classFrequenciesFollowFER2013AndDisgustIsRare() throws {
        let faces = try Dataset.syntheticFaces(count: 6000, seed: 5)
        // FER2013 training counts, angry ... neutral (28,709 images).
        let fer: [Double] = [3995, 436, 4097, 7215, 4830, 3171, 4965]
        let total = fer.reduce(0, +)
        var counts = [Int](repeating: 0, count: 7)
        for label in faces.labels { counts[label] += 1 }
        for (label, count) in counts.enumerated() {
            let share = Double(count) / 6000, expected = fer[label] / total
            // The standard deviation of a share is at most 0.0065 here.
            #expect(abs(share - expected) < 0.025, "\(Dataset.ferClassNames[label]): \(share), FER2013 \(expected)")
        }
        #expect(counts[1] == counts.min() && counts[1] < 200, "disgust: \(counts[1]) of 6000")
        #expect(counts[3] == counts.max(), "happy: \(counts[3]) of 6000")
    }

    @Test func everyFaceHasAMaskCoveringAPlausibleShareOfTheImage() throws {
        let faces = try Dataset.syntheticFaces(count: 500, seed: 8)
        let masks = faces.featureMasks!.scalars
        var shares: [Double] = []
        for image in 0..<faces.count {
            let marked = masks[image * Self.pixels..<(image + 1) * Self.pixels].reduce(0, +)
            shares.append(Double(marked) / Double(Self.pixels))
        }
        let mean = shares.reduce(0, +) / Double(shares.count)
        #expect(shares.allSatisfy { $0 > 0.02 && $0 < 0.25 }, "mask shares \(shares.min()!)...\(shares.max()!)")
        #expect(mean > 0.05 && mean < 0.15, "mean mask share \(mean)")
    }

    @Test func masksLieOnDarkFeaturesInsideTheFaceOval() throws {
        let faces = try Dataset.syntheticFaces(count: 300, seed: 9, options: Self.centred)
        let images = faces.images.scalars, masks = faces.featureMasks!.scalars
        var onMask = (sum: 0.0, count: 0), offMask = (sum: 0.0, count: 0)
        for image in 0..<faces.count {
            for row in 0..<Self.side {
                for column in 0..<Self.side {
                    let index = image * Self.pixels + row * Self.side + column
                    // Pixel centre relative to the image centre, in units of a
                    // scale-1 face's half sizes (15 across, 19 down) grown by
                    // the mask's one-pixel margin.
                    let u = (Double(column) + 0.5 - 24) / 16, v = (Double(row) + 0.5 - 24) / 20
                    if masks[index] == 1 {
                        #expect(u * u + v * v < 1, "face \(image): mask at row \(row), column \(column)")
                    }
                    // Well inside the face, below any hair: features against skin.
                    if abs(u) < 0.7 && v > -0.55 && v < 0.7 {
                        if masks[index] == 1 { onMask.sum += Double(images[index]); onMask.count += 1 }
                        else { offMask.sum += Double(images[index]); offMask.count += 1 }
                    }
                }
            }
        }
        let darkOnMask = onMask.sum / Double(onMask.count), skin = offMask.sum / Double(offMask.count)
        #expect(darkOnMask < skin - 20, "mean under masks \(darkOnMask), elsewhere on the face \(skin)")
    }

    @Test func facesMoveWithTheShiftOption() throws {
        func maskCentreColumns(_ faces: Dataset) -> [Double] {
            let masks = faces.featureMasks!.scalars
            return (0..<faces.count).map { image in
                var sum = 0.0, count = 0.0
                for index in 0..<Self.pixels where masks[image * Self.pixels + index] == 1 {
                    sum += Double(index % Self.side) + 0.5
                    count += 1
                }
                return sum / count
            }
        }
        let centred = maskCentreColumns(try Dataset.syntheticFaces(count: 200, seed: 4, options: Self.centred))
        let shifted = maskCentreColumns(try Dataset.syntheticFaces(count: 200, seed: 4))
        #expect(centred.allSatisfy { abs($0 - 24) < 1.5 }, "centred faces' features span \(centred.min()!)...\(centred.max()!)")
        // Uniform shifts in ±6 px: standard deviation about 3.5 px.
        let mean = shifted.reduce(0, +) / Double(shifted.count)
        let spread = (shifted.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(shifted.count)).squareRoot()
        #expect(spread > 2.5 && spread < 5, "spread of feature centres \(spread) px")
    }

    @Test func happyAndSadFacesDifferMostAroundTheMouth() throws {
        let faces = try Dataset.syntheticFaces(count: 2000, seed: 21, options: Self.centred)
        let happy = 3, sad = 4
        let masks = faces.featureMasks!.scalars
        var happyMean = [Double](repeating: 0, count: Self.pixels), sadMean = happyMean
        var union = [Bool](repeating: false, count: Self.pixels)
        var counts = (happy: 0.0, sad: 0.0)
        for (image, label) in faces.labels.enumerated() where label == happy || label == sad {
            let values = standardized(faces, image)
            for index in 0..<Self.pixels {
                if label == happy { happyMean[index] += values[index] } else { sadMean[index] += values[index] }
                if masks[image * Self.pixels + index] == 1 { union[index] = true }
            }
            if label == happy { counts.happy += 1 } else { counts.sad += 1 }
        }
        let difference = (0..<Self.pixels).map { abs(happyMean[$0] / counts.happy - sadMean[$0] / counts.sad) }
        func meanDifference(_ keep: (Int) -> Bool) -> Double {
            let chosen = (0..<Self.pixels).filter(keep).map { difference[$0] }
            return chosen.reduce(0, +) / Double(chosen.count)
        }
        let inside = meanDifference { union[$0] }, outside = meanDifference { !union[$0] }
        #expect(inside > 3 * outside, "mean |happy − sad| (standardized) inside the masks \(inside), outside \(outside)")
        // The mouth sits in the lower part of the face: rows 28-43 of a centred face.
        let mouth = meanDifference { union[$0] && $0 / Self.side >= 28 }
        let browsAndEyes = meanDifference { union[$0] && $0 / Self.side < 28 }
        #expect(mouth > browsAndEyes, "around the mouth \(mouth), around brows and eyes \(browsAndEyes)")
        let largest = difference.indices.max { difference[$0] < difference[$1] }!
        #expect((28..<44).contains(largest / Self.side), "largest difference at row \(largest / Self.side)")
    }

    @Test func nearestClassMeanReadsCentredFacesButNotShiftedOnes() throws {
        func nearestClassMeanAccuracy(_ faces: Dataset, training: Int) -> Double {
            let images = (0..<faces.count).map { standardized(faces, $0) }
            var means = [[Double]](repeating: [Double](repeating: 0, count: Self.pixels), count: 7)
            var counts = [Double](repeating: 0, count: 7)
            for image in 0..<training {
                let label = faces.labels[image]
                for index in 0..<Self.pixels { means[label][index] += images[image][index] }
                counts[label] += 1
            }
            for label in 0..<7 where counts[label] > 0 {
                means[label] = means[label].map { $0 / counts[label] }
            }
            var correct = 0
            for image in training..<faces.count {
                let distances = means.map { mean in zip(mean, images[image]).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } }
                if distances.indices.min(by: { distances[$0] < distances[$1] }) == faces.labels[image] { correct += 1 }
            }
            return Double(correct) / Double(faces.count - training)
        }
        let centred = nearestClassMeanAccuracy(try Dataset.syntheticFaces(count: 2000, seed: 31, options: Self.centred),
                                               training: 1600)
        let shifted = nearestClassMeanAccuracy(try Dataset.syntheticFaces(count: 2000, seed: 31), training: 1600)
        // Chance is 1/7; always answering "happy" scores about 0.25.
        #expect(centred > 0.6, "accuracy on centred faces \(centred)")
        #expect(shifted < 0.4, "accuracy on shifted faces \(shifted)")
    }

    /// One image's pixels with mean 0 and standard deviation 1, so that
    /// brightness and contrast do not count.
    func standardized(_ faces: Dataset, _ image: Int) -> [Double] {
        let values = faces.images.scalars[image * Self.pixels..<(image + 1) * Self.pixels].map(Double.init)
        let mean = values.reduce(0, +) / Double(values.count)
        let std = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)).squareRoot()
        return values.map { ($0 - mean) / std }
    }
}
