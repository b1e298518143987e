/// Running averages a batch-norm layer keeps for inference.
public struct BatchNormStatistics {
    public var mean: Tensor
    public var variance: Tensor

    public init(channels: Int) {
        mean = Tensor(repeating: 0, shape: [channels])
        variance = Tensor(repeating: 1, shape: [channels])
    }

    public init(mean: Tensor, variance: Tensor) {
        self.mean = mean
        self.variance = variance
    }
}

extension Tensor {
    /// Batch normalization over every axis but the last (the channels of NHWC
    /// images or the features of `[batch, features]`).
    ///
    /// Training: normalizes with the batch's mean and biased variance and
    /// moves `statistics` toward them: `running = momentum·running + (1-momentum)·batch`
    /// (Keras' convention). Inference: normalizes with `statistics`.
    public static func batchNorm(_ x: Tensor, gamma: Tensor, beta: Tensor,
                                 statistics: inout BatchNormStatistics, training: Bool,
                                 momentum: Float = 0.99, epsilon: Float = 1e-3) throws -> Tensor {
        guard let channels = x.shape.last, x.rank >= 2 else {
            throw TensorError.shapes("batchNorm", x.shape, detail: "needs at least [batch, channels]")
        }
        for (name, t) in [("gamma", gamma), ("beta", beta), ("running mean", statistics.mean), ("running variance", statistics.variance)]
        where t.shape != [channels] {
            throw TensorError.shapes("batchNorm", x.shape, t.shape, detail: "\(name) must have one value per channel (\(channels))")
        }
        if channels == 0 { return x }  // nothing to normalize
        let rows = x.count / channels
        if training && rows <= 1 {
            throw TensorError.shapes("batchNorm", x.shape, detail: "training needs more than one value per channel")
        }
        if Kernels.current == .fast, rows > 0,
           let library = DNNLBatchNorm.make(shape: x.shape, epsilon: epsilon, training: training) {
            return libraryBatchNorm(library, x, gamma: gamma, beta: beta, statistics: &statistics, training: training,
                                    momentum: momentum)
        }
        let mean: [Float], variance: [Float]
        if training {
            guard rows > 1 else {
                throw TensorError.shapes("batchNorm", x.shape, detail: "training needs more than one value per channel")
            }
            (mean, variance) = channelMoments(x, rows: rows, channels: channels)
            for c in 0..<channels {
                statistics.mean.scalars[c] = momentum * statistics.mean.scalars[c] + (1 - momentum) * mean[c]
                statistics.variance.scalars[c] = momentum * statistics.variance.scalars[c] + (1 - momentum) * variance[c]
            }
        } else {
            (mean, variance) = (statistics.mean.scalars, statistics.variance.scalars)
        }
        let invStd = variance.map { 1 / ($0 + epsilon).squareRoot() }
        let xHat = x.perChannel(channels) { v, c in (v - mean[c]) * invStd[c] }
        let y = xHat.perChannel(channels) { v, c in v * gamma.scalars[c] + beta.scalars[c] }

        return y.recorded("batchNorm", inputs: [x, gamma, beta]) { g, needs in
            let gSum = try g.sumRaw(axes: Array(0..<(x.rank - 1)), keepDims: false).scalars
            let gxSum = try broadcastMap(g, xHat, op: "batchNorm", *).sumRaw(axes: Array(0..<(x.rank - 1)), keepDims: false).scalars
            var dx: Tensor?
            if needs[0] {
                if training {
                    // dx = γ·σ⁻¹·(g − mean(g) − x̂·mean(g·x̂)), the batch statistics depending on x.
                    let n = Float(rows)
                    dx = g.perChannelZip(xHat, channels) { gv, xh, c in
                        gamma.scalars[c] * invStd[c] * (gv - gSum[c] / n - xh * gxSum[c] / n)
                    }
                } else {
                    dx = g.perChannel(channels) { gv, c in gv * gamma.scalars[c] * invStd[c] }
                }
            }
            return [dx,
                    needs[1] ? Tensor(unchecked: [channels], gxSum) : nil,
                    needs[2] ? Tensor(unchecked: [channels], gSum) : nil]
        }
    }

