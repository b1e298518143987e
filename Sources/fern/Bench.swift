import ArgumentParser
import FernData
import FernNN
import FernTensor
import Foundation

/// `fern bench`: the figures named in Benchmarks/RESULTS.md, one JSON object per line.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure Fern's kernels and models; prints one JSON object per line.")

    @Option(help: "Only run benchmarks whose name contains this text.")
    var filter: String?

    @Flag(help: "Shorter runs (1 repeat, 0.5 s): a quick look, not a figure to quote.")
    var quick = false

    func run() throws {
        if let warning = BLASKernel.slowKernelWarning() { FileHandle.standardError.write(Data((warning + "\n").utf8)) }
        printKernelPath()
        var generator = SeededGenerator(seed: 42)
        if wants("sgemm_2048_gflops") { try sgemm(&generator).printLine() }
        // Single layers at batch 64 (name, input side, channels in → out, kernel, "same"): SEED_CNN's
        // three 5x5 layers; the residual network's 3x3 layers, where Winograd's 8x8 tiles pay and
        // where oneDNN's direct kernels do; the VGG variant's last two (6 pixels, 512 filters).
        let seedLayers = [(48, 1, 64), (24, 64, 128), (12, 128, 256)].enumerated().map {
            ("conv\($0.offset + 1)_fwdbwd_b64_gflops", $0.element.0, $0.element.1, $0.element.2, 5)
        }
        let residualShapes = [(48, 32, 64), (24, 64, 64), (12, 64, 128), (12, 128, 128),
                              (6, 128, 256), (6, 256, 256), (3, 256, 512), (3, 512, 512)]
        let vggShapes = [(6, 256, 512), (6, 512, 512)]
        let layers3x3 = (residualShapes + vggShapes).map {
            ("conv3x3_\($0.0)px_\($0.1)to\($0.2)_fwdbwd_b64_gflops", $0.0, $0.1, $0.2, 3)
        }
        for (name, side, inChannels, outChannels, kernel) in seedLayers + layers3x3 where wants(name) {
            try convolution(name, batch: 64, side: side, inChannels: inChannels, outChannels: outChannels,
                            kernel: kernel, &generator).printLine()
        }
        if wants("csv_load_train_s") { try DataBenchmarks.csvLoad(time: time).printLine() }
        let models = ModelBenchmarks(time: time)
        for batch in [64, 128] where wants("seed_cnn_train_b\(batch)_img_s") {
            try models.training("seed_cnn_train_b\(batch)_img_s", model: Sequential.seedCNN(), batch: batch).printLine()
        }
        if wants("seed_cnn_infer_b256_img_s") {
            try models.inference("seed_cnn_infer_b256_img_s", model: Sequential.seedCNN(), batch: 256).printLine()
        }
        if wants("seed_cnn_saliency_b32_img_s") {
            try models.saliency("seed_cnn_saliency_b32_img_s", model: Sequential.seedCNN(), batch: 32).printLine()
        }
        if wants("seed_dnn_train_b64_img_s") {
            try models.training("seed_dnn_train_b64_img_s", model: Sequential.seedDNN(), batch: 64).printLine()
        }
        if wants("seed_dnn_infer_b256_img_s") {
            try models.inference("seed_dnn_infer_b256_img_s", model: Sequential.seedDNN(), batch: 256).printLine()
        }
        // The other ready-made models (3x3 convolutions), as `fern train --model NAME` runs them.
        for model in [ReferenceModel.tunedCNN, .resnet, .vgg] {
            let name = model.rawValue.replacingOccurrences(of: "-", with: "_") + "_train_b64_img_s"
            if wants(name) { try models.training(name, model: model.make(classes: 7, seed: 0), batch: 64).printLine() }
        }
        // The FER2013 runs' network at twice the batch: what a larger batch would buy an epoch.
        if wants("vgg_train_b128_img_s") {
            try models.training("vgg_train_b128_img_s", model: ReferenceModel.vgg.make(classes: 7, seed: 0), batch: 128).printLine()
        }
    }

    /// One line saying which kernels produce the figures that follow, e.g.
    /// `{"name": "kernel_path", "cpu_isa": "avx512", "isa": "avx2", "conv_5x5_3x3": "winograd-avx2", ...}`.
    private func printKernelPath() {
        let fields = [("name", "kernel_path"), ("cpu", Machine.cpuName)] + KernelPath.summary.map { ($0.key, $0.value) }
        print("{" + fields.map { "\"\($0.0)\": \"\($0.1)\"" }.joined(separator: ", ") + "}")
        fflush(nil)
    }

    private func wants(_ name: String) -> Bool {
        filter.map { name.contains($0) } ?? true
    }

    private func time(_ step: () throws -> Void) rethrows -> Double {
        try BenchTimer.secondsPerStep(repeats: quick ? 1 : 3, minSeconds: quick ? 0.5 : 2, step)
    }

    private func sgemm(_ generator: inout SeededGenerator) throws -> BenchResult {
        let n = 2048
        let a = try Tensor.randomNormal([n, n], using: &generator)
        let b = try Tensor.randomNormal([n, n], using: &generator)
        let seconds = try time { _ = try Tensor.matmul(a, b) }
        return BenchResult(name: "sgemm_2048_gflops", value: 2 * Double(n * n * n) / seconds / 1e9, unit: "GFLOP/s")
    }

    /// Forward plus input and filter gradients, counted as 3x the forward FLOPs.
    private func convolution(_ name: String, batch: Int, side: Int, inChannels: Int, outChannels: Int,
                             kernel: Int, _ generator: inout SeededGenerator) throws -> BenchResult {
        let x = try Tensor.randomNormal([batch, side, side, inChannels], using: &generator).requiringGrad()
        let w = try Tensor.randomNormal([kernel, kernel, inChannels, outChannels], std: 0.05, using: &generator).requiringGrad()
        let seed = try Tensor.randomNormal([batch, side, side, outChannels], using: &generator)
        let seconds = try time {
            let y = try Tensor.conv2d(x, w, padding: .same)
            _ = try gradients(of: y, seed: seed, wrt: [x, w])
        }
        let forwardFlops = 2.0 * Double(batch * side * side * outChannels * kernel * kernel * inChannels)
        return BenchResult(name: name, value: 3 * forwardFlops / seconds / 1e9, unit: "GFLOP/s")
    }
}
