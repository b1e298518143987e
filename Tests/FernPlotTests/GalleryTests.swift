import FernTensor
import Foundation
import Testing
@testable import FernPlot

/// One figure of every kind the FER2013 report needs, drawn from made-up
/// data. Set FERN_PLOT_GALLERY to a folder to keep the PNGs and look at them.
@Suite struct GalleryTests {
    static let classes = ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"]
    static let counts: [Double] = [3995, 436, 4097, 7215, 4830, 3171, 4965]

    let temporary: TemporaryFolder
    let folder: String

    init() throws {
        temporary = try TemporaryFolder()
        folder = ProcessInfo.processInfo.environment["FERN_PLOT_GALLERY"] ?? temporary.url.path
    }

    static func curves() throws -> [any Panel] {
        let epochs = 1...30
        let loss = epochs.map { 1.9 * exp(-Double($0) / 8) + 0.55 }, validationLoss = epochs.map { 1.9 * exp(-Double($0) / 7) + 0.75 + 0.004 * Double($0) }
        let accuracy = epochs.map { 0.68 - 0.45 * exp(-Double($0) / 6) }, validationAccuracy = epochs.map { 0.61 - 0.42 * exp(-Double($0) / 5) }
        return [try LineChart(series: [Series(name: "train", y: loss), Series(name: "validation", y: validationLoss)],
                              title: "CNN loss", xLabel: "epoch", yLabel: "cross-entropy"),
                try LineChart(series: [Series(name: "train", y: accuracy, markers: true),
                                       Series(name: "validation", y: validationAccuracy, markers: true)],
                              title: "CNN accuracy", xLabel: "epoch", yLabel: "accuracy")]
    }

    static func confusion() -> [[Double]] {
        classes.indices.map { truth in
            classes.indices.map { predicted in
                truth == predicted ? counts[truth] * 0.09 : Double((truth * 7 + predicted * 3) % 11) * counts[truth] / 900
            }.map { $0.rounded() }
        }
    }

    static func faces() -> [Tensor] {
        (0..<10).map { cartoonFace(smile: Double($0 % 5) / 2 - 1, shift: Double($0 % 3) - 1) }
    }

    static func saliency(of face: Tensor) throws -> Tensor {
        let values = (0..<(48 * 48)).map { index -> Float in
            let (x, y) = (Double(index % 48), Double(index / 48))
            let eyes = exp(-(pow(abs(x - 24) - 7, 2) + pow(y - 19, 2)) / 18), mouth = exp(-(pow(x - 24, 2) / 60 + pow(y - 34, 2) / 8))
            return Float(eyes + 0.8 * mouth)
        }
        return try Tensor(shape: [48, 48], scalars: values)
    }

    static func gallery() throws -> [(name: String, figure: Figure)] {
        let normalized = try Heatmap.confusionMatrix(confusion(), classNames: classes, normalizeRows: true,
                                                     title: "CNN confusion matrix (row-normalized)")
        let faces = faces()
        let captions = faces.indices.map { "true: \(classes[$0 % 7])\npred: \(classes[($0 * 3 + 1) % 7])" }
        var weights = SeededGenerator(seed: 7)
        let filters = try Tensor(shape: [5, 5, 1, 64], scalars: (0..<(25 * 64)).map { _ in weights.nextNormal() * 0.2 })
        let curves = try curves()
        return [
            ("bar", try Figure(panels: [BarChart(labels: classes, values: counts, title: "Images per class")])),
            ("bar-small", try Figure(width: 360, height: 260, panels: [BarChart(labels: classes, values: counts, title: "Images per class")])),
            ("bar-horizontal", try Figure(width: 560, height: 360, panels: [BarChart(labels: classes, values: counts,
                                                                                  title: "Images per class", horizontal: true)])),
            ("line", try Figure(panels: [curves[0]])),
            ("confusion", try Figure(width: 640, height: 560, panels: [normalized])),
            ("confusion-counts", try Figure(width: 640, height: 560, panels: [Heatmap.confusionMatrix(confusion(), classNames: classes)])),
            ("histogram", try Figure(panels: [Histogram(values: filters.scalars.map(Double.init), bins: 30, title: "first-layer weights")])),
            ("image", try Figure(width: 300, height: 320, panels: [ImagePanel(faces[0], title: "angry (train #0)")])),
            ("image-grid", try Figure(width: 800, height: 420, panels: [ImageGrid(images: faces, captions: captions,
                                                                                   title: "Misclassified validation images")])),
            ("overlay", try Figure(width: 640, height: 260, columns: 3, panels: [
                ImagePanel(faces[3], title: "image"),
                ImagePanel(saliency(of: faces[3]), title: "saliency", colormap: .turbo),
                Overlay(image: faces[3], heatmap: saliency(of: faces[3]), alpha: 0.45, title: "overlay")])),
            ("filters", try Figure(width: 480, height: 500, panels: [FilterGrid(filters: filters, title: "conv1 filters (5x5)")])),
            ("multi", try Figure(width: 1000, height: 720, scale: 1.5, title: "CNN vs DNN", rows: 2, columns: 2,
                                 panels: curves + [BarChart(labels: ["CNN", "DNN"], values: [0.652, 0.447], title: "validation accuracy"),
                                                   Heatmap.confusionMatrix(confusion(), classNames: classes, normalizeRows: true, title: "CNN")])),
        ]
    }

    @Test func everyKindOfFigureRendersAtItsSize() throws {
        for (name, figure) in try Self.gallery() {
            let png = try renderPNG(figure, to: "\(folder)/\(name).png")
            #expect(png.width == Int((Double(figure.width) * figure.scale).rounded()), "\(name)")
            #expect(png.height == Int((Double(figure.height) * figure.scale).rounded()), "\(name)")
            #expect(png.distinctColors > 30, "\(name)")
            #expect(png.inkedFraction > 0.02, "\(name)")
        }
    }
}
