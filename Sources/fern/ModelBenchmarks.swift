import FernAnalysis
import FernNN
import FernTensor

/// Training, inference and saliency throughput of the reference models,
/// measured by the protocol of Benchmarks/RESULTS.md (random inputs, Adam 1e-3).
struct ModelBenchmarks {
    let time: (() throws -> Void) throws -> Double

    func training(_ name: String, model: Sequential, batch: Int) throws -> BenchResult {
        var generator = SeededGenerator(seed: 3)
        let images = try Tensor.randomNormal([batch, 48, 48, 1], using: &generator)
        let labels = (0..<batch).map { $0 % 7 }
        let trainer = Trainer(model: model, optimizer: try Adam(learningRate: 1e-3),
                              progress: ProgressReporter(style: .silent) { _ in })
        let context = ForwardContext(training: true, generator: generator)
        let seconds = try time { _ = try trainer.step(images, labels: labels, context: context) }
        return BenchResult(name: name, value: Double(batch) / seconds, unit: "images/s")
    }

    func inference(_ name: String, model: Sequential, batch: Int) throws -> BenchResult {
        var generator = SeededGenerator(seed: 4)
        let images = try Tensor.randomNormal([batch, 48, 48, 1], using: &generator)
        let seconds = try time { _ = try model.predict(images, batchSize: batch) }
        return BenchResult(name: name, value: Double(batch) / seconds, unit: "images/s")
    }

    /// The saliency maps users get (`Saliency.vanilla`): inference-mode
    /// forward, each image's top-class score before softmax, gradient with
    /// respect to the input batch only, normalized maps.
    func saliency(_ name: String, model: Sequential, batch: Int) throws -> BenchResult {
        var generator = SeededGenerator(seed: 5)
        let images = try Tensor.randomNormal([batch, 48, 48, 1], using: &generator)
        let seconds = try time { _ = try Saliency.vanilla(model: model, images: images, batchSize: batch) }
        return BenchResult(name: name, value: Double(batch) / seconds, unit: "images/s")
    }
}
