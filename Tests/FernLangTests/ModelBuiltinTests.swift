import FernTensor
import FernTestSupport
import Foundation
import Testing
@testable import FernLang

@Suite struct ModelBuiltinTests {
    /// The brief's example model: conv, pool, batch norm, dropout, dense, softmax.
    static let smallCNN = """
        m = sequential([conv2d(32, 3, padding="same", activation="relu"), maxpool(2), batchnorm(), dropout(0.25), flatten(), dense(7), softmax], input_shape=[48, 48, 1], seed=1)
        """

    @Test func seedCNNHasTheAssignmentsParameterCount() throws {
        let session = try Session()
        #expect(try session.number("params(seed_cnn())") == 2_207_893)
        #expect(try session.number("params(seed_dnn())") == 2_237_973)
        #expect(try session.number("seed_cnn(classes=3).output_shape[0]") == 3)
    }

    @Test func sequentialNamesLayersLikeKerasAndCountsParameters() throws {
        let session = try Session()
        try session.run(Self.smallCNN)
        #expect(try session.run("m.layers") == "[\"conv2d\", \"max_pool\", \"batch_norm\", \"dropout\", \"flatten\", \"dense\", \"softmax\"]")
        #expect(try session.run("m.output_shape") == "[7]")
        // conv 3*3*32 + 32, batch norm 2*32, dense 24*24*32*7 + 7.
        #expect(try session.number("params(m)") == 320 + 64 + 129_031)
        #expect(try session.number("params(m, trainable=false)") == 320 + 64 + 129_031 + 64)
        try session.run("m2 = sequential([conv2d(8, 3), conv2d(8, 3), flatten(), dense(2, name=\"out\")], input_shape=[6, 6, 1])")
        #expect(try session.run("m2.layers") == "[\"conv2d\", \"conv2d_1\", \"flatten\", \"out\"]")
    }

    @Test func summaryPrintsTheLayerTableAndAModelShowsAsIt() throws {
        let session = try Session()
        try session.run(Self.smallCNN)
        #expect(try session.run("summary(m)") == "nil")
        let table = session.output.joined(separator: "\n")
        #expect(table.contains("conv2d (Conv2D)"))
        #expect(table.contains("(None, 24, 24, 32)"))
        #expect(table.contains("Trainable params: 129,415"))
        #expect(try session.run("m") == table)
    }

