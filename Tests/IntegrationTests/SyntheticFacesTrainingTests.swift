import FernAnalysis
import FernData
import FernNN
import FernTensor
import Foundation
import Testing

/// The claim the synthetic faces exist for: faces shifted and rotated at
/// random favour convolution, so a small CNN learns them and a dense
/// network with the same number of parameters cannot.
@Suite(.serialized) struct SyntheticFacesTrainingTests {
    static func faces() throws -> (train: Dataset, validation: Dataset) {
        let faces = try Normalization.scaled(by: 1.0 / 255).apply(to: Dataset.syntheticFaces(count: 8000, seed: 11))
        return try faces.stratifiedSplit(validationFraction: 0.15, seed: 11)
    }

    static func smallCNN() throws -> Sequential {
        try Sequential([
            Conv2DLayer(filters: 8, kernelSize: (3, 3), padding: .same, activation: .relu, initializer: .heNormal),
            PoolingLayer(.max),
            Conv2DLayer(filters: 16, kernelSize: (3, 3), padding: .same, activation: .relu, initializer: .heNormal),
            PoolingLayer(.max),
            Conv2DLayer(filters: 32, kernelSize: (3, 3), padding: .same, activation: .relu, initializer: .heNormal),
            PoolingLayer(.max),
            FlattenLayer(),
            DenseLayer(units: 7),
            ActivationLayer(.softmax),
        ], inputShape: [48, 48, 1], seed: 3)
    }

    /// A one-hidden-layer network sized to the CNN's parameter count.
    static func sameSizeDNN(parameters: Int) throws -> Sequential {
        let hidden = max(1, (parameters - 7) / (48 * 48 + 1 + 7))
        return try Sequential([FlattenLayer(), DenseLayer(units: hidden, activation: .relu, initializer: .heNormal),
                               DenseLayer(units: 7), ActivationLayer(.softmax)], inputShape: [48, 48, 1], seed: 3)
    }

    static func train(_ model: Sequential, _ data: (train: Dataset, validation: Dataset), epochs: Int) throws -> Float {
        var options = TrainingRecipe()
        options.epochs = epochs
        options.batchSize = 32
        options.seed = 5
        let trainer = Trainer(model: model, optimizer: try Adam(learningRate: 3e-3),
                              schedule: try .cosine(3e-3, totalEpochs: epochs), recipe: options,
                              progress: ProgressReporter(style: .epochLines) { print($0, terminator: "") })
        try trainer.fit(images: data.train.images, labels: data.train.labels,
                        validation: (data.validation.images, data.validation.labels))
        return try model.evaluate(data.validation.images, labels: data.validation.labels).accuracy
    }

    @Test func smallCNNLearnsShiftedFacesAndSameSizeDNNDoesNot() throws {
        let data = try Self.faces()
        let cnn = try Self.smallCNN()
        let dnn = try Self.sameSizeDNN(parameters: cnn.trainableCount)
        let sizeRatio = Double(dnn.trainableCount) / Double(cnn.trainableCount)
        #expect(abs(sizeRatio - 1) < 0.05, "DNN has \(dnn.trainableCount) parameters, CNN \(cnn.trainableCount)")

        let cnnAccuracy = try Self.train(cnn, data, epochs: 10)
        let dnnAccuracy = try Self.train(dnn, data, epochs: 10)
        print("synthetic faces: CNN \(cnnAccuracy), DNN \(dnnAccuracy) validation accuracy (\(cnn.trainableCount) vs \(dnn.trainableCount) parameters)")
        #expect(cnnAccuracy >= 0.95)
        #expect(dnnAccuracy < cnnAccuracy - 0.2)

        let cnnMass = try Self.saliencyMassRatio(cnn, data.validation)
        let dnnMass = try Self.saliencyMassRatio(dnn, data.validation)
        let untrainedMass = try Self.saliencyMassRatio(Self.smallCNN(), data.validation)
        print("saliency mass inside the brows/eyes/mouth mask, as a multiple of the mask's area share: trained CNN \(cnnMass), DNN \(dnnMass), untrained CNN \(untrainedMass)")
        #expect(cnnMass >= 2)
        #expect(dnnMass < cnnMass && untrainedMass < cnnMass)
    }

    /// How much more of the saliency mass falls on the features than their
    /// share of the image, averaged over 100 validation faces.
    static func saliencyMassRatio(_ model: Sequential, _ validation: Dataset) throws -> Float {
        let images = try validation.images.sliced(axis: 0, start: 0, end: 100)
        let masks = try #require(validation.featureMasks).sliced(axis: 0, start: 0, end: 100)
        let maps = try Saliency.vanilla(model: model, images: images, classes: Array(validation.labels.prefix(100)))
        let mass = try Saliency.massInside(maps, masks: masks)
        let area = try Saliency.areaShare(of: masks)
        return mass.reduce(0, +) / area.reduce(0, +)
    }
}
