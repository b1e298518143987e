import FernAnalysis
import FernData
import FernNN
import FernPlot
import FernTensor

/// Model analysis built-ins: confusion-matrix reports, saliency maps and
/// filter visualization by gradient ascent (FernAnalysis).
extension Builtins {
    static let analysis: [Builtin] = [
        Builtin("classification_report(matrix, class_names=none)",
                "Precision, recall, F1 and support per class with accuracy and averages, as text (like sklearn's); matrix from confusion_matrix.") { args, _ in
            .string(try confusion(args).classificationReport)
        },
        Builtin("most_confused(matrix, top=5, class_names=none)",
                "The off-diagonal cells with the most images, one line each: true → predicted: count (share of the true class).") { args, _ in
            .string(try confusion(args).mostConfusedDescription(top: try args.int("top")))
        },
        Builtin("plot_misclassified(data, predicted, true_class=none, predicted_class=none, limit=24)",
                "A grid of a dataset's misclassified images captioned with true and predicted class, optionally of one true/predicted pair.") { args, _ in
            let dataset = try args.dataset("data"), predicted = try args.wholeNumberList("predicted")
            guard predicted.count == dataset.count else {
                throw FernError.runtime("plot_misclassified: \(predicted.count) predictions for \(dataset.count) images")
            }
            return .figure(try args.reporting {
                try AnalysisFigures.misclassified(images: dataset.images, labels: dataset.labels, predicted: predicted,
                                                  classNames: dataset.classNames, trueClass: try classIndex(args, "true_class", dataset),
                                                  predictedClass: try classIndex(args, "predicted_class", dataset),
                                                  limit: try args.int("limit"))
            })
        },
        Builtin("saliency(model, images, classes=none, method=\"gradient\", " + methodOptions + ")",
                "Saliency maps [N, H, W] in [0, 1] by a method of saliency_methods() (default: |d class score / d pixel|), explaining classes (default: the predictions); layer names the conv layer of the CAM methods (default: " + defaultCAMLayerRule + "), samples and noise are SmoothGrad's, steps and baseline integrated gradients', patch, stride and baseline occlusion's.") { args, _ in
            let model = try args.model("model"), images = try args.images("images")
            let classes = try args.optional("classes").map { _ in try args.wholeNumberList("classes") }
            return .tensor(try saliencyMaps(args, model, images, classes))
        },
        Builtin("saliency_methods()", "The names saliency, plot_saliency and faithfulness take for method=, in the order the reference explains them.") { _, _ in
            .list(saliencyMethods.map(Value.string))
        },
        Builtin("plot_saliency(model, data, count=6, method=\"gradient\", title=none, " + methodOptions + ")",
                "The first count images of a dataset each beside its saliency map and the map laid over it, captioned with true and predicted class.") { args, _ in
            let model = try args.model("model"), dataset = try args.dataset("data")
            let count = min(try args.int("count"), dataset.count)
            guard count > 0 else { throw FernError.runtime("plot_saliency: no images to show") }
            let images = try args.reporting { try dataset.images.sliced(axis: 0, start: 0, end: count) }
            let predicted = try args.reporting { try model.predictClasses(images) }
            let maps = try saliencyMaps(args, model, images, predicted)
            let method = try args.string("method")
            return .figure(try args.reporting {
                try AnalysisFigures.saliency(images: images, maps: maps, labels: Array(dataset.labels.prefix(count)),
                                             predicted: predicted, classNames: dataset.classNames,
                                             title: try args.optionalString("title") ?? "Saliency maps (\(method))")
            })
        },
        Builtin("faithfulness(model, data, method=\"gradient\", count=100, points=20, faithfulness_baseline=\"blur\", maps=none, " + methodOptions + ")",
                "How faithful a method's maps are on the first count images, explaining the predicted classes: a dict of the mean areas under the class probability as the most salient pixels are deleted (lower is better) and inserted (higher is better), at points + 1 fractions, pixels replaced by or taken from faithfulness_baseline (\"blur\", \"zero\" or \"mean\"), beside the same for a random pixel order. maps: the method's maps of those images, already made by saliency(model, images, method=method), instead of making them again.") { args, _ in
            let model = try args.model("model"), dataset = try args.dataset("data")
            let count = min(try args.int("count"), dataset.count)
            guard count > 0 else { throw FernError.runtime("faithfulness: no images to score") }
            let baselineName = try args.string("faithfulness_baseline")
            guard let baseline = FaithfulnessBaseline(rawValue: baselineName) else {
                throw FernError.runtime("faithfulness: unknown faithfulness_baseline '\(baselineName)'; choose \"blur\", \"zero\" or \"mean\"")
            }
            let images = try args.reporting { try dataset.images.sliced(axis: 0, start: 0, end: count) }
            let predicted = try args.reporting { try model.predictClasses(images) }
            var maps: Tensor
            if args.optional("maps") == nil {
                maps = try saliencyMaps(args, model, images, predicted)
            } else {
                maps = try args.tensor("maps")
                guard maps.rank == 3, maps.shape[0] >= count else {
                    throw FernError.runtime("faithfulness: 'maps' must hold a [H, W] map for each of the \(count) images scored, got \(describeShape(maps.shape))")
                }
                maps = try args.reporting { try maps.sliced(axis: 0, start: 0, end: count) }
            }
            let points = try args.int("points"), seed = try args.seed("seed")
            let scores = try args.reporting {
                try Saliency.faithfulness(model: model, images: images, maps: maps, classes: predicted, points: points,
                                          baseline: baseline, seed: seed)
            }
            return .dict(try FernDictionary([
                (.string("method"), .string(try args.string("method"))),
                (.string("deletion"), .number(Double(scores.deletion))), (.string("insertion"), .number(Double(scores.insertion))),
                (.string("random_deletion"), .number(Double(scores.randomDeletion))),
                (.string("random_insertion"), .number(Double(scores.randomInsertion))),
                (.string("baseline"), .string(baseline.rawValue)), (.string("images"), .number(Double(count))),
            ]))
        },
        Builtin("saliency_mass(maps, masks)",
                "The share of each saliency map's mass inside its mask (e.g. synthetic faces' ds.masks of brows, eyes and mouth), as a list.") { args, _ in
            let maps = try args.tensor("maps"), masks = try args.tensor("masks")
            return .list(try args.reporting { try Saliency.massInside(maps, masks: masks) }.map { .number(Double($0)) })
        },
        Builtin("maximize_activation(model, layer, filters=none, steps=60, step_size=0.05, l2_decay=0.001, blur_every=0, jitter=1, seed=0)",
                "Gradient ascent from a gray image on the mean activation of each filter (default: the first 16) of a layer: [images [F, H, W, C], activations].") { args, _ in
            let (result, _) = try maximize(args)
            return .list([.tensor(result.images), .list(result.activations.map { .number(Double($0)) })])
        },
        Builtin("plot_filters(model, layer, filters=none, steps=60, step_size=0.05, l2_decay=0.001, blur_every=0, jitter=1, seed=0)",
                "A grid of the images that excite each filter of a layer most (gradient ascent), captioned with filter and activation.") { args, _ in
            let (result, filters) = try maximize(args)
            let model = try args.model("model")
            let name = model.layers[try layerIndex(args, model)].name
            return .figure(try args.reporting {
                try AnalysisFigures.maximizedFilters(images: result.images, filters: filters, activations: result.activations,
                                                     layerName: name)
            })
        },
    ]

