import FernTensor
import FernTestSupport
import Foundation
import Testing
@testable import FernNN

/// Each optimizer's update rule on a two-element parameter, against values
/// worked out by hand. Gradients are given directly (no model), so only the
/// rule is under test.
@Suite struct OptimizerTests {
    private func parameter(_ values: [Float]) throws -> Parameter {
        Parameter(name: "w", value: try tensor([values.count], values))
    }

    private func step(_ optimizer: Optimizer, _ p: Parameter, gradient: [Float]) throws {
        try optimizer.update([p], gradients: [tensor([gradient.count], gradient)])
    }

    /// Weights after `steps` updates, against the rule worked out exactly. A step is a chain of at most
    /// 16 Float operations per element (Adam's: moments 6, bias corrections 4, then √, + ε, ÷, × rate,
    /// and the decay and subtraction), on values no larger than max(1, |w|) here; Adam's 1 − β₂ᵗ loses
    /// bits to cancellation (u/(1 − β₂ᵗ) ≤ 500u), but halved by √v̂ and scaled by rate·|m̂/√v̂| ≤ 0.04
    /// it is under 10u a step. So within γ(26·steps) of max(1, |w|).
    private func expectWeights(_ actual: [Float], _ expected: [Double], steps: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(actual.count == expected.count, sourceLocation: sourceLocation)
        for (a, e) in zip(actual, expected) {
            expectClose(a, e, tolerance: Tolerance.chain(operations: 26 * steps, magnitude: Swift.max(1, Swift.abs(e))), sourceLocation: sourceLocation)
        }
    }

    // MARK: SGD

    @Test func plainSGDSubtractsLearningRateTimesGradient() throws {
        let p = try parameter([1, -2])
        let sgd = try SGD(learningRate: 0.1)
        try step(sgd, p, gradient: [0.5, -1])
        // w − η·g = [1 − 0.1·0.5, −2 − 0.1·(−1)]
        expectWeights(p.value.scalars, [0.95, -1.9], steps: 1)
        #expect(sgd.steps == 1)
    }

    @Test func sgdMomentumAccumulatesVelocityOverTwoSteps() throws {
        let p = try parameter([1])
        let sgd = try SGD(learningRate: 0.1, momentum: 0.9)
        try step(sgd, p, gradient: [0.5])
        // v = 0.9·0 − 0.1·0.5 = −0.05;  w = 1 − 0.05 = 0.95
        expectWeights(p.value.scalars, [0.95], steps: 1)
        try step(sgd, p, gradient: [-0.2])
        // v = 0.9·(−0.05) − 0.1·(−0.2) = −0.045 + 0.02 = −0.025;  w = 0.95 − 0.025 = 0.925
        expectWeights(p.value.scalars, [0.925], steps: 2)
        expectWeights(sgd.state["velocity/w"]?.scalars ?? [], [-0.025], steps: 2)
    }

    @Test func nesterovLooksAheadAlongTheVelocity() throws {
        let p = try parameter([1])
        let sgd = try SGD(learningRate: 0.1, momentum: 0.9, nesterov: true)
        try step(sgd, p, gradient: [0.5])
        // v = −0.05;  w = 1 + 0.9·(−0.05) − 0.1·0.5 = 1 − 0.045 − 0.05 = 0.905
        expectWeights(p.value.scalars, [0.905], steps: 1)
        try step(sgd, p, gradient: [-0.2])
        // v = 0.9·(−0.05) + 0.02 = −0.025;  w = 0.905 + 0.9·(−0.025) + 0.02 = 0.905 − 0.0225 + 0.02 = 0.9025
        expectWeights(p.value.scalars, [0.9025], steps: 2)
    }

    @Test func sgdWeightDecayAddsLambdaTimesWeightToTheGradient() throws {
        let p = try parameter([2, 1])
        let sgd = try SGD(learningRate: 0.1, weightDecay: 0.1)
        try step(sgd, p, gradient: [0.5, 0])
        // g + λw = [0.5 + 0.1·2, 0 + 0.1·1] = [0.7, 0.1];  w = [2 − 0.07, 1 − 0.01]
        expectWeights(p.value.scalars, [1.93, 0.99], steps: 1)
    }

    // MARK: Adam

