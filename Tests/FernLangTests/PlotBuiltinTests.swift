import FernTensor
import Foundation
import Testing
@testable import FernLang

@Suite struct PlotBuiltinTests {
    /// Shows `source`'s figure and returns the PNG's path.
    private func shown(_ session: Session, _ source: String, name: String) throws -> String {
        let path = try session.run("show(\(source), name=\"\(name)\")")
        #expect(session.figures.last == path)
        return path
    }

    private func bytes(_ path: String) -> Data { FileManager.default.contents(atPath: path) ?? Data() }

    @Test func showSavesAPNGOfTheFiguresSizeThatDrawsTheData() throws {
        let session = try Session()
        let counts = try shown(session, "bar_chart([40, 5, 30], labels=[\"angry\", \"disgust\", \"fear\"], title=\"Images per class\")", name: "counts")
        #expect(pngSize(counts)! == (640, 480))
        // A blank 640x480 PNG compresses to about a kilobyte; bars, ticks and text take many more.
        #expect(bytes(counts).count > 8_000)
        let other = try shown(session, "bar_chart([5, 40, 30], labels=[\"angry\", \"disgust\", \"fear\"], title=\"Images per class\")", name: "other")
        #expect(bytes(other) != bytes(counts), "different values draw a different picture")
        #expect(session.figures.count == 2)
    }

    @Test func plotHistoryShowsLossAndAccuracySideBySide() throws {
        let session = try Session()
        try session.run("""
            ds = normalize(synthetic_faces(80, seed=2))
            train, val = split(ds, 0.25, seed=2)
            m = sequential([flatten(), dense(7, activation="softmax")], seed=1)
            h = fit(m, train, epochs=2, validation=val)
            f = plot_history(h, title="Training")
            """)
        #expect(try session.run("[f.width, f.height, f.panels, f.title]") == "[1000, 420, 2, \"Training\"]")
        let path = try shown(session, "f", name: "history")
        #expect(pngSize(path)! == (1000, 420))
        try session.run("two = plot_history(h, h, names=[\"cnn\", \"dnn\"])")
        #expect(session.error("plot_history(h, h, names=[\"cnn\"])").contains("plot_history: 1 names for 2 histories"))
        #expect(session.error("plot_history(3)").contains("plot_history: expected histories (from fit), got a number"))
    }

    @Test func figureCombinesPanelsIntoAGrid() throws {
        let session = try Session()
        try session.run("""
            a = bar_chart([1, 2, 3])
            b = line_chart([[1, 2, 3], [3, 2, 1]], labels=["up", "down"], xlabel="epoch")
            c = histogram(randn([500], seed=1), bins=10)
            f = figure(a, b, c, columns=2, title="Three")
            """)
        #expect(try session.run("[f.width, f.height, f.panels]") == "[1280, 1000, 3]")
        let path = try shown(session, "f", name: "grid")
        #expect(pngSize(path)! == (1280, 1000))
        #expect(try session.run("figure(a, b).width") == "1280")
        #expect(session.error("figure()").contains("figure: give at least one figure"))
    }

    @Test func saveFigureWritesPNGOrSVGAtAnySize() throws {
        let session = try Session()
        let png = session.path("plots/small.png"), svg = session.path("plots/chart.svg")
        try session.run("f = line_chart([0.9, 0.5, 0.3], title=\"loss\")")
        try session.run("save_figure(f, \"\(png)\", width=320, height=240, scale=2)")
        #expect(pngSize(png)! == (640, 480))
        try session.run("save_figure(f, \"\(svg)\")")
        #expect(String(decoding: bytes(svg), as: UTF8.self).contains("<svg"))
    }

    @Test func analysisPlotsDrawConfusionSaliencyFiltersAndFeatureMaps() throws {
        let session = try Session()
        try session.run("""
            ds = normalize(synthetic_faces(40, seed=3))
            m = sequential([conv2d(8, 3, padding="same", activation="relu"), maxpool(2), flatten(), dense(7, activation="softmax")], seed=1)
            cm = confusion_matrix(ds.labels, predict(m, ds), classes=7)
            img = ds.images[0:1]
            saliency = abs(grad(x -> logits(m, x)[0, 3], img))
            """)
        let figures = [
            ("plot_confusion(cm, class_names=ds.class_names, normalize=true)", (680, 600)),
            ("heatmap([[1, 2], [3, 4]], row_labels=[\"a\", \"b\"], colormap=\"coolwarm\")", (640, 560)),
            ("overlay(img, saliency, alpha=0.6)", (360, 400)),
            ("image(saliency[0], colorbar=true, colormap=\"turbo\")", (360, 400)),
            ("filter_grid(weights(m, \"conv2d\"), title=\"first-layer filters\")", (640, 640)),
            ("feature_grid(layer_output(m, img, \"conv2d\"))", (640, 640)),
            ("image_grid(ds.images[0:16], captions=ds.class_names + ds.class_names + [\"a\", \"b\"], columns=8)", (824, 294)),
            ("image_grid(per_class(synthetic_faces(200, seed=3), 1), title=\"one per class\")", (724, 200)),
        ]
        for (index, (source, size)) in figures.enumerated() {
            let path = try shown(session, source, name: "analysis-\(index)")
            let written = pngSize(path)
            #expect(written?.width == size.0 && written?.height == size.1, "\(source): \(String(describing: written))")
            #expect(bytes(path).count > 3_000, "\(source) looks blank")
        }
    }

    @Test func badPlotArgumentsAreClearErrors() throws {
        let session = try Session()
        #expect(session.error("bar_chart([1, 2], labels=[\"a\"])").contains("bar_chart: bar chart: 1 labels but 2 values"))
        #expect(session.error("bar_chart(\"abc\")").contains("bar_chart: expected a list of numbers for 'values', got string"))
        #expect(session.error("line_chart([[1, 2], [3]], labels=[\"a\"])").contains("line_chart: 1 labels for 2 lines"))
        #expect(session.error("show(3)").contains("show: expected a figure for 'figure', got number"))
        #expect(session.error("image(zeros([2, 3, 4, 5]))").contains("image: "))
        #expect(session.error("image(zeros([4, 4]), colormap=\"jet\")").contains("image: unknown colormap \"jet\" (choose gray, viridis, turbo, coolwarm)"))
        #expect(session.error("heatmap(zeros([3]))").contains("heatmap: 'values' must be a non-empty matrix (2-D), got shape [3]"))
        #expect(session.error("image_grid(zeros([3, 4, 4]), captions=[\"a\"])").contains("image_grid: image grid: 1 captions for 3 images"))
        #expect(session.error("overlay(zeros([4, 4]), zeros([5, 5]))").contains("overlay: the heatmap [5, 5] and the image [4, 4] differ in size"))
        #expect(session.error("save_figure(bar_chart([1]), \"x.png\", width=0)").contains("save_figure: 'width' must be at least 1"))
    }
}