    /// A ConfusionMatrix from a [classes, classes] counts tensor (or nested list).
    private static func confusion(_ args: Arguments) throws -> ConfusionMatrix {
        let matrix = try args.tensor("matrix")
        guard matrix.rank == 2, matrix.shape[0] == matrix.shape[1], matrix.shape[0] > 0 else {
            throw FernError.runtime("\(args.function): expected a square counts matrix from confusion_matrix, got shape \(describeShape(matrix.shape))")
        }
        let classes = matrix.shape[0]
        let names = try args.optional("class_names").map { _ in try args.strings("class_names") }
            ?? (classes == Dataset.ferClassNames.count ? Dataset.ferClassNames : (0..<classes).map(String.init))
        guard names.count == classes else {
            throw FernError.runtime("\(args.function): \(names.count) class names for \(classes) classes")
        }
        let counts = try (0..<classes).map { t in
            try (0..<classes).map { p -> Int in
                let n = matrix.scalars[t * classes + p]
                guard n >= 0, n == n.rounded(), n < 1e9 else {
                    throw FernError.runtime("\(args.function): the matrix must hold counts (whole numbers ≥ 0), found \(n)")
                }
                return Int(n)
            }
        }
        return try args.reporting { try ConfusionMatrix(counts: counts, classNames: names) }
    }

