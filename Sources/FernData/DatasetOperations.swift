import FernTensor

/// Counting classes, weighting them, and picking or reordering images.
extension Dataset {
    /// Images per class, indexed by label (length `classNames.count`); all
    /// zeros for an unlabelled set. Labels outside the class range are not counted.
    public func classCounts() -> [Int] {
        var counts = [Int](repeating: 0, count: classNames.count)
        for label in labels where counts.indices.contains(label) {
            counts[label] += 1
        }
        return counts
    }

    /// scikit-learn's "balanced" class weights, `n_samples / (n_classes * count_c)`:
    /// rare classes weigh more, and the weights averaged over all images are 1.
    /// `n_classes` counts the classes present; a class without images gets 0
    /// (not infinity), so the weights can go straight to a weighted loss.
    public func classWeights() -> [Float] {
        Dataset.balancedClassWeights(counts: classCounts())
    }

    /// The balanced weights for classes with these image counts (see `classWeights()`).
    public static func balancedClassWeights(counts: [Int]) -> [Float] {
        let present = counts.filter { $0 > 0 }.count
        let total = counts.reduce(0, +)
        return counts.map { $0 == 0 ? 0 : Float(Double(total) / Double(present * $0)) }
    }

    /// The images at `indices` (in that order, repeats allowed) with their
    /// labels, ids and feature masks.
    public func subset(_ indices: [Int]) throws -> Dataset {
        try checkConsistent(op: "subset")
        if let bad = indices.first(where: { !(0..<count).contains($0) }) {
            throw DataError("subset: index \(bad) is out of range for a data set of \(count) images")
        }
        return Dataset(images: try images.gatherRows(indices),
                       labels: isLabelled ? indices.map { labels[$0] } : [],
                       ids: indices.map { ids[$0] },
                       classNames: classNames,
                       featureMasks: try featureMasks?.gatherRows(indices))
    }

    /// The same images in an order shuffled reproducibly from `seed`.
    public func shuffled(seed: UInt64) throws -> Dataset {
        var generator = SeededGenerator(seed: seed)
        return try subset(Array(0..<count).shuffled(using: &generator))
    }

    /// Throws when the parts of a hand-built data set disagree on the image
    /// count, which would otherwise make indexing them trap.
    func checkConsistent(op: String) throws {
        if isLabelled && labels.count != count {
            throw DataError("\(op): the data set has \(count) images but \(labels.count) labels")
        }
        if ids.count != count {
            throw DataError("\(op): the data set has \(count) images but \(ids.count) ids")
        }
        if let masks = featureMasks, masks.shape.first != count {
            throw DataError("\(op): the data set has \(count) images but feature masks of shape \(describeShape(masks.shape))")
        }
    }
}