    @Test func adamAppliesBiasCorrectedMomentsOverTwoSteps() throws {
        let p = try parameter([1, 1])
        let adam = try Adam(learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-7)
        try step(adam, p, gradient: [0.5, 0])
        // m = 0.1·0.5 = 0.05, v = 0.001·0.25 = 0.00025;  m̂ = 0.05/(1−0.9) = 0.5, v̂ = 0.00025/(1−0.999) = 0.25
        // w = 1 − 0.1·0.5/(√0.25 + 1e-7); the second element has g = 0, so m = 0 and it stays.
        expectWeights(p.value.scalars, [1 - 0.1 * 0.5 / (0.5 + 1e-7), 1], steps: 1)
        try step(adam, p, gradient: [-0.2, 0])
        // m = 0.9·0.05 + 0.1·(−0.2) = 0.025;  v = 0.999·0.00025 + 0.001·0.04 = 0.00028975
        // m̂ = 0.025/(1 − 0.9²) = 0.025/0.19;  v̂ = 0.00028975/(1 − 0.999²) = 0.00028975/0.001999
        let w1 = 1 - 0.1 * 0.5 / (0.5 + 1e-7)
        let mHat = 0.025 / 0.19, vHat = 0.00028975 / 0.001999
        expectWeights(p.value.scalars, [w1 - 0.1 * mHat / (vHat.squareRoot() + 1e-7), 1], steps: 2)
        #expect(adam.steps == 2)
    }

    @Test func adamWithL2WeightDecayFeedsTheDecayThroughTheMoments() throws {
        let p = try parameter([1, 1])
        let adam = try Adam(learningRate: 0.1, weightDecay: 0.1)
        try step(adam, p, gradient: [0.5, 0])
        // g + λw = [0.6, 0.1]. A first Adam step moves each weight by η·g/(|g| + ε/…) ≈ η:
        // element 0: m̂ = 0.6, v̂ = 0.36 → 1 − 0.1·0.6/(0.6 + 1e-7); element 1: m̂ = 0.1, v̂ = 0.01 → 1 − 0.1·0.1/(0.1 + 1e-7)
        let a1 = 1 - 0.1 * 0.6 / (0.6 + 1e-7), b1 = 1 - 0.1 * 0.1 / (0.1 + 1e-7)
        expectWeights(p.value.scalars, [a1, b1], steps: 1)
        try step(adam, p, gradient: [-0.2, 0])
        // element 0: g = −0.2 + 0.1·a1;  m = 0.9·0.06 + 0.1·g;  v = 0.999·0.00036 + 0.001·g²
        let ga = -0.2 + 0.1 * a1
        let ma = 0.9 * 0.06 + 0.1 * ga, va = 0.999 * 0.00036 + 0.001 * ga * ga
        // element 1: g = 0.1·b1;  m = 0.9·0.01 + 0.1·g;  v = 0.999·0.00001 + 0.001·g²
        let gb = 0.1 * b1
        let mb = 0.9 * 0.01 + 0.1 * gb, vb = 0.999 * 0.00001 + 0.001 * gb * gb
        let a2 = a1 - 0.1 * (ma / 0.19) / ((va / 0.001999).squareRoot() + 1e-7)
        let b2 = b1 - 0.1 * (mb / 0.19) / ((vb / 0.001999).squareRoot() + 1e-7)
        expectWeights(p.value.scalars, [a2, b2], steps: 2)
    }

    @Test func adamWShrinksWeightsDirectlyAndKeepsDecayOutOfTheMoments() throws {
        let p = try parameter([1, 1])
        let adamW = try Adam(learningRate: 0.1, weightDecay: 0.1, decoupled: true)
        try step(adamW, p, gradient: [0.5, 0])
        // w(1 − ηλ) − η·m̂/(√v̂ + ε) with 1 − ηλ = 0.99; element 1 has g = 0 so only the shrink acts.
        expectWeights(p.value.scalars, [0.99 - 0.1 * 0.5 / (0.5 + 1e-7), 0.99], steps: 1)
        try step(adamW, p, gradient: [-0.2, 0])
        // Moments as for plain Adam: m̂ = 0.025/0.19, v̂ = 0.00028975/0.001999.
        let w1 = 0.99 - 0.1 * 0.5 / (0.5 + 1e-7)
        let mHat = 0.025 / 0.19, vHat = 0.00028975 / 0.001999
        expectWeights(p.value.scalars, [w1 * 0.99 - 0.1 * mHat / (vHat.squareRoot() + 1e-7), 0.99 * 0.99], steps: 2)
        #expect(adamW.state["m/w"]?.scalars[1] == 0)
    }

    // MARK: long parameters

    /// Each rule written once more in Double, element by element, for three steps.
    private struct ReferenceRule {
        var sgd: (lr: Double, mu: Double, nesterov: Bool, wd: Double)?
        var adam: (lr: Double, b1: Double, b2: Double, eps: Double, wd: Double, decoupled: Bool)?

        func run(_ w0: [Float], _ gradients: [[Float]]) -> [Double] {
            var w = w0.map(Double.init), v = [Double](repeating: 0, count: w0.count), m = v
            for (t, g) in gradients.enumerated() {
                for i in w.indices {
                    if let s = sgd {
                        let grad = Double(g[i]) + s.wd * w[i]
                        v[i] = s.mu * v[i] - s.lr * grad
                        w[i] += s.nesterov ? s.mu * v[i] - s.lr * grad : v[i]
                    } else if let a = adam {
                        let grad = Double(g[i]) + (a.decoupled ? 0 : a.wd * w[i])
                        m[i] = a.b1 * m[i] + (1 - a.b1) * grad
                        v[i] = a.b2 * v[i] + (1 - a.b2) * grad * grad
                        let mHat = m[i] / (1 - pow(a.b1, Double(t + 1))), vHat = v[i] / (1 - pow(a.b2, Double(t + 1)))
                        w[i] = w[i] * (a.decoupled ? 1 - a.lr * a.wd : 1) - a.lr * mHat / (vHat.squareRoot() + a.eps)
                    }
                }
            }
            return w
        }
    }