    /// A class given by index or by name (of the dataset's classes), or nil.
    private static func classIndex(_ args: Arguments, _ name: String, _ dataset: Dataset) throws -> Int? {
        switch args.optional(name) {
        case nil: return nil
        case .string(let className)?:
            guard let index = dataset.classNames.firstIndex(of: className) else {
                throw FernError.runtime("\(args.function): no class named '\(className)'; the classes are \(dataset.classNames.joined(separator: ", "))")
            }
            return index
        default: return try args.int(name)
        }
    }

    /// The options every saliency method's caller takes (each method reads its own).
    private static let methodOptions = "layer=none, samples=20, noise=0.15, steps=32, baseline=0, patch=8, stride=4, seed=0"

    static let saliencyMethods = ["gradient", "smoothgrad", "gradient_x_input", "integrated_gradients", "guided_backprop",
                                  "occlusion"] + CAMVariant.allCases.map(\.rawValue)

    private static func saliencyMaps(_ args: Arguments, _ model: Sequential, _ images: Tensor, _ classes: [Int]?) throws -> Tensor {
        let method = try args.string("method")
        let baseline = Float(try args.number("baseline"))
        if let variant = CAMVariant(rawValue: method) {
            let layer = try args.optional("layer") == nil ? defaultCAMLayer(model) : layerIndex(args, model)
            return try args.reporting { try Saliency.gradCAM(model: model, images: images, layer: layer, classes: classes, variant: variant) }
        }
        switch method {
        case "gradient":
            return try args.reporting { try Saliency.vanilla(model: model, images: images, classes: classes) }
        case "smoothgrad":
            let samples = try args.int("samples"), noise = Float(try args.number("noise"))
            let seed = try args.seed("seed")
            return try args.reporting {
                try Saliency.smoothGrad(model: model, images: images, classes: classes, samples: samples, noise: noise, seed: seed)
            }
        case "gradient_x_input":
            return try args.reporting { try Saliency.gradientTimesInput(model: model, images: images, classes: classes) }
        case "integrated_gradients":
            let steps = try args.int("steps")
            return try args.reporting {
                try Saliency.integratedGradients(model: model, images: images, classes: classes, baseline: baseline, steps: steps)
            }
        case "guided_backprop":
            return try args.reporting { try Saliency.guidedBackpropagation(model: model, images: images, classes: classes) }
        case "occlusion":
            let patch = try args.int("patch"), stride = try args.int("stride")
            return try args.reporting {
                try Saliency.occlusion(model: model, images: images, classes: classes, patch: patch, stride: stride, baseline: baseline)
            }
        default:
            throw FernError.runtime("\(args.function): unknown method '\(method)'; choose one of \(saliencyMethods.map { "\"\($0)\"" }.joined(separator: ", "))")
        }
    }

    /// Where the CAM methods look by default, as the reference says it.
    private static let defaultCAMLayerRule = "the deepest conv layer or residual block at least half the input's width"

    /// The conv layer or residual block the CAM methods use by default. Measured on the main
    /// job's model (SEED_CNN, 5 epochs on synthetic faces; 100 validation faces): on its 24x24
    /// layer every variant scored its best deletion and insertion and none left a map blank,
    /// where on the last (12x12) layer Grad-CAM's map was blank for 36 faces and half as much
    /// of it fell on the brows, eyes and mouth.
    private static func defaultCAMLayer(_ model: Sequential) throws -> Int {
        let layers = model.featureMapLayers
        guard let last = layers.last else {
            throw FernError.runtime("saliency: the CAM methods need a model with convolution layers")
        }
        let half = ((model.inputShape.dropFirst().first ?? 0) + 1) / 2
        return layers.last { model.outputShapes[$0][1] >= half } ?? last
    }

    private static func maximize(_ args: Arguments) throws -> (result: (images: Tensor, activations: [Float], trace: [Float]), filters: [Int]) {
        let model = try args.model("model")
        let layer = try layerIndex(args, model)
        let channels = model.outputShapes[layer].last ?? 0
        let filters = try args.optional("filters").map { _ in try args.wholeNumberList("filters") } ?? Array(0..<min(channels, 16))
        var ascent = ActivationMaximization()
        ascent.steps = try args.int("steps")
        ascent.stepSize = Float(try args.number("step_size"))
        ascent.l2Decay = Float(try args.number("l2_decay"))
        ascent.blurEvery = try args.int("blur_every")
        ascent.jitter = try args.int("jitter")
        ascent.seed = try args.seed("seed")
        guard (0...10_000).contains(ascent.steps), filters.count <= 1024 else {
            throw FernError.runtime("\(args.function): at most 10000 steps and 1024 filters")
        }
        return (try args.reporting { try ascent.run(model: model, layer: layer, filters: filters) }, filters)
    }
}
