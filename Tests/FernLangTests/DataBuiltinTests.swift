import FernTestSupport
import Testing
@testable import FernLang

@Suite struct DataBuiltinTests {
    @Test func syntheticFacesExposeImagesLabelsAndCounts() throws {
        let source = "ds = synthetic_faces(20, seed=1)\n[ds.count, ds.images.shape, len(ds.labels), len(ds.class_names), sum(class_counts(ds))]"
        #expect(try evaluate(source) == "[20, [20, 48, 48, 1], 20, 7, 20]")
    }

    /// `shift` bounds how far each face sits from the centre: the brows, eyes and mouth, which are
    /// symmetric about the face's vertical axis, centre on the image's within the shift (plus a
    /// pixel or two that a tilt moves them).
    @Test func syntheticFacesTakeTheirShiftRotationAndNoise() throws {
        let session = try Session()
        func horizontalOffsets(_ options: String) throws -> [Float] {
            let masks = try session.tensor("synthetic_faces(200, seed=3\(options)).masks")
            let side = 48
            return (0..<masks.shape[0]).map { i in
                let mask = masks.scalars[i * side * side..<(i + 1) * side * side]
                let mass = mask.reduce(0, +)
                let moment = mask.enumerated().reduce(Float(0)) { $0 + $1.element * Float($1.offset % side) }
                return abs(moment / mass - Float(side - 1) / 2)
            }
        }
        let centred = try horizontalOffsets(", shift=0, rotation=0")
        let moved = try horizontalOffsets(", shift=6")
        #expect(centred.max()! < 1.5, "\(centred.max()!)")
        #expect(moved.max()! > 4 && moved.max()! < 6 + 3, "\(moved.max()!)")
        let quiet = try session.tensor("synthetic_faces(4, seed=3, noise=0).images")
        #expect(quiet.scalars != (try session.tensor("synthetic_faces(4, seed=3).images").scalars))
        #expect(session.error("synthetic_faces(4, shift=13)").contains("synthetic_faces: 'shift' must be between 0 and 12, got 13"))
        #expect(session.error("synthetic_faces(4, rotation=-1)").contains("'rotation' must be between 0 and 180, got -1"))
        #expect(session.error("synthetic_faces(4, noise=300)").contains("'noise' must be between 0 and 255, got 300"))
    }

    @Test func unknownMembersSuggestTheCloseOne() {
        #expect(errorText("ds = synthetic_faces(2)\nds.imags").contains("did you mean 'images'?"))
    }
}

@Suite struct DataHandlingBuiltinTests {
    @Test func splitHoldsOutAStratifiedFraction() throws {
        let session = try Session()
        try session.run("ds = synthetic_faces(400, seed=1)\ntrain, val = split(ds, 0.2, seed=3)")
        #expect(try session.number("len(train) + len(val)") == 400)
        let all = try session.numbers("class_counts(ds)"), held = try session.numbers("class_counts(val)")
        for (whole, part) in zip(all, held) where whole >= 5 {
            #expect(abs(part - 0.2 * whole) <= 1, "class counts \(all), held out \(held)")
        }
        #expect(try session.run("class_counts(split(ds, 0.2, seed=3)[1]) == class_counts(val)") == "true")
        #expect(session.error("split(ds, 1.5)").contains("split: 'fraction' must be between 0 and 1 (exclusive), got 1.5"))
    }

    @Test func normalizeScalesOrStandardizesWithTheTrainingStatistics() throws {
        let session = try Session()
        try session.run("ds = synthetic_faces(50, seed=1)\ntrain, val = split(ds, 0.2)")
        // "scale" divides by 1 / (1/255) in Float: three roundings.
        let largest = try session.number("item(max(normalize(ds).images))")
        #expect(largest <= 1 + Tolerance.chain(operations: 3, magnitude: 1))
        let expectedLargest = try session.number("item(max(ds.images))") / 255
        #expect(abs(largest - expectedLargest) <= Tolerance.chain(operations: 3, magnitude: expectedLargest))
        let standardized = try session.tensor("normalize(train, mode=\"global\").images").scalars.map(Double.init)
        let mean = standardized.reduce(0, +) / Double(standardized.count)
        let variance = standardized.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(standardized.count)
        // Not a rounding bound: a loose check that the set was standardized (NormalizationTests bounds the rounding).
        #expect(abs(mean) < 1e-3 && abs(variance - 1) < 1e-2)
        // Validation uses the training set's per-pixel statistics: the same pixel maps the same way.
        let fromTrain = try session.tensor("normalize(val.images[0:1], mode=\"per_pixel\", fit_on=train)")
        let manual = try session.tensor("(val.images[0:1] - mean(train.images, axis=0)) / sqrt(mean((train.images - mean(train.images, axis=0)) ** 2, axis=0))")
        // Both are (x − μ)/σ per pixel: normalize's statistics in Double, rounded to Float; these ops' in Float: a mean of
        // the images, within Tolerance.sum of mean|x| (the same error moves the deviations), and a mean of squared
        // deviations, within γ(count + 4) relatively (σ within half that); then a subtraction and a division each.
        let train = try session.tensor("train.images"), count = train.shape[0], positions = train.count / count
        let bounds = (0..<positions).map { p -> Double in
            let column = (0..<count).map { Double(train.scalars[$0 * positions + p]) }
            let mean = column.reduce(0, +) / Double(count)
            let std = (column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(count)).squareRoot()
            let meanError = Tolerance.sum(terms: count, absoluteSum: column.map(abs).reduce(0, +) / Double(count), extraOperations: 2)
            let z = abs(Double(fromTrain.scalars[p]))
            return 2 * meanError / std + z * Tolerance.gamma(count + 6) + 2 * Tolerance.chain(operations: 2, magnitude: z)
        }
        #expect(zip(zip(fromTrain.scalars, manual.scalars), bounds).allSatisfy { abs(Double($0.0) - Double($0.1)) <= $1 })
        #expect(session.error("normalize(ds, mode=\"minmax\")").contains("normalize: unknown mode \"minmax\""))
    }

    @Test func classWeightsAreBalanced() throws {
        let session = try Session()
        try session.run("ds = synthetic_faces(300, seed=1)")
        let counts = try session.numbers("class_counts(ds)"), weights = try session.numbers("class_weights(ds)")
        let present = Double(counts.filter { $0 > 0 }.count)
        for (count, weight) in zip(counts, weights) where count > 0 {
            #expect(abs(weight - 300 / (present * count)) <= Tolerance.ulps(0.5, of: weight))  // the quotient rounded to Float
        }
    }

    @Test func subsetTakeShuffleAndPerClassPickImages() throws {
        let session = try Session()
        try session.run("ds = synthetic_faces(60, seed=1)")
        #expect(try session.run("subset(ds, [3, 0, -1]).labels == [ds.labels[3], ds.labels[0], ds.labels[59]]") == "true")
        #expect(try session.run("len(take(ds, 10))") == "10")
        #expect(try session.run("len(take(ds, 1000))") == "60")
        #expect(try session.run("sum(class_counts(shuffle(ds, seed=2))) == 60 and shuffle(ds, seed=2).labels != ds.labels") == "true")
        let perClass = try session.numbers("per_class(ds, 2).labels"), counts = try session.numbers("class_counts(ds)")
        #expect(perClass == perClass.sorted())
        #expect(counts.indices.map { c in perClass.filter { $0 == Double(c) }.count } == counts.map { min(Int($0), 2) })
        #expect(session.error("subset(ds, [60])").contains("subset: index 60 is out of range"))
        #expect(session.error("take(ds, -1)").contains("take: 'n' must not be negative"))
    }
}
