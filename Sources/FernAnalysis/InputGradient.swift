import FernNN
import FernTensor

/// The gradients the analysis functions need, all by reverse-mode autodiff
/// through the model in inference mode (batch norm uses its running
/// statistics, dropout is off).
enum InputGradient {
    /// d(sum over i of logits[i, classes[i]]) / d(images): each image's
    /// gradient of its own class score before softmax. `classes` nil means
    /// each image's predicted class. Returns the gradient and the classes used.
    static func ofClassScores(_ model: Sequential, _ images: Tensor, classes: [Int]?) throws -> (Tensor, [Int]) {
        let input = images.detached().requiringGrad()
        let logits = try model.logits(input, context: ForwardContext(training: false))
        let chosen = try classes ?? logits.argmax(axis: -1).scalars.map { Int($0) }
        let score = try (logits * oneHot(chosen, classes: logits.shape.last ?? 0)).sum()
        return (try gradients(of: score, wrt: [input])[0], chosen)
    }

    /// Rows of one-hot vectors, [count, classes]; a class out of range is an error.
    static func oneHot(_ indices: [Int], classes: Int) throws -> Tensor {
        var scalars = [Float](repeating: 0, count: indices.count * classes)
        for (row, index) in indices.enumerated() {
            guard (0..<classes).contains(index) else {
                throw AnalysisError("class \(index) is outside the model's \(classes) classes")
            }
            scalars[row * classes + index] = 1
        }
        return try Tensor(shape: [indices.count, classes], scalars: scalars)
    }
}

/// Splits `count` items into consecutive batches and concatenates the results.
func batched(_ count: Int, batchSize: Int, _ body: (Range<Int>) throws -> Tensor) throws -> Tensor {
    guard batchSize > 0 else { throw AnalysisError("batch size must be positive, got \(batchSize)") }
    var parts: [Tensor] = []
    for start in stride(from: 0, to: count, by: batchSize) { parts.append(try body(start..<min(start + batchSize, count))) }
    guard parts.count != 1 else { return parts[0] }
    return try Tensor.concat(parts, axis: 0)
}