    private static func libraryBatchNorm(_ library: DNNLBatchNorm, _ x: Tensor, gamma: Tensor, beta: Tensor,
                                         statistics: inout BatchNormStatistics, training: Bool, momentum: Float) -> Tensor {
        let channels = gamma.count
        let y: [Float], mean: [Float], variance: [Float]
        if training {
            // oneDNN writes the batch's moments...
            let out = PinnedScalars.outputs([x.count, channels, channels], reading: [x.scalars, gamma.scalars, beta.scalars]) { i, o in
                library.forward(i[0], gamma: i[1], beta: i[2], mean: o[1], variance: o[2], o[0])
            }
            (y, mean, variance) = (out[0], out[1], out[2])
            for c in 0..<channels {
                statistics.mean.scalars[c] = momentum * statistics.mean.scalars[c] + (1 - momentum) * mean[c]
                statistics.variance.scalars[c] = momentum * statistics.variance.scalars[c] + (1 - momentum) * variance[c]
            }
        } else {
            // ...or reads the running ones.
            (mean, variance) = (statistics.mean.scalars, statistics.variance.scalars)
            y = PinnedScalars.outputs([x.count], reading: [x.scalars, gamma.scalars, beta.scalars, mean, variance]) { i, o in
                library.forward(i[0], gamma: i[1], beta: i[2], mean: UnsafeMutablePointer(mutating: i[3]),
                                variance: UnsafeMutablePointer(mutating: i[4]), o[0])
            }[0]
        }
        return Tensor(unchecked: x.shape, y).recorded("batchNorm", inputs: [x, gamma, beta]) { g, _ in
            let d = PinnedScalars.outputs([x.count, channels, channels],
                                 reading: [g.scalars, x.scalars, gamma.scalars, beta.scalars, mean, variance]) { i, o in
                library.backward(i[0], i[1], gamma: i[2], beta: i[3], mean: i[4], variance: i[5], dx: o[0], dGamma: o[1], dBeta: o[2])
            }
            return [Tensor(unchecked: x.shape, d[0]), Tensor(unchecked: gamma.shape, d[1]), Tensor(unchecked: beta.shape, d[2])]
        }
    }

    /// Applies `f(value, channel)` to every element of a channels-last tensor.
    func perChannel(_ channels: Int, _ f: (Float, Int) -> Float) -> Tensor {
        perChannelZip(self, channels) { v, _, c in f(v, c) }
    }

    func perChannelZip(_ other: Tensor, _ channels: Int, _ f: (Float, Float, Int) -> Float) -> Tensor {
        let rows = count / Swift.max(channels, 1)
        let values = [Float](unsafeUninitializedCapacity: count) { out, initialized in
            scalars.withUnsafeBufferPointer { pa in
                other.scalars.withUnsafeBufferPointer { pb in
                    let io = UncheckedBox((pa.baseAddress!, pb.baseAddress!, out.baseAddress!))
                    withoutActuallyEscaping(f) { f in
                        let fb = UncheckedBox(f)
                        Parallel.forEachChunk(rows, cost: channels) { range in
                            let (a, b, o) = io.value
                            for r in range { for c in 0..<channels { o[r * channels + c] = fb.value(a[r * channels + c], b[r * channels + c], c) } }
                        }
                    }
                }
            }
            initialized = count
        }
        return Tensor(unchecked: shape, values)
    }
}

/// Per-channel mean and biased variance: two passes, each core summing its
/// own rows in Double, partial sums added at the end.
private func channelMoments(_ x: Tensor, rows: Int, channels: Int) -> ([Float], [Float]) {
    let mean = channelSums(x, rows: rows, channels: channels) { v, _ in Double(v) }.map { $0 / Double(rows) }
    let squares = channelSums(x, rows: rows, channels: channels) { v, c in let d = Double(v) - mean[c]; return d * d }
    return (mean.map { Float($0) }, squares.map { Float($0 / Double(rows)) })
}

private func channelSums(_ x: Tensor, rows: Int, channels: Int, _ term: (Float, Int) -> Double) -> [Double] {
    let parts = Parallel.coreCount
    var partial = [Double](repeating: 0, count: parts * channels)
    x.scalars.withUnsafeBufferPointer { p in
        partial.withUnsafeMutableBufferPointer { acc in
            let io = UncheckedBox((p.baseAddress!, acc.baseAddress!))
            withoutActuallyEscaping(term) { term in
                let f = UncheckedBox(term)
                Parallel.forEachChunk(parts, cost: rows * channels / parts) { range in
                    let (p, acc) = io.value
                    for part in range {
                        let sums = acc + part * channels
                        for r in (rows * part / parts)..<(rows * (part + 1) / parts) {
                            for c in 0..<channels { sums[c] += f.value(p[r * channels + c], c) }
                        }
                    }
                }
            }
        }
    }
    return (0..<channels).map { c in (0..<parts).reduce(0) { $0 + partial[$1 * channels + c] } }
}
