import FernTensor

/// A model's parameters by name: what weight files hold.
extension Sequential {
    public var weights: [String: Tensor] {
        Dictionary(uniqueKeysWithValues: parameters.map { ($0.name, $0.value.detached()) })
    }

    /// Replaces every parameter's value; names and shapes must match exactly.
    public func loadWeights(_ weights: [String: Tensor]) throws {
        let expected = Set(parameters.map(\.name))
        let missing = expected.subtracting(weights.keys), extra = Set(weights.keys).subtracting(expected)
        guard missing.isEmpty && extra.isEmpty else {
            throw ModelError("the weights do not fit this model: missing \(missing.sorted()), unexpected \(extra.sorted())")
        }
        for p in parameters where weights[p.name]!.shape != p.value.shape {
            throw ModelError("\(p.name) has shape \(describeShape(weights[p.name]!.shape)) in the weights but \(describeShape(p.value.shape)) in the model")
        }
        for p in parameters { p.value = weights[p.name]! }
    }
}
