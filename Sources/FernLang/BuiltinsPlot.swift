import FernNN
import FernPlot
import FernTensor

/// Plot built-ins. Each makes a figure; `figure(...)` puts several side by
/// side, `show` hands one to the REPL or notebook (which saves it and prints
/// or embeds it), and `save_figure` writes it to a chosen file.
extension Builtins {
    static let plot: [Builtin] = charts + pictures + figures

    private static let charts: [Builtin] = [
        Builtin("bar_chart(values, labels=none, title=none, xlabel=none, ylabel=none, horizontal=false)",
                "A bar per value, labelled (by default 0, 1, ...) and annotated with its value, e.g. images per class.") { args, _ in
            let values = try plottable(args, try args.numbers("values"))
            let labels = try args.optional("labels").map { _ in try args.strings("labels") } ?? values.indices.map(String.init)
            return try chartFigure(args) {
                var chart = try BarChart(labels: labels, values: values, title: try args.optionalString("title"),
                                         horizontal: args.bool("horizontal"))
                chart.xLabel = try args.optionalString("xlabel")
                chart.yLabel = try args.optionalString("ylabel")
                return chart
            }
        },
        Builtin("line_chart(values, labels=none, x=none, title=none, xlabel=none, ylabel=none)",
                "Lines for a list of numbers, a list of such lists or the rows of a 2-D tensor, named by labels in a legend; x defaults to 1, 2, ...") { args, _ in
            let rows = try seriesValues(args).map { try plottable(args, $0) }
            let names = try args.optional("labels").map { _ in try args.strings("labels") } ?? rows.indices.map { "series \($0 + 1)" }
            guard names.count == rows.count else { throw FernError.runtime("line_chart: \(names.count) labels for \(rows.count) lines") }
            let x = try args.optional("x").map { _ in try plottable(args, try args.numbers("x")) }
            return try chartFigure(args) {
                var chart = try LineChart(series: try zip(names, rows).map { try Series(name: $0, y: $1, x: x) },
                                          title: try args.optionalString("title"), xLabel: try args.optionalString("xlabel"),
                                          yLabel: try args.optionalString("ylabel"))
                chart.showsLegend = rows.count > 1 || args.optional("labels") != nil
                return chart
            }
        },
        Builtin("plot_history(histories..., names=none, title=none)",
                "Loss and accuracy per epoch, training and validation, side by side; several histories (named by names) share the charts.") { args, _ in
            try historyFigure(args)
        },
        Builtin("histogram(values, bins=20, title=none, xlabel=none)", "How many values fall in each of bins equal bins: a tensor (all its elements) or a list.") { args, _ in
            let values: [Double]
            if case .tensor(let t) = args.value("values") { values = t.scalars.map(Double.init) } else { values = try args.numbers("values") }
            _ = try plottable(args, values)
            let bins = try args.positiveInt("bins")
            guard bins <= 10_000 else { throw FernError.runtime("histogram: 'bins' must be at most 10000, got \(bins)") }
            return try chartFigure(args) {
                var histogram = try Histogram(values: values, bins: bins, title: try args.optionalString("title"))
                histogram.xLabel = try args.optionalString("xlabel")
                histogram.yLabel = "count"
                return histogram
            }
        },
        Builtin("heatmap(values, row_labels=none, column_labels=none, title=none, normalize=false, colormap=\"viridis\")",
                "A matrix (2-D tensor or nested list) as colored cells, each annotated with its value, with a color bar; normalize=true divides each row by its sum.") { args, _ in
            let rows = try matrix(args, "values")
            let rowLabels = try args.optional("row_labels").map { _ in try args.strings("row_labels") }
            let columnLabels = try args.optional("column_labels").map { _ in try args.strings("column_labels") }
            let colormap = try Builtins.colormap(args)
            return try chartFigure(args, width: 640, height: 560) {
                var heatmap = try Heatmap(values: rows, rowLabels: rowLabels, columnLabels: columnLabels,
                                          title: try args.optionalString("title"), normalizeRows: args.bool("normalize"))
                heatmap.colormap = colormap
                return heatmap
            }
        },
        Builtin("plot_confusion(matrix, class_names=none, normalize=false, title=none)",
                "A confusion matrix (from confusion_matrix) as an annotated heatmap, true classes as rows; normalize=true shows each row's shares.") { args, _ in
            let rows = try matrix(args, "matrix")
            let names = try args.optional("class_names").map { _ in try args.strings("class_names") } ?? rows.indices.map(String.init)
            return try chartFigure(args, width: 680, height: 600) {
                try Heatmap.confusionMatrix(rows, classNames: names, normalizeRows: args.bool("normalize"),
                                            title: try args.optionalString("title"))
            }
        },
    ]

