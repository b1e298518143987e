import FernNN
import FernONNX
import FernTensor

/// Model built-ins: layers, `sequential`, the reference models, summaries,
/// running a model (calling it, `logits`, `layer_output`), its weights, and
/// saving and loading.
extension Builtins {
    static let model: [Builtin] = layers + building + running + files

    private static let layers: [Builtin] = [
        Builtin("conv2d(filters, kernel_size=3, strides=1, padding=\"valid\", activation=\"linear\", use_bias=true, init=\"glorot_uniform\", name=none)",
                "A 2-D convolution layer over [height, width, channels] images; kernel_size and strides are a number or [h, w].") { args, _ in
            let filters = try args.int("filters")
            let kernel = try pair(args, "kernel_size"), strides = try pair(args, "strides")
            let padding = try Builtins.padding(args), activation = try Builtins.activation(args, "activation")
            let useBias = args.bool("use_bias"), initializer = try Builtins.initializer(args)
            return try layer(args) {
                try Conv2DLayer(filters: filters, kernelSize: kernel, strides: strides, padding: padding,
                                activation: activation, useBias: useBias, initializer: initializer)
            }
        },
        Builtin("dense(units, activation=\"linear\", use_bias=true, init=\"glorot_uniform\", name=none)",
                "A fully connected layer on flat [features] inputs (put flatten() before it after convolutions).") { args, _ in
            let units = try args.int("units")
            let activation = try Builtins.activation(args, "activation")
            let useBias = args.bool("use_bias"), initializer = try Builtins.initializer(args)
            return try layer(args) { try DenseLayer(units: units, activation: activation, useBias: useBias, initializer: initializer) }
        },
        pooling(.max, "maxpool", "Max pooling: the largest value of each pool_size window (strides default to pool_size)."),
        pooling(.average, "avgpool", "Average pooling: the mean of each pool_size window (strides default to pool_size)."),
        Builtin("batchnorm(momentum=0.99, epsilon=0.001, name=none)",
                "Batch normalization over the last axis, with running statistics used at inference.") { args, _ in
            let momentum = Float(try args.number("momentum")), epsilon = Float(try args.number("epsilon"))
            return try layer(args) { try BatchNormLayer(momentum: momentum, epsilon: epsilon) }
        },
        Builtin("dropout(rate=0.5, name=none)", "Zeroes a fraction rate of the inputs while training (inverted dropout); does nothing at inference.") { args, _ in
            let rate = Float(try args.number("rate"))
            return try layer(args) { try DropoutLayer(rate: rate) }
        },
        Builtin("flatten(name=none)", "Flattens each example to one axis, between convolutions and dense layers.") { args, _ in
            try layer(args) { FlattenLayer() }
        },
        Builtin("residual(layers, shortcut=none, activation=\"relu\", name=none)",
                "A residual block: activation(layers(x) + shortcut(x)), each a list of layers applied in order; no shortcut is the identity (x itself). Both paths must give the same shape: where the body changes the channels, give a 1x1 conv2d as the shortcut.") { args, _ in
            let body = try layerRecipes(args, "layers")
            let shortcut = args.optional("shortcut") == nil ? [] : try layerRecipes(args, "shortcut")
            let activation = try Builtins.activation(args, "activation")
            return try layer(args) {
                try ResidualLayer(body: try body.map { try $0() }, shortcut: try shortcut.map { try $0() }, activation: activation)
            }
        },
        Builtin("global_avgpool(name=none)", "The mean of each channel over the image: [height, width, channels] to [channels], before a residual network's classifier.") { args, _ in
            try layer(args) { GlobalAveragePoolingLayer() }
        },
        Builtin("activation(function, name=none)",
                "An activation as a layer: relu, leaky_relu, elu, sigmoid, tanh, softmax or linear (a name or the built-in itself).") { args, _ in
            let activation = try Builtins.activation(args, "function")
            return try layer(args) { ActivationLayer(activation) }
        },
    ]

