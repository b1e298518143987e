import FernPlot
import FernTensor

/// The figures of the assignment's analysis half, built from the results
/// of the functions in this module.
public enum AnalysisFigures {
    /// The confusion matrix as two annotated heatmaps: counts, and rows
    /// normalized to the share of each true class.
    public static func confusion(_ matrix: ConfusionMatrix, title: String? = nil) throws -> Figure {
        let counts = matrix.counts.map { $0.map(Double.init) }
        return try Figure(width: 1200, height: 560, title: title ?? String(format: "Confusion matrix (accuracy %.1f%%)", 100 * matrix.accuracy),
                          columns: 2, panels: [
                              Heatmap.confusionMatrix(counts, classNames: matrix.classNames, title: "Counts"),
                              Heatmap.confusionMatrix(counts, classNames: matrix.classNames, normalizeRows: true,
                                                      title: "Share of each true class"),
                          ])
    }

    /// Images of one true class predicted as another (or all misclassified
    /// images when either is nil), captioned with both labels.
    public static func misclassified(images: Tensor, labels: [Int], predicted: [Int], classNames: [String],
                                     trueClass: Int? = nil, predictedClass: Int? = nil, limit: Int = 24) throws -> Figure {
        let picked = labels.indices.filter { i in
            labels[i] != predicted[i] && (trueClass.map { labels[i] == $0 } ?? true)
                && (predictedClass.map { predicted[i] == $0 } ?? true)
        }.prefix(max(limit, 1))
        let name = { (c: Int) in classNames.indices.contains(c) ? classNames[c] : "\(c)" }
        let what = trueClass.map { t in "\(name(t)) predicted as " + (predictedClass.map(name) ?? "another class") } ?? "Misclassified"
        guard !picked.isEmpty else { throw AnalysisError("no images of \(what.lowercased())") }
        let stack = try images.gatherRows(Array(picked))
        let captions = picked.map { "true: \(name(labels[$0]))\npred: \(name(predicted[$0]))" }
        let columns = min(picked.count, 8)
        let rows = (picked.count + columns - 1) / columns
        return try Figure(width: 110 * columns + 40, height: 150 * rows + 60, panels: [
            ImageGrid(stack: stack, captions: captions, title: "\(what) (\(picked.count) shown)", columns: columns),
        ])
    }

    /// One row per image: the image, its saliency map, and the map over the image.
    public static func saliency(images: Tensor, maps: Tensor, labels: [Int]?, predicted: [Int], classNames: [String],
                                title: String = "Saliency maps") throws -> Figure {
        let n = images.shape.first ?? 0
        guard n > 0, maps.shape.first == n, predicted.count == n else {
            throw AnalysisError("saliency figure: \(n) images, \(maps.shape.first ?? 0) maps, \(predicted.count) predictions")
        }
        let name = { (c: Int) in classNames.indices.contains(c) ? classNames[c] : "\(c)" }
        var panels: [any Panel] = []
        for i in 0..<n {
            let image = try images.indexed(i), map = try maps.indexed(i)
            let caption = (labels.map { "true \(name($0[i])), " } ?? "") + "pred \(name(predicted[i]))"
            panels.append(try ImagePanel(image, title: caption))
            var heat = try ImagePanel(map, title: "saliency", range: 0...1, colormap: .turbo)
            heat.showsColorBar = i == 0
            panels.append(heat)
            var overlay = try Overlay(image: image, heatmap: map, alpha: 0.5, title: "overlay")
            overlay.heatmapRange = 0...1
            panels.append(overlay)
        }
        // Rows just tall enough for a 48-pixel face at 3x under its caption (margins 2 x 8, caption
        // about 20), columns wide enough for the colour bar beside the first map: no blank bands.
        return try Figure(width: 640, height: 186 * n + 40, title: title, rows: n, columns: 3, panels: panels)
    }

    /// The images found by gradient ascent for one layer, captioned with the
    /// filter number and its final mean activation.
    public static func maximizedFilters(images: Tensor, filters: [Int], activations: [Float], layerName: String) throws -> Figure {
        let captions = zip(filters, activations).map { "filter \($0)\n" + String(format: "%.3g", $1) }
        let columns = min(filters.count, 8)
        let rows = (filters.count + columns - 1) / columns
        return try Figure(width: 110 * columns + 40, height: 150 * rows + 60, panels: [
            ImageGrid(stack: images, captions: captions, title: "What the filters of \(layerName) respond to (gradient ascent)",
                      columns: columns),
        ])
    }
}
