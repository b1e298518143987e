import Foundation

/// How the learning rate changes from epoch to epoch. `rate(epoch:)` is
/// asked before each epoch; `observe` hears each epoch's validation loss
/// (reduce-on-plateau needs it). Codable so a checkpoint resumes it exactly.
public struct LearningRateSchedule: Codable, Equatable, Sendable {
    public enum Kind: String, Codable, Sendable { case constant, step, cosine, reduceOnPlateau, warmupCosine, oneCycle }

    public var kind: Kind
    public var initialRate: Float
    /// step: multiply by `factor` every `every` epochs; plateau: multiply by `factor` after `patience` epochs without improvement.
    public var factor: Float = 0.1
    public var every: Int = 10
    public var patience: Int = 3
    /// cosine: epochs over which to decay; cosine and plateau: the floor.
    public var totalEpochs: Int = 1
    public var minimumRate: Float = 0
    /// warmupCosine: epochs of linear warm-up from `minimumRate` before the cosine.
    public var warmupEpochs: Int?
    /// Plateau state.
    public var best: Float?
    public var epochsWithoutImprovement = 0
    public var current: Float

    public static func constant(_ rate: Float) -> LearningRateSchedule {
        LearningRateSchedule(kind: .constant, initialRate: rate, current: rate)
    }

    public static func step(_ rate: Float, every: Int, factor: Float) throws -> LearningRateSchedule {
        guard every > 0, factor > 0 else { throw ModelError("step schedule needs every > 0 and factor > 0") }
        var s = LearningRateSchedule(kind: .step, initialRate: rate, current: rate)
        (s.every, s.factor) = (every, factor)
        return s
    }

    public static func cosine(_ rate: Float, totalEpochs: Int, minimumRate: Float = 0) throws -> LearningRateSchedule {
        guard totalEpochs > 0 else { throw ModelError("cosine schedule needs totalEpochs > 0") }
        var s = LearningRateSchedule(kind: .cosine, initialRate: rate, current: rate)
        (s.totalEpochs, s.minimumRate) = (totalEpochs, minimumRate)
        return s
    }

    public static func reduceOnPlateau(_ rate: Float, factor: Float = 0.5, patience: Int = 3,
                                       minimumRate: Float = 1e-6) throws -> LearningRateSchedule {
        guard factor > 0 && factor < 1, patience >= 0 else {
            throw ModelError("reduce-on-plateau needs a factor in (0, 1) and patience ≥ 0")
        }
        var s = LearningRateSchedule(kind: .reduceOnPlateau, initialRate: rate, current: rate)
        (s.factor, s.patience, s.minimumRate) = (factor, patience, minimumRate)
        return s
    }

    /// Linear warm-up over `warmup` epochs from `minimumRate` to `rate`, then a cosine down to
    /// `minimumRate` at `totalEpochs`; changes at every step.
    public static func warmupCosine(_ rate: Float, warmup: Int, totalEpochs: Int, minimumRate: Float = 0) throws -> LearningRateSchedule {
        guard totalEpochs > 0, warmup >= 0, warmup < totalEpochs else {
            throw ModelError("warm-up + cosine needs 0 ≤ warm-up epochs < total epochs (got \(warmup) of \(totalEpochs))")
        }
        var s = LearningRateSchedule(kind: .warmupCosine, initialRate: rate, current: rate)
        (s.totalEpochs, s.minimumRate, s.warmupEpochs) = (totalEpochs, minimumRate, warmup)
        return s
    }

    /// Smith's one-cycle policy as PyTorch's OneCycleLR has it: over the first 30% of
    /// `totalEpochs` a cosine rise from rate/25 to `rate`, then a cosine fall to rate/25/10⁴;
    /// changes at every step.
    public static func oneCycle(_ rate: Float, totalEpochs: Int) throws -> LearningRateSchedule {
        guard totalEpochs > 0 else { throw ModelError("one-cycle schedule needs totalEpochs > 0") }
        var s = LearningRateSchedule(kind: .oneCycle, initialRate: rate, current: rate)
        (s.totalEpochs, s.minimumRate) = (totalEpochs, rate / 25 / 10_000)
        return s
    }

    /// Whether the rate changes within an epoch (set at every step from `rate(progress:)`).
    public var changesWithinEpochs: Bool { kind == .warmupCosine || kind == .oneCycle }

    /// The rate after `progress` epochs (a fraction within an epoch for the schedules that
    /// change at every step; the others change only between epochs).
    public func rate(progress: Double) -> Float {
        let total = Double(totalEpochs)
        func cosine(from start: Float, to end: Float, _ fraction: Double) -> Float {
            // Weighted so that the ends come out exact: start at fraction 0, end at 1.
            let weight = Float(0.5 * (1 + Foundation.cos(Double.pi * min(max(fraction, 0), 1))))
            return start * weight + end * (1 - weight)
        }
        switch kind {
        case .warmupCosine:
            let warmup = Double(warmupEpochs ?? 0)
            if progress < warmup { return minimumRate + (initialRate - minimumRate) * Float(progress / warmup) }
            return cosine(from: initialRate, to: minimumRate, (progress - warmup) / (total - warmup))
        case .oneCycle:
            let peak = 0.3 * total
            if progress < peak { return cosine(from: initialRate / 25, to: initialRate, progress / peak) }
            return cosine(from: initialRate, to: minimumRate, (progress - peak) / (total - peak))
        default:
            return rate(epoch: Int(progress))
        }
    }

    /// The rate for `epoch` (0-based).
    public func rate(epoch: Int) -> Float {
        switch kind {
        case .constant: return initialRate
        case .step: return initialRate * Foundation.pow(factor, Float(epoch / every))
        case .cosine:
            let progress = min(Float(epoch) / Float(totalEpochs), 1)
            return minimumRate + (initialRate - minimumRate) * 0.5 * (1 + Foundation.cos(Float.pi * progress))
        case .reduceOnPlateau: return current
        case .warmupCosine, .oneCycle: return rate(progress: Double(epoch))
        }
    }

    /// Records an epoch's monitored loss (plateau detection).
    public mutating func observe(loss: Float) {
        guard kind == .reduceOnPlateau, loss.isFinite else { return }
        if best.map({ loss < $0 - 1e-4 * Swift.abs($0) }) ?? true {
            best = loss
            epochsWithoutImprovement = 0
        } else {
            epochsWithoutImprovement += 1
            if epochsWithoutImprovement >= patience {
                current = max(current * factor, minimumRate)
                epochsWithoutImprovement = 0
            }
        }
    }
}