    private static let building: [Builtin] = [
        Builtin("sequential(layers, input_shape=[48, 48, 1], seed=0)",
                "A model applying the layers in order to inputs of input_shape; weights initialized from seed. A list item may also be an activation such as relu or softmax.") { args, _ in
            try sequential(args)
        },
        referenceModel(.seedCNN, "The assignment's seed CNN: three 5x5 conv blocks (64, 128, 256) and a 128-unit dense layer; 2,207,893 parameters."),
        referenceModel(.seedDNN, "The assignment's seed DNN: dense layers of 512, 1024 and 512 units, about as many parameters as seed_cnn."),
        referenceModel(.tunedCNN, "A VGG-style CNN tuned for FER2013: three blocks of two 3x3 convs with batch norm, then 512 dense units."),
        referenceModel(.resnet, "A small residual network: a 3x3 conv stem (32, 64), four residual blocks (64, 128, 256, 512) with max pooling between, global average pooling and the classifier."),
        referenceModel(.vgg, "The VGG variant of the best published single FER2013 network: four blocks of two 3x3 convs with batch norm (64 to 512 filters), then 1024 dense units."),
        Builtin("model_named(name, classes=7, seed=0)", "A ready-made model by name, for a notebook parameter: \"seed_cnn\", \"seed_dnn\", \"tuned_cnn\", \"resnet\" or \"vgg\" (model_named(\"vgg\") is vgg()).") { args, _ in
            let name = try args.string("name")
            guard let model = ReferenceModel.allCases.first(where: { $0.languageName == name }) else {
                let names = ReferenceModel.allCases.map { "\"\($0.languageName)\"" }.joined(separator: ", ")
                throw FernError.runtime("model_named: no ready-made model '\(name)'; choose \(names)")
            }
            return try readyMade(model, args)
        },
        Builtin("ensemble(models)", "One model from several trained on the same classes: it averages their class probabilities, and works wherever a model does (predict, evaluate, confusion_matrix, write_submission, saliency, save and load). The members' weights are copied.") { args, _ in
            guard case .list = args.value("models") else {
                throw args.failure("models", expected: "a list of models, e.g. [load(\"a\"), load(\"b\")]", got: args.value("models"))
            }
            let models = try args.models("models")
            return .model(try args.reporting { try EnsembleLayer.model(of: models) })
        },
        Builtin("summary(model)", "Prints the model's layer table: each layer's output shape and parameter count, and the totals.") { args, interpreter in
            interpreter.output(try args.model("model").summary)
            return .none
        },
        Builtin("params(model, trainable=true)", "The number of trainable parameters (trainable=false: all, batch-norm statistics included).") { args, _ in
            let model = try args.model("model")
            let count = args.bool("trainable") ? model.trainableCount : model.trainableCount + model.nonTrainableCount
            return .number(Double(count))
        },
    ]

    private static let running: [Builtin] = [
        Builtin("logits(model, x)", "The model's outputs before its final softmax, in inference mode; differentiable, so grad(x -> logits(m, x)[0, c], img) gives a saliency map.") { args, _ in
            let model = try args.model("model"), x = try args.tensor("x")
            return .tensor(try args.reporting { try run(model, x, logits: true) })
        },
        Builtin("layer_output(model, x, layer)", "The output of one layer (a name such as \"conv2d_1\" or an index) for inputs x, in inference mode; differentiable.") { args, _ in
            let model = try args.model("model"), x = try args.tensor("x")
            let index = try layerIndex(args, model)
            return .tensor(try args.reporting { try run(model, x, upTo: index) })
        },
        Builtin("weights(model, layer, part=\"weight\")", "A copy of a layer's parameter: \"weight\" (conv kernels [kh, kw, in, out]), \"bias\", \"gamma\", \"beta\", \"running_mean\" or \"running_variance\".") { args, _ in
            let model = try args.model("model")
            let layer = model.layers[try layerIndex(args, model)]
            let part = try args.string("part")
            guard let parameter = layer.parameters.first(where: { $0.name == "\(layer.name).\(part)" }) else {
                let parts = layer.parameters.map { String($0.name.dropFirst(layer.name.count + 1)) }
                throw FernError.runtime("weights: layer \(layer.name) (\(layer.kind)) has no '\(part)'"
                                        + (parts.isEmpty ? "; it has no parameters" : "; it has " + parts.joined(separator: ", ")))
            }
            return .tensor(parameter.value.detached())
        },
    ]