    /// 70,001 elements: whole 16-float vectors, a short last vector and chunks split across
    /// cores all take the rule the two-element tests check by hand.
    @Test func longParametersFollowTheRuleInEveryElement() throws {
        let count = 70_001
        var random = SeededGenerator(seed: 7)
        let w0 = (0..<count).map { _ in Float.random(in: -1...1, using: &random) }
        let gradients = (0..<3).map { _ in (0..<count).map { _ in Float.random(in: -2...2, using: &random) } }
        let cases: [(Optimizer, ReferenceRule)] = [
            (try SGD(learningRate: 0.1), ReferenceRule(sgd: (0.1, 0, false, 0))),
            (try SGD(learningRate: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.01),
             ReferenceRule(sgd: (0.05, 0.9, true, 0.01))),
            (try Adam(learningRate: 0.01, beta1: 0.8, beta2: 0.99, epsilon: 1e-6, weightDecay: 0.1),
             ReferenceRule(adam: (0.01, 0.8, 0.99, 1e-6, 0.1, false))),
            (try Adam(learningRate: 0.02, weightDecay: 0.2, decoupled: true),
             ReferenceRule(adam: (0.02, 0.9, 0.999, 1e-7, 0.2, true))),
        ]
        for (optimizer, rule) in cases {
            let p = try parameter(w0)
            for g in gradients { try step(optimizer, p, gradient: g) }
            let expected = rule.run(w0, gradients)
            // Three steps, as in expectWeights; rates ≤ 0.05 and |g| ≤ 2 keep every value below max(1, |w|).
            let excess = zip(p.value.scalars, expected).map { abs(Double($0) - $1) - Tolerance.chain(operations: 26 * 3, magnitude: max(1, abs($1))) }
            #expect(excess.max()! <= 0, "\(optimizer.config.type): largest excess over the bound \(excess.max()!)")
        }
    }

    // MARK: settings and errors

    @Test func badHyperParametersAreRejected() {
        expectError(containing: ["SGD", "learning rate"]) { _ = try SGD(learningRate: 0) }
        expectError(containing: ["momentum"]) { _ = try SGD(learningRate: 0.1, momentum: 1) }
        expectError(containing: ["weight decay"]) { _ = try SGD(learningRate: 0.1, weightDecay: -0.1) }
        expectError(containing: ["Adam", "learning rate"]) { _ = try Adam(learningRate: -1) }
        expectError(containing: ["betas"]) { _ = try Adam(beta1: 1) }
        expectError(containing: ["betas"]) { _ = try Adam(beta2: -0.1) }
        expectError(containing: ["epsilon"]) { _ = try Adam(epsilon: 0) }
        expectError(containing: ["weight decay"]) { _ = try Adam(weightDecay: -1, decoupled: true) }
    }

    @Test func gradientCountMismatchIsRejectedWithoutChangingAnything() throws {
        let p = try parameter([1, 2])
        for optimizer: Optimizer in [try SGD(learningRate: 0.1), try Adam()] {
            expectError(containing: ["0 gradients for 1 parameters"]) { try optimizer.update([p], gradients: []) }
            #expect(optimizer.steps == 0)
        }
        #expect(p.value.scalars == [1, 2])
    }

    @Test func gradientShapeMismatchNamesTheParameterAndShapes() throws {
        let p = try parameter([1, 2])
        for optimizer: Optimizer in [try SGD(learningRate: 0.1, momentum: 0.5), try Adam()] {
            expectError(containing: ["w", "[3]", "[2]"]) {
                try optimizer.update([p], gradients: [tensor([3], [1, 1, 1])])
            }
        }
        #expect(p.value.scalars == [1, 2])
    }

    @Test func configRebuildsAnEquivalentOptimizer() throws {
        let optimizers: [Optimizer] = [try SGD(learningRate: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.01),
                                       try Adam(learningRate: 0.002, beta1: 0.8, beta2: 0.99, epsilon: 1e-6, weightDecay: 0.1),
                                       try Adam(learningRate: 0.003, weightDecay: 0.2, decoupled: true)]
        for optimizer in optimizers {
            #expect(try optimizer.config.make().config == optimizer.config)
        }
        #expect(optimizers.map(\.config.type) == ["sgd", "adam", "adamw"])
        expectError(containing: ["unknown optimizer 'rmsprop'"]) { _ = try OptimizerConfig(type: "rmsprop", learningRate: 0.1).make() }
    }
}
