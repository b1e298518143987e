import FernData
import Foundation
import Testing
@testable import FernNN
import FernTensor

/// Knowledge distillation: each training target takes `distillation` of a teacher's class
/// probabilities of the image.
@Suite struct DistillationTests {
    @Test func targetsBlendTheSmoothedLabelWithTheTeacher() throws {
        let labels = [0, 2, 1]
        let images = try Tensor.zeros([3, 2, 2, 1])
        let teacher = try Tensor(shape: [3, 3], scalars: [0.5, 0.25, 0.25, 0.1, 0.1, 0.8, 0.3, 0.3, 0.4])
        var generator = SeededGenerator(seed: 1)
        let (same, targets) = try SoftTargets(smoothing: 0.1, mixupAlpha: 0, cutMixAlpha: 0, distillation: 0.4)
            .apply(images, labels: labels, classes: 3, teacher: teacher, using: &generator)
        #expect(same.scalars == images.scalars)
        for (row, label) in labels.enumerated() {
            for j in 0..<3 {
                let smoothed = (j == label ? 0.9 : 0) + 0.1 / 3
                let expected = 0.6 * smoothed + 0.4 * Double(teacher.scalars[row * 3 + j])
                // Smoothing's three roundings, then (1 - d)·t + d·p's four, of values at most 1.
                #expect(Swift.abs(Double(targets.scalars[row * 3 + j]) - expected) <= 2 * Tolerance.chain(operations: 7, magnitude: 1))
            }
        }
        #expect(throws: ModelError.self) {
            try SoftTargets(smoothing: 0, mixupAlpha: 0, cutMixAlpha: 0, distillation: 0.5)
                .apply(images, labels: labels, classes: 3, using: &generator)
        }
    }

    /// A teacher that always says "the next class" teaches it: distilled entirely from it, the
    /// model learns the teacher's answers, not the labels.
    @Test func theStudentLearnsTheTeachersAnswers() throws {
        let data = try separableData(count: 90, shape: [6], classes: 3, seed: 3)
        let shifted = data.labels.map { ($0 + 1) % 3 }
        let teacher = try Tensor(shape: [90, 3], scalars: shifted.flatMap { c in (0..<3).map { $0 == c ? Float(1) : 0 } })
        var recipe = TrainingRecipe()
        (recipe.epochs, recipe.batchSize, recipe.learningRate, recipe.distillation) = (40, 15, 0.05, 1)
        let model = try Sequential([DenseLayer(units: 3, activation: .softmax)], inputShape: [6], seed: 1)
        let trainer = try recipe.makeTrainer(for: model, progress: silentProgress())
        try trainer.fit(images: data.images, labels: data.labels, teacher: teacher)
        let predicted = try model.predictClasses(data.images)
        let agreeing = zip(predicted, shifted).filter { $0 == $1 }.count
        let right = zip(predicted, data.labels).filter { $0 == $1 }.count
        // The labels are a linear function of the inputs (separableData), and so are the teacher's.
        #expect(agreeing >= 75, "agrees with the teacher on \(agreeing) of 90, with the labels on \(right)")
        #expect(right <= 15)
    }

    /// Distilling a teacher that spreads its probability evenly is label smoothing by the same share.
    @Test func aUniformTeacherIsLabelSmoothing() throws {
        let data = try separableData(count: 40, shape: [5], classes: 4, seed: 4)
        func train(smoothing: Float, distillation: Float) throws -> (History, [String: Tensor]) {
            var recipe = TrainingRecipe()
            (recipe.epochs, recipe.batchSize, recipe.learningRate) = (3, 8, 0.05)
            (recipe.labelSmoothing, recipe.distillation) = (smoothing, distillation)
            let model = try Sequential([DenseLayer(units: 4, activation: .softmax)], inputShape: [5], seed: 2)
            let trainer = try recipe.makeTrainer(for: model, progress: silentProgress())
            let teacher = distillation > 0 ? try Tensor(shape: [40, 4], scalars: [Float](repeating: 0.25, count: 160)) : nil
            return (try trainer.fit(images: data.images, labels: data.labels, teacher: teacher), model.weights)
        }
        let (smoothed, smoothedWeights) = try train(smoothing: 0.2, distillation: 0)
        let (distilled, distilledWeights) = try train(smoothing: 0, distillation: 0.2)
        // With 4 classes both targets are the same bits: s/4 and d·0.25 are exact, and the label's
        // s/4 + (1 - s) and (1 - d)·1 + d·0.25 add the same two numbers. So training is the same, exactly.
        #expect(smoothed.loss == distilled.loss && smoothed.accuracy == distilled.accuracy)
        #expect(sameWeights(smoothedWeights, distilledWeights))
        let (_, plainWeights) = try train(smoothing: 0, distillation: 0)
        #expect(!sameWeights(plainWeights, distilledWeights), "smoothing changes training")
    }

    @Test func aTeacherGoesWithDistillationAndFitsTheData() throws {
        let data = try separableData(count: 12, shape: [4], classes: 3, seed: 5)
        func fit(distillation: Float, teacher: Tensor?) throws {
            var recipe = TrainingRecipe()
            (recipe.epochs, recipe.distillation) = (1, distillation)
            let model = try Sequential([DenseLayer(units: 3, activation: .softmax)], inputShape: [4], seed: 1)
            try recipe.makeTrainer(for: model, progress: silentProgress()).fit(images: data.images, labels: data.labels, teacher: teacher)
        }
        let teacher = try Tensor(shape: [12, 3], scalars: [Float](repeating: 1 / 3, count: 36))
        #expect(throws: RecipeError(.distillation, "needs a teacher: its class probabilities of the training images")) {
            try fit(distillation: 0.5, teacher: nil)
        }
        #expect(throws: RecipeError(.distillation, "is 0, so the teacher would go unused (0.5 is usual)")) {
            try fit(distillation: 0, teacher: teacher)
        }
        expectError(containing: ["the teacher's probabilities are [12, 2]; the 12 training images of 3 classes need [12, 3]"]) {
            try fit(distillation: 0.5, teacher: try Tensor.zeros([12, 2]))
        }
        try fit(distillation: 0.5, teacher: teacher)
        var bad = TrainingRecipe()
        bad.distillation = 1.5
        #expect(throws: RecipeError(.distillation, "must be in [0, 1], got 1.5")) { try bad.validate() }
    }
}