    private static let pictures: [Builtin] = [
        Builtin("image(t, title=none, colormap=\"gray\", colorbar=false)", "One grayscale image ([H, W], [H, W, 1] or [1, H, W, 1]), e.g. a face or a saliency map.") { args, _ in
            let t = try args.tensor("t"), colormap = try Builtins.colormap(args)
            return try chartFigure(args, width: 360, height: 400) {
                var panel = try ImagePanel(t, title: try args.optionalString("title"), colormap: colormap)
                panel.showsColorBar = args.bool("colorbar")
                return panel
            }
        },
        Builtin("image_grid(images, captions=none, columns=none, title=none, colormap=\"gray\")",
                "Images of a tensor [N, H, W(, 1)], a list of images or a dataset in a grid, each with an optional caption (lines split by \\n).") { args, _ in
            try imageGridFigure(args)
        },
        Builtin("overlay(image, heatmap, alpha=0.5, colormap=\"turbo\", title=none)",
                "A heatmap (e.g. a saliency map) in color over a grayscale image of the same size.") { args, _ in
            let image = try args.tensor("image"), heat = try args.tensor("heatmap")
            let alpha = try args.number("alpha"), colormap = try Builtins.colormap(args)
            return try chartFigure(args, width: 360, height: 400) {
                try Overlay(image: image, heatmap: heat, alpha: alpha, colormap: colormap, title: try args.optionalString("title"))
            }
        },
        Builtin("filter_grid(weights, title=none, colormap=\"gray\")",
                "Convolution weights [kh, kw, in, out] (see weights(model, layer)) or a stack [N, H, W] as small images, each scaled to its own range.") { args, _ in
            let weights = try args.tensor("weights"), colormap = try Builtins.colormap(args)
            return try chartFigure(args, width: 640, height: 640) {
                try FilterGrid(filters: weights, title: try args.optionalString("title"), colormap: colormap)
            }
        },
        Builtin("feature_grid(maps, title=none, colormap=\"viridis\")",
                "The channels of one image's layer output [1, H, W, C] (see layer_output) as small images.") { args, _ in
            let maps = try args.tensor("maps"), colormap = try Builtins.colormap(args)
            return try chartFigure(args, width: 640, height: 640) {
                try FilterGrid(featureMaps: maps, title: try args.optionalString("title"), colormap: colormap)
            }
        },
    ]

    private static let figures: [Builtin] = [
        Builtin("figure(figures..., columns=none, title=none, width=none, height=none, scale=1)",
                "One figure showing the panels of the given figures in a grid (columns default to up to 3), under an optional title.") { args, _ in
            try combinedFigure(args)
        },
        Builtin("show(figure, name=none)", "Shows the figure: the REPL or notebook saves it as a PNG (named name, if given) and the path is returned.") { args, interpreter in
            let figure = try args.figure("figure"), name = try args.optionalString("name")
            return .string(try args.reporting { try interpreter.display(figure, name) })
        },
        Builtin("save_figure(figure, path, width=none, height=none, scale=none)",
                "Writes the figure to path, as SVG when it ends in .svg and PNG otherwise, optionally at another size or pixel scale.") { args, _ in
            let figure = try args.figure("figure"), path = try args.string("path")
            let resized = try args.reporting {
                try Figure(width: try args.optionalPositiveInt("width") ?? figure.width,
                           height: try args.optionalPositiveInt("height") ?? figure.height,
                           scale: try args.optional("scale").map { _ in try args.number("scale") } ?? figure.scale, title: figure.title,
                           rows: figure.rows, columns: figure.columns, panels: figure.panels)
            }
            try args.reporting { try resized.save(to: path) }
            return .none
        },
    ]