    @Test func layersShowTheirSettingsAndCanBeReusedWithoutSharingWeights() throws {
        let session = try Session()
        #expect(try session.run("conv2d(32, [5, 3], padding=\"same\", activation=\"relu\")")
                == "<layer Conv2D(filters=32, kernel=5x3, padding=same, activation=relu)>")
        try session.run("""
            hidden = dense(4)
            a = sequential([flatten(), hidden], input_shape=[2, 2, 1], seed=1)
            before = weights(a, "dense")
            b = sequential([flatten(), hidden], input_shape=[2, 2, 1], seed=2)
            """)
        #expect(try session.run("weights(a, \"dense\") == before") == "true")
        #expect(try session.run("weights(b, \"dense\") == before") == "false")
    }

    @Test func callingAModelGivesProbabilitiesForABatchOrOneImage() throws {
        let session = try Session()
        try session.run(Self.smallCNN + "\nx = rand([4, 48, 48, 1], seed=2)")
        let batch = try session.tensor("m(x)")
        #expect(batch.shape == [4, 7])
        let logits = try session.tensor("logits(m, x)")
        #expect(logits.shape == [4, 7])
        // Each probability within `bounds[row]` of its exact value, relatively (Tolerance.softmax).
        let bounds = (0..<4).map { row in
            let z = logits.scalars[(row * 7)..<(row * 7 + 7)]
            return Tolerance.softmax(classes: 7, logitSpread: Double(z.max()! - z.min()!))
        }
        for row in 0..<4 {
            let total = Double(batch.scalars[(row * 7)..<(row * 7 + 7)].reduce(0, +))
            #expect(abs(total - 1) <= bounds[row] + Tolerance.sum(terms: 7, absoluteSum: 1 + bounds[row]))
        }
        let single = try session.tensor("m(x[1])")
        #expect(single.shape == [7])
        // Not a rounding bound: one image and a batch of four may take kernels that sum differently, and the dense
        // layer sums 18 432 terms, for which the worst-case bound is no use; this checks that the right row comes back.
        #expect(zip(single.scalars, batch.scalars[7..<14]).allSatisfy { isClose(Double($0), Double($1), relative: 1e-3, absolute: 1e-4) })
        // Two softmaxes of the same logits.
        #expect(try session.tensor("softmax(logits(m, x))").scalars.enumerated().allSatisfy {
            abs(Double($1) - Double(batch.scalars[$0])) <= 2 * bounds[$0 / 7] * Double(batch.scalars[$0])
        })
    }

    @Test func gradientThroughAModelMatchesFiniteDifferences() throws {
        let session = try Session()
        let pixel = 27
        let basis = (0..<64).map { $0 == pixel ? "1" : "0" }.joined(separator: ", ")
        try session.run("""
            m = sequential([conv2d(4, 3, activation="tanh"), maxpool(2), batchnorm(), flatten(), dense(7, activation="softmax")], input_shape=[8, 8, 1], seed=3)
            x = randn([1, 8, 8, 1], seed=5)
            g = grad(v -> logits(m, v)[0, 3], x)
            e = reshape(tensor([\(basis)]), [1, 8, 8, 1])
            h = 0.01
            numeric = (item(logits(m, x + h * e)[0, 3]) - item(logits(m, x - h * e)[0, 3])) / (2 * h)
            """)
        let g = try session.tensor("g")
        #expect(g.shape == [1, 8, 8, 1])
        let numeric = try session.number("numeric")
        #expect(abs(numeric) > 1e-4, "the chosen pixel should matter")
        // Not a rounding bound: a central difference with h = 0.01 is off by O(h²) relative, plus Float logits' rounding / h.
        #expect(isClose(Double(g.scalars[pixel]), numeric, relative: 1e-2, absolute: 1e-4))
        // The same through calling the model (probabilities) instead of logits.
        #expect(try session.tensor("grad(v -> m(v)[0, 3], x)").shape == [1, 8, 8, 1])
    }

    @Test func layerOutputsAndWeightsCanBeInspected() throws {
        let session = try Session()
        try session.run(Self.smallCNN + "\nx = rand([2, 48, 48, 1], seed=2)")
        #expect(try session.tensor("layer_output(m, x, \"conv2d\")").shape == [2, 48, 48, 32])
        #expect(try session.tensor("layer_output(m, x[0], 1)").shape == [24, 24, 32])
        #expect(try session.tensor("weights(m, \"conv2d\")").shape == [3, 3, 1, 32])
        #expect(try session.tensor("weights(m, 0, part=\"bias\")").shape == [32])
        #expect(try session.tensor("weights(m, \"batch_norm\", part=\"running_variance\")").scalars.allSatisfy { $0 == 1 })
        #expect(session.error("weights(m, \"flatten\")").contains("weights: layer flatten (Flatten) has no 'weight'; it has no parameters"))
        #expect(session.error("weights(m, \"conv\")").contains("weights: no layer named 'conv'"))
        #expect(session.error("layer_output(m, x, 12)").contains("layer index 12 is out of range"))
    }

    @Test func saveAndLoadRoundTripPredictions() throws {
        let session = try Session()
        let path = session.path("models/cnn")
        try session.run(Self.smallCNN + "\nx = rand([3, 48, 48, 1], seed=4)\nsave(m, \"\(path)\")\nm2 = load(\"\(path)\")")
        #expect(FileManager.default.fileExists(atPath: path + ".safetensors"))
        #expect(FileManager.default.fileExists(atPath: path + ".json"))
        #expect(try session.run("m2.layers == m.layers") == "true")
        #expect(try session.tensor("m2(x)").scalars == session.tensor("m(x)").scalars)
        #expect(session.error("load(\"\(session.path("missing"))\")").contains("error: load: "))
    }

    @Test func badModelArgumentsAreClearErrors() throws {
        let session = try Session()
        #expect(session.error("conv2d(0, 3)").contains("conv2d: Conv2D needs positive filters"))
        #expect(session.error("conv2d(8, [3, 3, 3])").contains("conv2d: 'kernel_size' must be a number or [height, width]"))
        #expect(session.error("conv2d(8, 3, padding=\"full\")").contains("conv2d: padding must be \"same\" or \"valid\", got \"full\""))
        #expect(session.error("dense(10, activation=\"relux\")").contains("dense: unknown activation 'relux'"))
        #expect(session.error("dropout(1.5)").contains("dropout: Dropout rate must be in [0, 1)"))
        #expect(session.error("sequential([flatten(), 3])").contains("sequential: item 1 of 'layers' is a number, not a layer"))
        #expect(session.error("sequential([flatten(), len])").contains("item 1 of 'layers' is the function len, which is not a layer"))
        #expect(session.error("sequential([dense(3)])").contains("sequential: dense: Dense needs flat [features] inputs"))
        #expect(session.error("sequential([flatten(), dense(100000000)])").contains("too large"))
        #expect(session.error("sequential([flatten()], input_shape=[0, 4])").contains("input_shape must be positive sizes"))
        #expect(session.error("seed_cnn(classes=0)").contains("seed_cnn: 'classes' must be between 1 and 1000"))
        #expect(session.error("params(3)").contains("params: expected a model for 'model', got number"))
        try session.run("m = sequential([flatten(), dense(2)], input_shape=[4, 4, 1])")
        #expect(session.error("m(zeros([1, 5, 5, 1]))").contains("model: the model expects inputs of shape [batch, 4, 4, 1], got [1, 5, 5, 1]"))
        #expect(session.error("m(synthetic_faces(2))").contains("use predict(model, ds) for a dataset"))
        #expect(session.error("m(zeros([1, 4, 4, 1]), 2)").contains("a model takes one argument"))
    }

    /// Empty data sets, empty or degenerate images and oversized settings:
    /// each gives a value or a Fern error, never a crash or another error.
    @Test func edgeCasesGiveValuesOrFernErrors() throws {
        let session = try Session()
        try session.run("""
            ds = synthetic_faces(20, seed=1)
            empty = take(ds, 0)
            m = sequential([flatten(), dense(7, activation="softmax")], input_shape=[48, 48, 1])
            """)
        let sources = [
            "fit(m, empty)", "evaluate(m, empty)", "predict(m, empty)", "predict_proba(m, empty)", "m(zeros([0, 48, 48, 1]))",
            "logits(m, zeros([0, 48, 48, 1]))", "grad(x -> logits(m, x)[0, 0], zeros([0, 48, 48, 1]))",
            "write_submission(m, empty, \"\(session.path("empty.csv"))\")", "split(take(ds, 3), 0.5)", "per_class(empty, 3)",
            "normalize(empty, mode=\"global\")", "normalize(zeros([2, 0]))", "class_weights(empty)", "image_grid(empty)",
            "image(zeros([0, 5]))", "image_grid(zeros([2, 0, 5]))", "histogram([])", "overlay(zeros([0, 0]), zeros([0, 0]))",
            "show(image(zeros([1, 1])))", "show(feature_grid(zeros([1, 1, 1, 1])))", "show(filter_grid(zeros([1, 1, 1, 1])))",
            "show(bar_chart([1e308, -1e308]))", "show(line_chart([1e308, 0]))", "histogram([1, 2], bins=1e14)",
            "save_figure(bar_chart([1]), \"/proc/fern/x.png\")", "save_figure(bar_chart([1]), \"\(session.path("x.png"))\", scale=1e9)",
            "sequential([conv2d(2, 50)], input_shape=[4, 4, 1])", "sequential([maxpool(10)], input_shape=[4, 4, 1])",
            "sequential([conv2d(4096, 4096)])", "sequential([flatten(), dense(3)], input_shape=[1e9])", "sequential([])",
            "confusion_matrix([], [])", "confusion_matrix([-1], [-1])", "heatmap(zeros([500, 500]))", "fit(m, ds, epochs=1, batch=1e14)",
        ]
        for source in sources {
            do {
                _ = try session.interpreter.run(source)
            } catch is FernError {
            } catch {
                Issue.record("\(source): not a Fern error: \(error)")
            }
        }
    }
}

