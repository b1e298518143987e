import FernTensor
import FernTestSupport
import Testing
@testable import FernLang

@Suite struct AnalysisBuiltinTests {
    /// A small CNN on synthetic faces, trained one quick epoch.
    private func trainedSession() throws -> Session {
        let session = try Session()
        try session.run("""
            ds = normalize(synthetic_faces(160, seed=4))
            m = sequential([conv2d(4, 3, padding="same", activation="relu"), maxpool(), conv2d(6, 3, padding="same", activation="relu"),
                            maxpool(), flatten(), dense(7, activation="softmax")], seed=2)
            fit(m, ds, epochs=1, batch=32)
            p = predict(m, ds)
            cm = confusion_matrix(ds.labels, p, classes=7)
            """)
        return session
    }

    @Test func reportAndMostConfusedDescribeTheConfusionMatrix() throws {
        let session = try trainedSession()
        let report = try session.run("classification_report(cm, class_names=ds.class_names)")
        for name in ["angry", "neutral", "macro avg", "weighted avg", "accuracy"] { #expect(report.contains(name)) }
        #expect(report.contains("160"), "the total support is every image")
        let accuracy = try session.number("accuracy(ds.labels, p)")
        #expect(report.contains(String(format: "%.3f", accuracy)))
        let confused = try session.run("most_confused(cm, top=3)")
        #expect(confused.split(separator: "\n").count <= 3)
        #expect(confused.isEmpty || confused.contains("→"))
        #expect(session.error("classification_report([[1, 2]])").contains("expected a square counts matrix"))
        #expect(session.error("classification_report([[1, 0], [0, 1]], class_names=[\"a\"])").contains("1 class names for 2 classes"))
    }

    @Test func saliencyMapsHaveOneUnitRangeMapPerImageForEveryMethod() throws {
        let session = try trainedSession()
        #expect(try session.run("saliency_methods()") == "[\"gradient\", \"smoothgrad\", \"gradient_x_input\", \"integrated_gradients\", \"guided_backprop\", \"occlusion\", \"gradcam\", \"gradcam++\", \"hirescam\"]")
        for method in try session.strings("saliency_methods()") {
            let maps = try session.tensor("saliency(m, ds.images[0:3], method=\"\(method)\", samples=3, steps=8)")
            #expect(maps.shape == [3, 48, 48], "\(method)")
            #expect(maps.scalars.allSatisfy { (0...1).contains($0) }, "\(method)")
            #expect(try maps.max().item() == 1, "\(method)")
        }
        let mass = try session.numbers("saliency_mass(saliency(m, ds.images[0:4]), ds.masks[0:4])")
        #expect(mass.count == 4 && mass.allSatisfy { (0...1).contains($0) })
        #expect(session.error("saliency(m, ds.images[0:2], method=\"magic\")").contains("unknown method 'magic'; choose one of \"gradient\", \"smoothgrad\""))
        // The CAM methods look at the deepest layer at least half the input's width (conv2d_1, 24x24) unless told.
        #expect(try session.tensor("saliency(m, ds.images[0:2], method=\"hirescam\")").scalars
                == session.tensor("saliency(m, ds.images[0:2], method=\"hirescam\", layer=\"conv2d_1\")").scalars)
        #expect(try session.tensor("saliency(m, ds.images[0:2], method=\"hirescam\")").scalars
                != session.tensor("saliency(m, ds.images[0:2], method=\"hirescam\", layer=\"conv2d\")").scalars)
        let scores = try session.run("f = faithfulness(m, ds, method=\"occlusion\", count=4, points=5)\n[f[\"method\"], f[\"baseline\"], f[\"images\"], 0 <= f[\"deletion\"] and f[\"insertion\"] <= 1]")
        #expect(scores == "[\"occlusion\", \"blur\", 4, true]")
        #expect(session.error("faithfulness(m, ds, faithfulness_baseline=\"gray\")").contains("unknown faithfulness_baseline 'gray'"))
        // Maps made already score as the method would make them.
        #expect(try session.run("faithfulness(m, ds, method=\"gradient_x_input\", count=4, points=5, maps=saliency(m, ds.images[0:6], method=\"gradient_x_input\"))")
                == session.run("faithfulness(m, ds, method=\"gradient_x_input\", count=4, points=5)"))
        #expect(session.error("faithfulness(m, ds, count=4, maps=saliency(m, ds.images[0:3]))").contains("faithfulness: 'maps' must hold a [H, W] map for each of the 4 images scored, got [3, 48, 48]"))
    }

    @Test func analysisFiguresRenderAsPNGs() throws {
        let session = try trainedSession()
        let figures = [
            ("plot_saliency(m, ds, count=3)", 640, 598),
            ("plot_misclassified(ds, p, limit=8)", 920, 210),
            ("plot_filters(m, \"conv2d_1\", steps=10)", 700, 210),
        ]
        for (source, width, height) in figures {
            let path = try session.run("show(\(source))")
            let png = try DecodedPNG(path: path)
            #expect(png.width == width && png.height == height, "\(source): \(png.width)x\(png.height)")
            #expect(png.inkedFraction > 0.1, "\(source) looks blank")
        }
    }

    @Test func maximizeActivationReturnsImagesAndRisingActivations() throws {
        let session = try trainedSession()
        try session.run("images, acts = maximize_activation(m, 0, filters=[0, 1, 2], steps=20)")
        #expect(try session.tensor("images").shape == [3, 48, 48, 1])
        let acts = try session.numbers("acts")
        let before = try session.tensor("mean(layer_output(m, full([3, 48, 48, 1], 0.5), 0), axis=[1, 2])").scalars
        for f in 0..<3 { #expect(acts[f] >= Double(before[f * 4 + f]), "filter \(f): \(acts[f]) vs gray \(before[f * 4 + f])") }
        #expect(session.error("maximize_activation(m, 0, filters=[9])").contains("has 4 filters"))
    }
}