    // MARK: Figures

    /// A figure holding the one panel `make` returns.
    private static func chartFigure(_ args: Arguments, width: Int = 640, height: Int = 480,
                                    _ make: () throws -> any Panel) throws -> Value {
        .figure(try args.reporting { try Figure(width: width, height: height, panels: [try make()]) })
    }

    private static func historyFigure(_ args: Arguments) throws -> Value {
        let histories = try args.rest.map { value -> History in
            guard case .history(let history) = value else {
                throw FernError.runtime("plot_history: expected histories (from fit), got a \(value.typeName)")
            }
            return history
        }
        guard !histories.isEmpty else { throw FernError.runtime("plot_history: give at least one history, e.g. plot_history(h)") }
        guard histories.allSatisfy({ $0.epochs > 0 }) else { throw FernError.runtime("plot_history: a history has no epochs yet") }
        let names = try args.optional("names").map { _ in try args.strings("names") }
        if let names, names.count != histories.count {
            throw FernError.runtime("plot_history: \(names.count) names for \(histories.count) histories")
        }
        func series(_ pick: (History) -> (train: [Float], validation: [Float])) throws -> [Series] {
            try histories.enumerated().flatMap { index, history -> [Series] in
                let prefix = names.map { "\($0[index]) " } ?? (histories.count > 1 ? "\(index + 1) " : "")
                let (train, validation) = pick(history)
                return try [(prefix + "train", train), (prefix + "validation", validation)]
                    .filter { !$0.1.isEmpty }
                    // Markers on short runs: each epoch is a point worth seeing (one epoch is only a point).
                    .map { try Series(name: $0.0, y: $0.1.map(Double.init), markers: $0.1.count <= 15) }
            }
        }
        let figure = try args.reporting {
            try Figure(width: 1000, height: 420, title: try args.optionalString("title"), columns: 2, panels: [
                try LineChart(series: try series { ($0.loss, $0.validationLoss) }, title: "Loss", xLabel: "epoch"),
                try LineChart(series: try series { ($0.accuracy, $0.validationAccuracy) }, title: "Accuracy", xLabel: "epoch"),
            ])
        }
        return .figure(figure)
    }

    private static func imageGridFigure(_ args: Arguments) throws -> Value {
        let images: [Tensor]
        switch args.value("images") {
        case .list(let items):
            images = try items.map { item in
                guard case .tensor(let t) = item else { throw FernError.runtime("image_grid: the list holds a \(item.typeName), not an image tensor") }
                return t
            }
        default:
            let stack = try args.images("images")
            guard stack.rank >= 3 else {
                throw FernError.runtime("image_grid: expected a stack of images [N, H, W] or [N, H, W, 1], got shape \(describeShape(stack.shape))")
            }
            images = try args.reporting { try (0..<stack.shape[0]).map { try stack.indexed($0) } }
        }
        guard images.count <= 1024 else { throw FernError.runtime("image_grid: \(images.count) images are too many to show (at most 1024)") }
        let captions = try args.optional("captions").map { _ in try args.strings("captions") } ?? []
        let columns = try args.optionalPositiveInt("columns") ?? min(max(images.count, 1), 8)
        let rows = (images.count + columns - 1) / columns
        let captionLines = captions.map { $0.split(separator: "\n", omittingEmptySubsequences: false).count }.max() ?? 0
        let width = max(320, min(columns, max(images.count, 1)) * 100 + 24)
        let height = max(200, rows * (96 + 16 * captionLines) + 70)
        let colormap = try colormap(args)
        let grid = try args.reporting {
            try Figure(width: width, height: height, panels: [
                try ImageGrid(images: images, captions: captions, title: try args.optionalString("title"), columns: columns, colormap: colormap),
            ])
        }
        return .figure(grid)
    }