    private static let files: [Builtin] = [
        Builtin("save(model, path)", "Saves the model as path.safetensors (weights, readable by numpy/PyTorch) and path.json (architecture).") { args, _ in
            let model = try args.model("model"), path = try args.string("path")
            try args.reporting { try model.save(to: path) }
            return .none
        },
        Builtin("load(path)", "A model saved by save(model, path): architecture and weights; or the model in a training checkpoint (fit's checkpoint=), as its last epoch was scored.") { args, _ in
            let path = try args.string("path")
            return .model(try args.reporting { try Sequential.load(from: path) })
        },
        Builtin("export_onnx(model, path)", "Writes the model as ONNX (opset 17) for onnxruntime, OpenCV or PyTorch: input [N, channels, height, width] (NCHW), output the model's; dropout left out, layer names kept.") { args, _ in
            let model = try args.model("model"), path = try args.string("path")
            try args.reporting { try ONNXExport.write(model, to: path) }
            return .none
        },
        Builtin("load_onnx(path)", "A model from an ONNX file (Fern's export, or a CNN exported by PyTorch or Keras with the same kinds of layers); it predicts, trains further and explains like any other.") { args, _ in
            let path = try args.string("path")
            return .model(try args.reporting { try ONNXImport.model(contentsOf: path) })
        },
    ]

    // MARK: Calling a model

    /// `m(x)`: the model's outputs (probabilities for a softmax model) for a
    /// batch, or for one example given without the batch axis.
    static func callModel(_ model: Sequential, _ arguments: [Value], _ keywords: [(String, Value)]) throws -> Value {
        guard arguments.count == 1, keywords.isEmpty else {
            throw FernError.runtime("a model takes one argument, a tensor of inputs (m(x)); got \(arguments.count + keywords.count)")
        }
        guard case .tensor(let x) = arguments[0] else {
            throw FernError.runtime("a model takes a tensor of inputs, got a \(arguments[0].typeName)"
                                    + (arguments[0].typeName == "dataset" ? "; use predict(model, ds) for a dataset" : ""))
        }
        do {
            return .tensor(try run(model, x))
        } catch let error as ModelError {
            throw FernError.runtime("model: \(error.message)")
        }
    }

    /// Runs the model in inference mode on a batch, or on one example given
    /// without the batch axis (the result then has none either). Inputs that
    /// need no gradient go through in batches without recording one.
    private static func run(_ model: Sequential, _ x: Tensor, logits: Bool = false, upTo last: Int? = nil) throws -> Tensor {
        let single = x.shape == model.inputShape
        let batch = single ? try x.reshaped([1] + x.shape) : x
        let y: Tensor
        if last == nil && !x.requiresGrad {
            y = logits ? try model.predictLogits(batch) : try model.predict(batch)
        } else {
            let context = ForwardContext(training: false)
            let forward = {
                logits ? try model.logits(batch, context: context) : try model.forward(batch, context: context, upTo: last)
            }
            y = x.requiresGrad ? try forward() : try GradientMode.withoutGradients(forward)
        }
        return single ? try y.indexed(0) : y
    }

    /// The position of the layer named (or numbered) by the `layer` argument.
    static func layerIndex(_ args: Arguments, _ model: Sequential) throws -> Int {
        let layer: Layer
        switch args.value("layer") {
        case .string(let name): layer = try args.reporting { try model.layer(named: name) }
        case .number: layer = try args.reporting { try model.layer(at: try args.int("layer")) }
        default: throw args.failure("layer", expected: "a layer name or index", got: args.value("layer"))
        }
        return model.layers.firstIndex { $0 === layer } ?? 0
    }

    // MARK: Building

    private static func sequential(_ args: Arguments) throws -> Value {
        guard case .list = args.value("layers") else {
            throw args.failure("layers", expected: "a list of layers, e.g. [dense(64, activation=\"relu\"), dense(7)]", got: args.value("layers"))
        }
        let layers = try layerRecipes(args, "layers").map { make in try args.reporting { try make() } }
        let inputShape = try args.shape("input_shape")
        guard !inputShape.isEmpty, inputShape.allSatisfy({ $0 > 0 }) else {
            throw FernError.runtime("sequential: input_shape must be positive sizes such as [48, 48, 1], got \(describeShape(inputShape))")
        }
        try checkSize(of: layers, inputShape: inputShape)
        let seed = try args.seed("seed")
        return .model(try args.reporting { try Sequential(layers, inputShape: inputShape, seed: seed) })
    }

    /// The makers of a list argument's layers; an item may also be an activation (`relu`).
    private static func layerRecipes(_ args: Arguments, _ name: String) throws -> [() throws -> Layer] {
        guard case .list(let items) = args.value(name) else {
            throw args.failure(name, expected: "a list of layers, e.g. [dense(64, activation=\"relu\"), dense(7)]", got: args.value(name))
        }
        return try items.enumerated().map { index, item -> () throws -> Layer in
            switch item {
            case .layer(let recipe): return recipe.make
            case .builtin(let builtin):
                guard let activation = try? Activation(name: builtin.name) else {
                    throw FernError.runtime("\(args.function): item \(index) of '\(name)' is the function \(builtin.name), which is not a layer")
                }
                return { ActivationLayer(activation) }
            default:
                throw FernError.runtime("\(args.function): item \(index) of '\(name)' is a \(item.typeName), not a layer; layers are made by conv2d, dense, maxpool, ...")
            }
        }
    }

