import FernData

/// Data set built-ins.
extension Builtins {
    static let data: [Builtin] = [
        Builtin("synthetic_faces(n, seed=0)", "n synthetic 48x48 expression faces with FER2013's labels and class imbalance.") { args, _ in
            let n = try args.int("n")
            guard (0...200_000).contains(n) else {
                throw FernError.runtime("synthetic_faces: 'n' must be between 0 and 200000, got \(n)")
            }
            return .dataset(try Dataset.syntheticFaces(count: n, seed: try args.seed("seed")))
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
    ]
}
