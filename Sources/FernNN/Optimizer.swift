import FernTensor
import Foundation

/// Updates trainable parameters from their gradients. State (moments) is
/// kept per parameter name so it survives saving and loading a checkpoint.
public protocol Optimizer: AnyObject {
    var learningRate: Float { get set }
    var config: OptimizerConfig { get }
    /// Named state tensors, for checkpoints.
    var state: [String: Tensor] { get set }
    /// Number of updates made so far.
    var steps: Int { get set }
    func update(_ parameters: [Parameter], gradients: [Tensor]) throws
}

/// The settings of an optimizer, as stored in a checkpoint.
public struct OptimizerConfig: Codable, Equatable, Sendable {
    public var type: String
    public var learningRate: Float
    public var momentum: Float = 0
    public var nesterov: Bool = false
    public var beta1: Float = 0.9
    public var beta2: Float = 0.999
    public var epsilon: Float = 1e-7
    public var weightDecay: Float = 0

    public init(type: String, learningRate: Float) {
        self.type = type
        self.learningRate = learningRate
    }

    /// The optimizer these settings describe.
    public func make() throws -> Optimizer {
        switch type {
        case "sgd": return try SGD(learningRate: learningRate, momentum: momentum, nesterov: nesterov, weightDecay: weightDecay)
        case "adam": return try Adam(learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay)
        case "adamw": return try Adam(learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
                                      weightDecay: weightDecay, decoupled: true)
        default: throw ModelError("unknown optimizer '\(type)' (choose sgd, adam, adamw)")
        }
    }
}

func checkGradients(_ parameters: [Parameter], _ gradients: [Tensor]) throws {
    guard parameters.count == gradients.count else {
        throw ModelError("optimizer got \(gradients.count) gradients for \(parameters.count) parameters")
    }
    for (p, g) in zip(parameters, gradients) where p.value.shape != g.shape {
        throw ModelError("gradient of \(p.name) has shape \(describeShape(g.shape)), the parameter \(describeShape(p.value.shape))")
    }
}

/// Takes the state tensor `key` out of `state` (creating it with zeros), so
/// that the caller holds its only reference and updates it in place; the
/// caller puts it back. (Reading it while the dictionary kept it made every
/// update copy the whole moment buffer first.)
func takeStateTensor(_ state: inout [String: Tensor], _ key: String, like parameter: Parameter) throws -> Tensor {
    if let existing = state.removeValue(forKey: key), existing.shape == parameter.value.shape { return existing }
    return try Tensor.zeros(parameter.value.shape)
}

/// Stochastic gradient descent with momentum (Keras' form: v ← μv − η·g,
/// w ← w + v; Nesterov: w ← w + μv − η·g). Weight decay adds λw to g (L2).
public final class SGD: Optimizer {
    public var learningRate: Float
    public let momentum: Float
    public let nesterov: Bool
    public let weightDecay: Float
    public var state: [String: Tensor] = [:]
    public var steps = 0

    public init(learningRate: Float = 0.01, momentum: Float = 0, nesterov: Bool = false, weightDecay: Float = 0) throws {
        guard learningRate > 0, momentum >= 0, momentum < 1, weightDecay >= 0 else {
            throw ModelError("SGD needs learning rate > 0, momentum in [0, 1) and weight decay ≥ 0")
        }
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
    }

    public var config: OptimizerConfig {
        var c = OptimizerConfig(type: "sgd", learningRate: learningRate)
        c.momentum = momentum
        c.nesterov = nesterov
        c.weightDecay = weightDecay
        return c
    }

