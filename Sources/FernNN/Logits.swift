import FernTensor
import Foundation

/// Classification models usually end in softmax; training and saliency want
/// the scores before it (a stable fused loss, and "class score before
/// softmax" for saliency). These run the model without that last softmax.
extension Sequential {
    /// Whether the model's output is a softmax (so `logits` differs from `forward`).
    public var endsInSoftmax: Bool {
        switch layers.last {
        case let activation as ActivationLayer: activation.activation == .softmax
        case let dense as DenseLayer: dense.activation == .softmax
        default: false
        }
    }

    /// The model's output before a final softmax (or the output itself).
    /// `from` starts at that layer with the previous layer's output as input.
    public func logits(_ input: Tensor, context: ForwardContext, from first: Int = 0) throws -> Tensor {
        guard endsInSoftmax else { return try forward(input, context: context, from: first) }
        let beforeLast = try forward(input, context: context, from: first, upTo: layers.count - 2)
        if let dense = layers.last as? DenseLayer { return try dense.preActivation(beforeLast) }
        return beforeLast
    }

    /// Logits for many examples, batched, in inference mode without gradients.
    public func predictLogits(_ images: Tensor, batchSize: Int = 256) throws -> Tensor {
        guard batchSize > 0 else { throw ModelError("batch size must be positive") }
        let count = images.shape.first ?? 0
        var outputs: [Tensor] = []
        try GradientMode.withoutGradients {
            for start in stride(from: 0, to: count, by: batchSize) {
                let batch = try images.sliced(axis: 0, start: start, end: min(start + batchSize, count))
                outputs.append(try logits(batch, context: ForwardContext(training: false)))
            }
        }
        if outputs.isEmpty { return try Tensor.zeros([0] + outputShape) }
        return outputs.count == 1 ? outputs[0] : try Tensor.concat(outputs, axis: 0)
    }

    /// The most likely class of each example, by the class probabilities averaged over the
    /// views `augmentation` takes of each image (just the image with `.none`).
    public func predictClasses(_ images: Tensor, batchSize: Int = 256,
                               augmentation: TestTimeAugmentation = .none) throws -> [Int] {
        let scores = augmentation == .none ? try predictLogits(images, batchSize: batchSize)
                                           : try averagedProbabilities(images, batchSize: batchSize, augmentation: augmentation)
        return try scores.argmax(axis: -1).withUnsafeScalars { $0.map { Int($0) } }
    }

    /// Mean cross-entropy and accuracy on labelled examples (inference mode), each image
    /// classified by the probabilities averaged over `augmentation`'s views of it.
    public func evaluate(_ images: Tensor, labels: [Int], batchSize: Int = 256, classWeights: [Float]? = nil,
                         augmentation: TestTimeAugmentation = .none) throws -> (loss: Float, accuracy: Float) {
        try evaluateWithAndWithout(images, labels: labels, batchSize: batchSize, classWeights: classWeights,
                                   augmentation: augmentation).augmented
    }

    /// `evaluate` with `augmentation` and on the images alone, from one pass over the views
    /// (the images themselves are the first): training scores both after every epoch for the
    /// price of the augmented score. The two are the same with `.none`.
    public func evaluateWithAndWithout(_ images: Tensor, labels: [Int], batchSize: Int = 256, classWeights: [Float]? = nil,
                                       augmentation: TestTimeAugmentation)
        throws -> (augmented: (loss: Float, accuracy: Float), plain: (loss: Float, accuracy: Float)) {
        guard images.shape.first == labels.count, !labels.isEmpty else {
            throw ModelError("evaluate needs one label per image (\(images.shape.first ?? 0) images, \(labels.count) labels)")
        }
        func score(_ logits: Tensor) throws -> (loss: Float, accuracy: Float) {
            (try Tensor.softmaxCrossEntropy(logits: logits, labels: labels, classWeights: classWeights).item(),
             try accuracy(logits: logits, labels: labels))
        }
        let logits = try augmentation.views(of: images).map { try predictLogits($0, batchSize: batchSize) }
        let plain = try score(logits[0])
        if augmentation == .none { return (plain, plain) }
        // Log-probabilities are logits whose softmax is those probabilities.
        let averaged = try mean(logits.map { try $0.softmax() }).map { Foundation.log(Swift.max($0, .leastNormalMagnitude)) }
        return (try score(averaged), plain)
    }

    /// The classes that each kind of test-time augmentation gives, from one pass over the ten
    /// crops' views (10 forward passes where `predictClasses` for each kind takes 13); the
    /// same classes as `predictClasses(images, augmentation:)` for each.
    public func predictClassesForEachAugmentation(_ images: Tensor, batchSize: Int = 256) throws
        -> [TestTimeAugmentation: [Int]] {
        let logits = try TestTimeAugmentation.tenCrop.views(of: images).map { try predictLogits($0, batchSize: batchSize) }
        let probabilities = try logits.map { try $0.softmax() }
        var classes: [TestTimeAugmentation: [Int]] = [:]
        for augmentation in TestTimeAugmentation.allCases {
            let scores = augmentation == .none ? logits[0]
                : try mean(augmentation.viewsAmongTenCrops.map { probabilities[$0] })
            classes[augmentation] = try scores.argmax(axis: -1).withUnsafeScalars { $0.map { Int($0) } }
        }
        return classes
    }

    /// What this model gives `Trainer.fit` as a teacher (distillation): its `[images, classes]`
    /// class probabilities of each image, averaged with its mirror image where the images are NHWC.
    public func teacherProbabilities(of images: Tensor, classes: Int) throws -> Tensor {
        let imageShape = Array(images.shape.dropFirst())
        guard inputShape == imageShape, outputShape == [classes] else {
            throw ModelError("the teacher takes \(describeShape(inputShape)) to \(describeShape(outputShape)); "
                             + "the training images need \(describeShape(imageShape)) to [\(classes)]")
        }
        return try averagedProbabilities(images, batchSize: 256, augmentation: images.rank == 4 ? .mirror : .none)
    }

    /// What `teachers` give `Trainer.fit`: one teacher's probabilities (as above), or those of
    /// several averaged as an ensemble.
    public static func teacherProbabilities(of teachers: [Sequential], images: Tensor, classes: Int) throws -> Tensor {
        let teacher = teachers.count == 1 ? teachers[0] : try EnsembleLayer.model(of: teachers)
        return try teacher.teacherProbabilities(of: images, classes: classes)
    }

    /// The class probabilities of each image averaged over `augmentation`'s views of it.
    func averagedProbabilities(_ images: Tensor, batchSize: Int, augmentation: TestTimeAugmentation) throws -> Tensor {
        try mean(augmentation.views(of: images).map { try predictLogits($0, batchSize: batchSize).softmax() })
    }

    /// The views' probabilities summed in order, then scaled: the one average both callers take.
    private func mean(_ probabilities: [Tensor]) throws -> Tensor {
        var sum = probabilities[0]
        for p in probabilities.dropFirst() { sum = try sum + p }
        return try sum * (1 / Float(probabilities.count))
    }
}

/// Share of rows whose largest logit is at the label.
func accuracy(logits: Tensor, labels: [Int]) throws -> Float {
    let predicted = try logits.argmax(axis: -1)
    let correct = predicted.withUnsafeScalars { p in zip(p, labels).filter { Int($0) == $1 }.count }
    return Float(correct) / Float(max(labels.count, 1))
}
