import FernTensor

extension Dataset {
    /// Splits into training and validation sets with the same class
    /// proportions: each class is shuffled (reproducibly from `seed`) and
    /// `round(validationFraction * count)` of its images go to validation,
    /// at least one and never all of them when the class has two or more
    /// (a class with a single image stays in training). Both parts keep the
    /// source order.
    public func stratifiedSplit(validationFraction: Double, seed: UInt64) throws -> (train: Dataset, validation: Dataset) {
        guard validationFraction > 0 && validationFraction < 1 else {
            throw DataError("stratifiedSplit: the validation fraction must be between 0 and 1 (got \(validationFraction))")
        }
        guard isLabelled else { throw DataError("stratifiedSplit needs a labelled data set") }
        try checkConsistent(op: "stratifiedSplit")
        var members = [[Int]](repeating: [], count: classNames.count)
        for (index, label) in labels.enumerated() {
            guard members.indices.contains(label) else {
                throw DataError("stratifiedSplit: image \(index) has label \(label), outside 0-\(classNames.count - 1)")
            }
            members[label].append(index)
        }
        var generator = SeededGenerator(seed: seed)
        var train: [Int] = [], validation: [Int] = []
        for var indices in members {
            indices.shuffle(using: &generator)
            let taken = indices.count < 2 ? 0
                : min(max(1, Int((validationFraction * Double(indices.count)).rounded())), indices.count - 1)
            validation += indices[..<taken]
            train += indices[taken...]
        }
        return (try subset(train.sorted()), try subset(validation.sorted()))
    }
}