    /// Refuses, before allocating anything, a model whose weights or
    /// activations would be too large, from an upper bound on each layer's
    /// output size (convolutions and pooling never make an image larger).
    private static func checkSize(of layers: [Layer], inputShape: [Int]) throws {
        var pixels = Double(inputShape.dropLast().reduce(1, *)), channels = Double(inputShape.last ?? 1)
        for config in layers.flatMap(\.allLayers).map(\.config) {
            var weights = 0.0
            if let filters = config.filters {
                weights = Double((config.kernelSize ?? []).reduce(1, *)) * channels * Double(filters)
                channels = Double(filters)
            } else if let units = config.units {
                weights = pixels * channels * Double(units)
                (pixels, channels) = (1, Double(units))
            } else if config.type == "Flatten" {
                (pixels, channels) = (1, pixels * channels)
            }
            try Arguments.checkSize(max(weights, pixels * channels), "sequential")
        }
    }

    private static func referenceModel(_ model: ReferenceModel, _ doc: String) -> Builtin {
        Builtin("\(model.languageName)(classes=7, seed=0)", doc) { args, _ in try readyMade(model, args) }
    }

    private static func readyMade(_ model: ReferenceModel, _ args: Arguments) throws -> Value {
        let classes = try args.int("classes")
        guard (1...1000).contains(classes) else {
            throw FernError.runtime("\(args.function): 'classes' must be between 1 and 1000, got \(classes)")
        }
        let seed = try args.seed("seed")
        return .model(try args.reporting { try model.make(classes: classes, seed: seed) })
    }

    private static func pooling(_ kind: PoolingLayer.Kind, _ name: String, _ doc: String) -> Builtin {
        Builtin("\(name)(pool_size=2, strides=none, padding=\"valid\", name=none)", doc) { args, _ in
            let size = try pair(args, "pool_size")
            let strides = args.optional("strides") == nil ? nil : try pair(args, "strides")
            let padding = try Builtins.padding(args)
            return try layer(args) { try PoolingLayer(kind, poolSize: size, strides: strides, padding: padding) }
        }
    }

    /// An activation layer by name: what `softmax()` or `relu()` without an argument give.
    static func activationLayer(_ name: String) throws -> Value {
        .layer(try LayerRecipe { ActivationLayer(try Activation(name: name)) })
    }

    /// A layer value; the layer is made once now to check its settings.
    private static func layer(_ args: Arguments, _ make: @escaping () throws -> Layer) throws -> Value {
        let name = try args.optionalString("name")
        return .layer(try args.reporting {
            try LayerRecipe {
                let layer = try make()
                if let name { layer.name = name }
                return layer
            }
        })
    }

    // MARK: Layer settings

    /// A size given as one number (both axes) or [height, width].
    private static func pair(_ args: Arguments, _ name: String) throws -> (Int, Int) {
        let sizes = try args.shape(name)
        guard sizes.allSatisfy({ (1...4096).contains($0) }), sizes.count == 1 || sizes.count == 2 else {
            throw FernError.runtime("\(args.function): '\(name)' must be a number or [height, width] between 1 and 4096, got \(args.value(name).repr)")
        }
        return (sizes[0], sizes[sizes.count - 1])
    }

    private static func padding(_ args: Arguments) throws -> Padding {
        let text = try args.string("padding")
        guard let padding = Padding(rawValue: text.lowercased()) else {
            throw FernError.runtime("\(args.function): padding must be \"same\" or \"valid\", got \"\(text)\"")
        }
        return padding
    }

    /// An activation by name, or given as the built-in itself (`relu`).
    private static func activation(_ args: Arguments, _ name: String) throws -> Activation {
        switch args.optional(name) {
        case nil: return .linear
        case .builtin(let builtin)?: return try args.reporting { try Activation(name: builtin.name) }
        case .string(let text)?: return try args.reporting { try Activation(name: text) }
        case let other?: throw args.failure(name, expected: "an activation name such as \"relu\"", got: other)
        }
    }

    private static func initializer(_ args: Arguments) throws -> Initializer {
        let text = try args.string("init")
        return try args.reporting { try Initializer(name: text) }
    }
}
