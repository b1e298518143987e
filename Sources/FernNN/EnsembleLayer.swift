import FernTensor

/// Several classifiers as one: the log of their averaged class probabilities, so that a model
/// ending in this layer and a softmax predicts the averaged probabilities and works wherever a
/// model does (predict, evaluate, the confusion matrix, submissions, saliency, files). Each
/// member is a list of layers giving logits; its layers are named "ensemble.0.conv2d", ....
public final class EnsembleLayer: Layer {
    public var name: String
    public let kind = "Ensemble"
    public let members: [[Layer]]
    /// Each member's layers' output shapes, once built.
    public private(set) var memberShapes: [[[Int]]] = []

    public init(members: [[Layer]], name: String = "ensemble") throws {
        guard members.count >= 2, members.allSatisfy({ !$0.isEmpty }) else {
            throw ModelError("an ensemble needs at least two models (got \(members.count))")
        }
        self.members = members
        self.name = name
        for member in members { giveUniqueNames(member) }
    }

    /// The models as members: their layers rebuilt from their architectures without a final
    /// softmax, as one model ending in softmax, holding each model's weights.
    public static func model(of models: [Sequential]) throws -> Sequential {
        guard let first = models.first else { throw ModelError("an ensemble needs at least two models (got 0)") }
        for (k, model) in models.enumerated() where model.inputShape != first.inputShape || model.outputShape != first.outputShape {
            throw ModelError("ensemble: model \(k) takes \(describeShape(model.inputShape)) to \(describeShape(model.outputShape)) "
                             + "but model 0 takes \(describeShape(first.inputShape)) to \(describeShape(first.outputShape))")
        }
        let members = try models.map { model in
            var configs = Architecture(of: model).layers
            if configs.last?.type == "Activation" && configs.last?.activation == "softmax" {
                configs.removeLast()
            } else if configs.last?.activation == "softmax" {
                configs[configs.count - 1].activation = "linear"
            }
            return try configs.map(Architecture.makeLayer)
        }
        let ensemble = try Sequential([try EnsembleLayer(members: members), ActivationLayer(.softmax)], inputShape: first.inputShape)
        var weights: [String: Tensor] = [:]
        for (k, model) in models.enumerated() {
            for (name, value) in model.weights { weights["ensemble.\(k).\(name)"] = value }
        }
        try ensemble.loadWeights(weights)
        return ensemble
    }

    public var sublayers: [Layer] { members.flatMap { $0 } }
    public var parameters: [Parameter] { sublayers.flatMap(\.parameters) }

    public func build(inputShape: [Int], generator: inout SeededGenerator) throws -> [Int] {
        for (k, member) in members.enumerated() {
            for layer in member { layer.name = "\(name).\(k).\(layer.name)" }
        }
        memberShapes = try members.map { try buildInOrder($0, inputShape: inputShape, generator: &generator) }
        let outputs = memberShapes.map { $0.last! }
        guard outputs.allSatisfy({ $0 == outputs[0] && $0.count == 1 }) else {
            throw ModelError("\(name): the members must each give one score per class, got \(outputs.map(describeShape).joined(separator: ", "))")
        }
        return outputs[0]
    }

    public func forward(_ input: Tensor, context: ForwardContext) throws -> Tensor {
        var probabilities: Tensor?
        for member in members {
            let p = try forwardInOrder(member, input, context: context).softmax()
            probabilities = try probabilities.map { try $0 + p } ?? p
        }
        // The floor keeps a class every member rules out at a finite score.
        return try (probabilities! * (1 / Float(members.count)) + 1e-30).log()
    }

    public var config: LayerConfig {
        var c = baseConfig()
        c.members = members.enumerated().map { k, member in
            member.map { layer in
                var config = layer.config
                let prefix = "\(name).\(k)."
                if config.name.hasPrefix(prefix) { config.name.removeFirst(prefix.count) }
                return config
            }
        }
        return c
    }
}