@Suite struct ActivationLayerShorthandTests {
    @Test func activationFunctionsWithoutArgumentsAreLayers() throws {
        let session = try Session()
        try session.run("m = sequential([flatten(), dense(8), relu(), dense(3), softmax()], input_shape=[2, 2, 1], seed=1)")
        #expect(try session.run("m.layers") == "[\"flatten\", \"dense\", \"relu\", \"dense_1\", \"softmax\"]")
        let probabilities = try session.tensor("m(ones([4, 2, 2, 1]))")
        #expect(probabilities.shape == [4, 3])
        // Three outputs each within Tolerance.softmax (relatively) of theirs, added in Float.
        let logits = try session.tensor("logits(m, ones([4, 2, 2, 1]))")
        let bound = Tolerance.softmax(classes: 3, logitSpread: Double(logits.scalars.max()! - logits.scalars.min()!))
        #expect(try probabilities.sum(axes: [1]).scalars.allSatisfy {
            abs(Double($0) - 1) <= bound + Tolerance.sum(terms: 3, absoluteSum: 1 + bound)
        })
        #expect(try session.number("relu(-2)") == 0)
        #expect(try session.run("type(tanh())") == "layer")
        #expect(session.error("sequential([flatten(), exp()])").contains("exp() is missing a value for 'x'"))
    }
}