    public func update(_ parameters: [Parameter], gradients: [Tensor]) throws {
        try checkGradients(parameters, gradients)
        steps += 1
        let (lr, mu, wd, nesterov) = (learningRate, momentum, weightDecay, self.nesterov)
        for (p, g) in zip(parameters, gradients) {
            if mu == 0 {
                // No momentum: no velocity to keep (and none to allocate every step).
                g.withUnsafeScalars { g in
                    p.value.withUnsafeMutableScalars { w in
                        Parallel.forEachChunk(w.count, cost: 4) { range in
                            Lanes.forEachVector(in: range) { i, n in
                                let wi = Lanes.load(w, i, n)
                                Lanes.store(wi - lr * (Lanes.load(g, i, n) + wd * wi), w, i, n)
                            }
                        }
                    }
                }
                continue
            }
            var velocity = try takeStateTensor(&state, "velocity/\(p.name)", like: p)
            g.withUnsafeScalars { g in
                velocity.withUnsafeMutableScalars { v in
                    p.value.withUnsafeMutableScalars { w in
                        Parallel.forEachChunk(w.count, cost: 6) { range in
                            Lanes.forEachVector(in: range) { i, n in
                                let wi = Lanes.load(w, i, n)
                                let grad = Lanes.load(g, i, n) + wd * wi
                                let vi = mu * Lanes.load(v, i, n) - lr * grad
                                Lanes.store(vi, v, i, n)
                                Lanes.store(wi + (nesterov ? mu * vi - lr * grad : vi), w, i, n)
                            }
                        }
                    }
                }
            }
            state["velocity/\(p.name)"] = velocity
        }
    }
}

/// Adam (Kingma & Ba) with bias correction. `weightDecay` is L2 added to the
/// gradient, or with `decoupled` (AdamW) a direct shrink w ← w − η·λ·w.
public final class Adam: Optimizer {
    public var learningRate: Float
    public let beta1: Float, beta2: Float, epsilon: Float
    public let weightDecay: Float
    public let decoupled: Bool
    public var state: [String: Tensor] = [:]
    public var steps = 0

    public init(learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7,
                weightDecay: Float = 0, decoupled: Bool = false) throws {
        guard learningRate > 0, (0..<1).contains(beta1), (0..<1).contains(beta2), epsilon > 0, weightDecay >= 0 else {
            throw ModelError("Adam needs learning rate > 0, betas in [0, 1), epsilon > 0 and weight decay ≥ 0")
        }
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupled = decoupled
    }

    public var config: OptimizerConfig {
        var c = OptimizerConfig(type: decoupled ? "adamw" : "adam", learningRate: learningRate)
        c.beta1 = beta1
        c.beta2 = beta2
        c.epsilon = epsilon
        c.weightDecay = weightDecay
        return c
    }

    public func update(_ parameters: [Parameter], gradients: [Tensor]) throws {
        try checkGradients(parameters, gradients)
        steps += 1
        let t = Float(steps)
        let (lr, b1, b2, eps) = (learningRate, beta1, beta2, epsilon)
        let correction1 = 1 - Foundation.pow(b1, t), correction2 = 1 - Foundation.pow(b2, t)
        let coupledDecay = decoupled ? 0 : weightDecay
        let shrink = decoupled ? 1 - lr * weightDecay : 1
        for (p, g) in zip(parameters, gradients) {
            var m = try takeStateTensor(&state, "m/\(p.name)", like: p)
            var v = try takeStateTensor(&state, "v/\(p.name)", like: p)
            g.withUnsafeScalars { g in
                m.withUnsafeMutableScalars { m in
                    v.withUnsafeMutableScalars { v in
                        p.value.withUnsafeMutableScalars { w in
                            Parallel.forEachChunk(w.count, cost: 16) { range in
                                Lanes.forEachVector(in: range) { i, n in
                                    let wi = Lanes.load(w, i, n)
                                    let grad = Lanes.load(g, i, n) + coupledDecay * wi
                                    let mi = b1 * Lanes.load(m, i, n) + (1 - b1) * grad
                                    let vi = b2 * Lanes.load(v, i, n) + (1 - b2) * grad * grad
                                    let mHat = mi / correction1, vHat = vi / correction2
                                    Lanes.store(mi, m, i, n)
                                    Lanes.store(vi, v, i, n)
                                    Lanes.store(wi * shrink - lr * mHat / (vHat.squareRoot() + eps), w, i, n)
                                }
                            }
                        }
                    }
                }
            }
            state["m/\(p.name)"] = m
            state["v/\(p.name)"] = v
        }
    }
}
