import FernTensor

/// Layers applied in order: the model of the assignment's CNN and DNN.
public final class Sequential {
    public private(set) var layers: [Layer]
    /// Shape of one example (without the batch axis), e.g. [48, 48, 1].
    public private(set) var inputShape: [Int]
    /// Each layer's output shape for one example, in order.
    public private(set) var outputShapes: [[Int]] = []

    /// Builds every layer for `inputShape`, initializing weights from `seed`.
    public init(_ layers: [Layer], inputShape: [Int], seed: UInt64 = 0) throws {
        guard !layers.isEmpty else { throw ModelError("a model needs at least one layer") }
        self.layers = layers
        self.inputShape = inputShape
        giveUniqueNames(layers)
        var generator = SeededGenerator(seed: seed)
        outputShapes = try buildInOrder(layers, inputShape: inputShape, generator: &generator)
    }

    public var outputShape: [Int] { outputShapes.last ?? inputShape }

    /// The positions of the layers whose outputs are feature maps ([height, width, channels]):
    /// convolutions and residual blocks, in order. Grad-CAM and filter visualization look at these.
    public var featureMapLayers: [Int] {
        layers.indices.filter { (layers[$0] is Conv2DLayer || layers[$0] is ResidualLayer) && outputShapes[$0].count == 3 }
    }

    public var parameters: [Parameter] { layers.flatMap(\.parameters) }
    public var trainableParameters: [Parameter] { parameters.filter(\.trainable) }
    public var trainableCount: Int { trainableParameters.reduce(0) { $0 + $1.count } }
    public var nonTrainableCount: Int { parameters.filter { !$0.trainable }.reduce(0) { $0 + $1.count } }

    /// The layer with this name, or at this position.
    public func layer(named name: String) throws -> Layer {
        guard let layer = layers.first(where: { $0.name == name }) else {
            throw ModelError("no layer named '\(name)'; the layers are \(layers.map(\.name).joined(separator: ", "))")
        }
        return layer
    }

    public func layer(at index: Int) throws -> Layer {
        let i = index < 0 ? index + layers.count : index
        guard layers.indices.contains(i) else { throw ModelError("layer index \(index) is out of range (the model has \(layers.count) layers)") }
        return layers[i]
    }

    /// Runs the batch through the layers. `from` starts at that layer, with
    /// `input` being the previous layer's output (Grad-CAM continues from a
    /// conv layer's activations); `upTo` stops after that layer (feature
    /// maps); `collect` receives every layer's output.
    public func forward(_ input: Tensor, context: ForwardContext, from first: Int = 0, upTo last: Int? = nil,
                        collect: ((Int, Tensor) -> Void)? = nil) throws -> Tensor {
        guard layers.indices.contains(first) else {
            throw ModelError("cannot start at layer \(first); the model has \(layers.count) layers")
        }
        let expected = first == 0 ? inputShape : outputShapes[first - 1]
        guard Array(input.shape.dropFirst()) == expected else {
            let which = first == 0 ? "the model expects inputs" : "layer \(first) expects inputs"
            throw ModelError("\(which) of shape [batch, \(expected.map(String.init).joined(separator: ", "))], got \(describeShape(input.shape))")
        }
        var x = input
        for (index, layer) in layers.enumerated() where index >= first {
            if let last, index > last { break }
            do {
                x = try layer.forward(x, context: context)
            } catch let error as TensorError {
                throw ModelError("\(layer.name) (\(layer.kind)): \(error)")
            }
            collect?(index, x)
        }
        return x
    }

    /// Inference outputs (probabilities for a softmax model) for many examples,
    /// in batches, without recording gradients.
    public func predict(_ images: Tensor, batchSize: Int = 256) throws -> Tensor {
        let logits = try predictLogits(images, batchSize: batchSize)
        return endsInSoftmax ? try logits.softmax() : logits
    }
}

/// Keras-style names: the second "conv2d" becomes "conv2d_1".
func giveUniqueNames(_ layers: [Layer]) {
    var seen: [String: Int] = [:]
    for layer in layers {
        let base = layer.name
        if let n = seen[base] {
            var candidate = "\(base)_\(n)"
            var k = n
            while seen[candidate] != nil { k += 1; candidate = "\(base)_\(k)" }
            layer.name = candidate
            seen[base] = k + 1
            seen[candidate] = 1
        } else {
            seen[base] = 1
        }
    }
}

/// Builds layers applied in order, starting from `inputShape`; their output shapes.
func buildInOrder(_ layers: [Layer], inputShape: [Int], generator: inout SeededGenerator) throws -> [[Int]] {
    var shape = inputShape, shapes: [[Int]] = []
    for layer in layers {
        do {
            shape = try layer.build(inputShape: shape, generator: &generator)
        } catch let error as TensorError {
            throw ModelError("\(layer.name) (\(layer.kind)) cannot take inputs of shape \(describeShape(shape)): \(error)")
        }
        shapes.append(shape)
    }
    return shapes
}

/// Runs `input` through layers applied in order, naming the layer where a tensor op fails.
func forwardInOrder(_ layers: [Layer], _ input: Tensor, context: ForwardContext) throws -> Tensor {
    var x = input
    for layer in layers {
        do {
            x = try layer.forward(x, context: context)
        } catch let error as TensorError {
            throw ModelError("\(layer.name) (\(layer.kind)): \(error)")
        }
    }
    return x
}
