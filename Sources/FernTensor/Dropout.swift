extension Tensor {
    /// Inverted dropout: in training, zeroes each element with probability
    /// `rate` and scales the survivors by 1/(1-rate); in inference, identity.
    public func dropout(rate: Float, training: Bool, using generator: inout SeededGenerator) throws -> Tensor {
        guard rate >= 0 && rate < 1 else { throw TensorError(op: "dropout", "rate must be in [0, 1), got \(rate)") }
        guard training && rate > 0 else { return self }
        let keep = 1 / (1 - rate)
        let mask = Tensor(unchecked: shape, (0..<count).map { _ in generator.nextUnitFloat() < rate ? 0 : keep })
        return try broadcastMap(self, mask, op: "dropout", *).recorded("dropout", inputs: [self]) { g, _ in
            [try broadcastMap(g, mask, op: "dropout", *)]
        }
    }
}
