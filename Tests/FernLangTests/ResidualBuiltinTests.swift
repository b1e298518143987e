import FernNN
import FernTensor
import FernTestSupport
import Foundation
import Testing
@testable import FernLang

/// Residual models in the language: built with residual(...), summarized, saved and loaded,
/// trained, and explained (saliency, Grad-CAM on a block, filters of a block).
@Suite struct ResidualBuiltinTests {
    static let model = """
        block = residual([conv2d(8, 3, padding="same"), batchnorm(), relu, conv2d(8, 3, padding="same"), batchnorm()],
                         shortcut=[conv2d(8, 1)])
        m = sequential([conv2d(4, 3, padding="same", activation="relu"), maxpool(), block, maxpool(),
                        residual([conv2d(8, 3, padding="same", activation="relu")]), global_avgpool(), dense(7, activation="softmax")], seed=3)
        ds = normalize(synthetic_faces(64, seed=5))
        """

    @Test func residualModelsBuildTrainAndSummarize() throws {
        let session = try Session()
        try session.run(Self.model)
        #expect(try session.run("m.layers") == "[\"conv2d\", \"max_pool\", \"residual\", \"max_pool_1\", \"residual_1\", \"global_avgpool\", \"dense\"]")
        #expect(try session.run("summary(m)") == "nil")
        let summary = session.output.joined(separator: "\n")
        #expect(summary.contains("residual (Residual)") && summary.contains("(None, 24, 24, 8)"))
        #expect(summary.contains("  residual.conv2d_1 (Conv2D)") && summary.contains("  shortcut residual.conv2d_2 (Conv2D)"))
        #expect(try session.run("block").hasPrefix("<layer Residual([Conv2D(filters=8, kernel=3x3, padding=same), BatchNorm("))
        let h = try session.run("h = fit(m, ds, epochs=2, batch=16, validation=0.25)\nh.epochs")
        #expect(h == "2")
        #expect(try session.numbers("h.loss").allSatisfy { $0.isFinite })
    }

    @Test func savedResidualModelPredictsTheSame() throws {
        let folder = try TemporaryFolder()
        let session = try Session()
        try session.run(Self.model + "\nfit(m, ds, epochs=1, batch=16)\nsave(m, \"\(folder.path("res"))\")\nm2 = load(\"\(folder.path("res"))\")")
        #expect(try session.tensor("predict_proba(m2, ds)").scalars == session.tensor("predict_proba(m, ds)").scalars)
        #expect(try session.run("m2.layers") == session.run("m.layers"))
    }

    /// Every explanation works on a residual model; the CAM methods by default look at the deepest
    /// block at least half the input's width (the first, 24x24; the second is 12x12).
    @Test func explanationsWorkOnResidualModels() throws {
        let session = try Session()
        try session.run(Self.model + "\nfit(m, ds, epochs=1, batch=16)")
        for method in try session.strings("saliency_methods()") {
            let maps = try session.tensor("saliency(m, ds.images[0:3], method=\"\(method)\", samples=3, steps=8)")
            #expect(maps.shape == [3, 48, 48], "\(method)")
            #expect(maps.scalars.allSatisfy { (0...1).contains($0) }, "\(method)")
        }
        let byDefault = try session.tensor("saliency(m, ds.images[0:3], method=\"gradcam\")")
        let onTheBlock = try session.tensor("saliency(m, ds.images[0:3], method=\"gradcam\", layer=\"residual\")")
        #expect(byDefault.scalars == onTheBlock.scalars)
        try session.run("ascent = maximize_activation(m, \"residual\", filters=[0, 1], steps=5)")
        let filters = try session.tensor("ascent[0]")
        #expect(filters.shape == [2, 48, 48, 1])
        #expect(filters.scalars.allSatisfy { $0.isFinite })
        #expect(try session.numbers("ascent[1]").count == 2)
    }

    /// feature_layers: the layers with feature maps (convolutions and residual blocks), which the
    /// assignment notebook shows and Grad-CAM picks its default from.
    @Test func featureLayersAreTheConvolutionsAndBlocks() throws {
        let session = try Session()
        try session.run(Self.model)
        #expect(try session.run("m.feature_layers") == "[\"conv2d\", \"residual\", \"residual_1\"]")
        #expect(try session.run("seed_dnn().feature_layers") == "[]")
        #expect(try session.run("tuned_cnn().feature_layers[0:3]") == "[\"conv2d\", \"conv2d_1\", \"conv2d_2\"]")
    }

    /// model_named(name) is the ready-made model of that name, weights and all.
    @Test func modelNamedIsTheReadyMadeModel() throws {
        let session = try Session()
        try session.run("x = randn([2, 48, 48, 1], seed=4)")
        for name in ["seed_cnn", "seed_dnn", "tuned_cnn", "resnet", "vgg"] {
            #expect(try session.run("model_named(\"\(name)\", seed=2).layers") == session.run("\(name)(seed=2).layers"))
            #expect(try session.tensor("model_named(\"\(name)\", seed=2)(x)").scalars == session.tensor("\(name)(seed=2)(x)").scalars)
        }
        #expect(try session.run("model_named(\"vgg\", classes=3).output_shape") == "[3]")
        #expect(session.error("model_named(\"tuned-cnn\")")
            .contains("model_named: no ready-made model 'tuned-cnn'; choose \"seed_cnn\", \"seed_dnn\", \"tuned_cnn\", \"resnet\", \"vgg\""))
        #expect(session.error("model_named(\"resnet\", classes=0)").contains("model_named: 'classes' must be between 1 and 1000, got 0"))
    }

    @Test func badBlocksAreClearErrors() throws {
        let session = try Session()
        #expect(session.error("sequential([residual([conv2d(8, 3, padding=\"same\")])], input_shape=[6, 6, 2])")
            .contains("residual: the body gives [6, 6, 8] but the shortcut [6, 6, 2]; give it a shortcut that makes [6, 6, 8], e.g. a 1x1 conv2d"))
        #expect(session.error("residual([])").contains("at least one layer"))
        #expect(session.error("residual([dense(3), 4])").contains("residual: item 1 of 'layers' is a number, not a layer"))
        #expect(session.error("residual(3)").contains("'layers'"))
    }

    @Test func readyMadeResidualNetworkAndVGG() throws {
        let session = try Session()
        #expect(try session.run("resnet().layers").contains("\"residual_3\""))
        #expect(try session.number("params(vgg())") > params(tuned: session))
    }

    private func params(tuned session: Session) throws -> Double { try session.number("params(tuned_cnn())") }
}