    /// The panels of several figures in one grid; each cell is as large as
    /// the largest cell of the figures it came from.
    private static func combinedFigure(_ args: Arguments) throws -> Value {
        let sources = try args.rest.map { value -> Figure in
            guard case .figure(let figure) = value else { throw FernError.runtime("figure: expected figures, got a \(value.typeName)") }
            return figure
        }
        let panels = sources.flatMap(\.panels)
        guard !panels.isEmpty else { throw FernError.runtime("figure: give at least one figure, e.g. figure(a, b, columns=2)") }
        let columns = min(try args.optionalPositiveInt("columns") ?? min(panels.count, 3), panels.count)
        let rows = (panels.count + columns - 1) / columns
        let cellWidth = sources.map { $0.width / $0.columns }.max() ?? 640
        let cellHeight = sources.map { $0.height / $0.rows }.max() ?? 480
        let title = try args.optionalString("title")
        let figure = try args.reporting {
            try Figure(width: try args.optionalPositiveInt("width") ?? min(columns * cellWidth, 8000),
                       height: try args.optionalPositiveInt("height") ?? min(rows * cellHeight + (title == nil ? 0 : 40), 8000),
                       scale: try args.number("scale"), title: title, rows: rows, columns: columns, panels: panels)
        }
        return .figure(figure)
    }

    // MARK: Plot settings

    /// The y values of each line: one list of numbers, a list of lists, or a tensor's rows.
    private static func seriesValues(_ args: Arguments) throws -> [[Double]] {
        let value = args.value("values")
        if case .list(let items) = value, items.contains(where: { $0.isSequence }) {
            return try items.map { item in
                guard let row = item.asNumbers else {
                    throw FernError.runtime("line_chart: every line must be a list of numbers or a 1-D tensor, found a \(item.typeName)")
                }
                return row
            }
        }
        if case .tensor(let t) = value, t.rank == 2 { return try matrix(args, "values") }
        return [try args.numbers("values")]
    }

    /// A 2-D tensor or nested list of numbers as rows.
    private static func matrix(_ args: Arguments, _ name: String) throws -> [[Double]] {
        let t = try args.tensor(name)
        guard t.rank == 2, t.shape[0] > 0, t.shape[1] > 0 else {
            throw FernError.runtime("\(args.function): '\(name)' must be a non-empty matrix (2-D), got shape \(describeShape(t.shape))")
        }
        guard t.shape[0] <= 200, t.shape[1] <= 200 else {
            throw FernError.runtime("\(args.function): a \(t.shape[0])x\(t.shape[1]) matrix is too large to draw (at most 200x200)")
        }
        let width = t.shape[1]
        let scalars = try plottable(args, t.scalars.map(Double.init))
        return (0..<t.shape[0]).map { Array(scalars[($0 * width)..<(($0 + 1) * width)]) }
    }

    /// The values, checked to be plottable: finite ones within ±1e150, so the
    /// axis arithmetic (spans, ticks) cannot overflow.
    private static func plottable(_ args: Arguments, _ values: [Double]) throws -> [Double] {
        if let huge = values.first(where: { $0.isFinite && Swift.abs($0) > 1e150 }) {
            throw FernError.runtime("\(args.function): the value \(Value.number(huge)) is too large to plot (at most 1e150 in size)")
        }
        return values
    }

    private static func colormap(_ args: Arguments) throws -> Colormap {
        let name = try args.string("colormap")
        guard let colormap = Colormap(named: name) else {
            throw FernError.runtime("\(args.function): unknown colormap \"\(name)\" (choose \(Colormap.all.map(\.name).joined(separator: ", ")))")
        }
        return colormap
    }
}

private extension Value {
    var isSequence: Bool {
        switch self {
        case .list, .tensor: true
        default: false
        }
    }

    /// The numbers of a list of numbers or of a 1-D tensor.
    var asNumbers: [Double]? {
        switch self {
        case .tensor(let t) where t.rank == 1: return t.scalars.map(Double.init)
        case .list(let items):
            let numbers = items.compactMap { item -> Double? in if case .number(let n) = item { n } else { nil } }
            return numbers.count == items.count ? numbers : nil
        default: return nil
        }
    }
}
