import FernData
import FernTensor

/// Data set built-ins: loading, counting, splitting, normalizing, picking
/// images, and writing the submission.
extension Builtins {
    static let data: [Builtin] = [
        Builtin("synthetic_faces(n, seed=0, shift=6, rotation=12, noise=6)",
                "n synthetic 48x48 expression faces with FER2013's labels and class imbalance; each face is moved by up to shift pixels along each axis, tilted by up to rotation degrees and given pixel noise of about noise (0-255 units), so shift=2 gives faces about as well centred as FER2013's.") { args, _ in
            let n = try args.int("n")
            guard (0...200_000).contains(n) else {
                throw FernError.runtime("synthetic_faces: 'n' must be between 0 and 200000, got \(n)")
            }
            let (shift, rotation, noise) = (try args.number("shift"), try args.number("rotation"), try args.number("noise"))
            for (name, value, limits) in [("shift", shift, SyntheticFaceOptions.shiftLimits),
                                          ("rotation", rotation, SyntheticFaceOptions.rotationLimits),
                                          ("noise", noise, SyntheticFaceOptions.noiseLimits)]
            where !(Double(limits.lowerBound)...Double(limits.upperBound)).contains(value) {
                throw FernError.runtime("synthetic_faces: '\(name)' must be between \(Int(limits.lowerBound)) and "
                                        + "\(Int(limits.upperBound)), got \(Value.number(value))")
            }
            let options = SyntheticFaceOptions(maxShift: Float(shift), maxRotationDegrees: Float(rotation), noiseLevel: Float(noise))
            return .dataset(try Dataset.syntheticFaces(count: n, seed: try args.seed("seed"), options: options))
        },
        Builtin("load_fer(path)", "A data set read from a FER2013-style CSV file (plain or .csv.gz).") { args, _ in
            .dataset(try Dataset.loadFER(path: try args.string("path")))
        },
        Builtin("class_counts(ds)", "How many images of each class a data set has, as a list.") { args, _ in
            guard case .dataset(let dataset) = args.value("ds") else {
                throw args.failure("ds", expected: "a dataset", got: args.value("ds"))
            }
            return .list(dataset.classCounts().map { .number(Double($0)) })
        },
        Builtin("class_weights(ds)", "Balanced class weights n / (classes * count), one per class: rare classes weigh more (0 for an absent class).") { args, _ in
            .list(try args.dataset("ds").classWeights().map { .number(Double($0)) })
        },
        Builtin("split(ds, fraction=0.1, seed=0)", "[train, validation]: a stratified split holding out fraction of each class for validation.") { args, _ in
            let dataset = try args.dataset("ds"), seed = try args.seed("seed")
            let (train, validation) = try stratifiedSplit(dataset, args, "fraction", seed: seed)
            return .list([.dataset(train), .dataset(validation)])
        },
        Builtin("normalize(data, mode=\"scale\", fit_on=none)", "Normalized images of a dataset or tensor. mode: \"scale\" (pixels / 255), \"global\" or \"per_pixel\" ((x - mean) / std with the statistics of fit_on, by default of data itself).") { args, _ in
            try normalize(args)
        },
        Builtin("subset(ds, indices)", "The images at the given indices (a list, range or tensor; repeats allowed) with their labels and ids.") { args, _ in
            let dataset = try args.dataset("ds"), indices = try args.wholeNumberList("indices")
            return .dataset(try args.reporting { try dataset.subset(indices.map { $0 < 0 ? $0 + dataset.count : $0 }) })
        },
        Builtin("take(ds, n)", "The first n images of a dataset (all of them when it has fewer).") { args, _ in
            let dataset = try args.dataset("ds"), n = try args.int("n")
            guard n >= 0 else { throw FernError.runtime("take: 'n' must not be negative, got \(n)") }
            return .dataset(try args.reporting { try dataset.subset(Array(0..<min(n, dataset.count))) })
        },
        Builtin("shuffle(ds, seed=0)", "The dataset in an order shuffled reproducibly from seed.") { args, _ in
            let dataset = try args.dataset("ds"), seed = try args.seed("seed")
            return .dataset(try args.reporting { try dataset.shuffled(seed: seed) })
        },
        Builtin("per_class(ds, n)", "The first n images of each class, class by class: examples to show per expression.") { args, _ in
            let dataset = try args.dataset("ds"), n = try args.int("n")
            guard n >= 0 else { throw FernError.runtime("per_class: 'n' must not be negative, got \(n)") }
            let indices = dataset.classNames.indices.flatMap { c in dataset.labels.indices.filter { dataset.labels[$0] == c }.prefix(n) }
            return .dataset(try args.reporting { try dataset.subset(indices) })
        },
        Builtin("write_submission(predictions, ds, path)", "Writes the submission CSV (header id,label) for the test dataset's ids; predictions is a model or a list of classes.") { args, _ in
            let dataset = try args.dataset("ds"), path = try args.string("path")
            let labels: [Int]
            if case .model(let model) = args.value("predictions") {
                labels = try args.reporting { try model.predictClasses(dataset.images) }
            } else {
                labels = try args.wholeNumberList("predictions")
            }
            try args.reporting { try writeSubmission(ids: dataset.ids, labels: labels, to: path) }
            return .none
        },
    ]

    /// A stratified split holding out the fraction given by the argument `name`.
    static func stratifiedSplit(_ dataset: Dataset, _ args: Arguments, _ name: String,
                                seed: UInt64) throws -> (train: Dataset, validation: Dataset) {
        let fraction = try args.number(name)
        guard fraction > 0 && fraction < 1 else {
            throw FernError.runtime("\(args.function): '\(name)' must be between 0 and 1 (exclusive), got \(Value.number(fraction))")
        }
        return try args.reporting { try dataset.stratifiedSplit(validationFraction: fraction, seed: seed) }
    }

    private static func normalize(_ args: Arguments) throws -> Value {
        let mode = try args.string("mode")
        let input = args.value("data")
        let dataset: Dataset
        switch input {
        case .dataset(let d): dataset = d
        case .tensor(let t) where t.rank >= 2: dataset = Dataset(images: t, labels: [])
        default: throw args.failure("data", expected: "a dataset or a tensor of images", got: input)
        }
        let reference = args.optional("fit_on") == nil ? dataset : Dataset(images: try args.images("fit_on"), labels: [])
        let normalized = try args.reporting { () -> Dataset in
            let normalization: Normalization
            switch mode {
            case "scale": normalization = try .scaled(by: 1.0 / 255)
            case "global": normalization = try .fit(reference, .global)
            case "per_pixel": normalization = try .fit(reference, .perPixel)
            default: throw FernError.runtime("normalize: unknown mode \"\(mode)\" (choose scale, global or per_pixel)")
            }
            return try normalization.apply(to: dataset)
        }
        if case .tensor = input { return .tensor(normalized.images) }
        return .dataset(normalized)
    }
}
