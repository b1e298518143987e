/// A setting a resumed run was given differently from the one its checkpoint was trained with,
/// so `fit` and `fern train` can say in their own words what changed mid-run (a notebook edited
/// between two sessions resumes its checkpoint with the new settings).
public struct RecipeChange: Equatable, Sendable {
    public let setting: RecipeError.Setting
    /// The checkpoint's value and the resumed run's, as users write them.
    public let from: String, to: String

    /// `erasing 0.25 → 0`, the setting called `name`.
    public func described(calling name: String) -> String { "\(name) \(from) → \(to)" }
}

extension TrainingRecipe {
    /// The settings in which this recipe differs from `stored`, a checkpoint's, in the order
    /// `fit` lists its parameters; where the checkpoint is written is not a setting.
    public func changes(since stored: TrainingRecipe) -> [RecipeChange] {
        func number(_ value: Float) -> String { RecipeError.format(value) }
        func describe(_ recipe: TrainingRecipe) -> [(RecipeError.Setting, String)] {
            let augmentation = recipe.augmentation
            let weighting = switch recipe.classWeighting {
            case .none: "false"
            case .balanced: "true"
            case .given(let weights): "[" + weights.map(number).joined(separator: ", ") + "]"
            }
            return [
                (.epochs, String(recipe.epochs)), (.batchSize, String(recipe.batchSize)),
                (.optimizer, recipe.optimizer.rawValue), (.learningRate, number(recipe.learningRate)),
                (.momentum, number(recipe.momentum)), (.nesterov, String(recipe.nesterov)),
                (.weightDecay, number(recipe.weightDecay)), (.classWeights, weighting),
                (.flip, String(augmentation.horizontalFlip)), (.shift, String(augmentation.maxShift)),
                (.rotate, number(augmentation.maxRotationDegrees)), (.zoom, number(augmentation.maxZoom)),
                (.crop, String(augmentation.maxCrop)), (.erasing, number(augmentation.erasing)),
                (.schedule, recipe.schedule.rawValue), (.warmup, String(recipe.warmupEpochs)),
                (.plateauFactor, number(recipe.plateauFactor)), (.plateauPatience, String(recipe.plateauPatience)),
                (.labelSmoothing, number(recipe.labelSmoothing)), (.mixup, number(recipe.mixup)),
                (.cutMix, number(recipe.cutMix)), (.distillation, number(recipe.distillation)),
                (.averaging, number(recipe.averaging)),
                (.patience, recipe.earlyStoppingPatience.map(String.init) ?? "none"), (.monitor, recipe.monitor.name),
                (.restoreBest, String(recipe.restoreBestWeights)), (.seed, String(recipe.seed)),
                (.batchNormBatches, String(recipe.batchNormRecalibrationBatches)),
                (.testTimeAugmentation, recipe.testTimeAugmentation.rawValue),
                (.precision, recipe.precision?.rawValue ?? "none"),
            ]
        }
        return zip(describe(stored), describe(self)).compactMap { old, new in
            old.1 == new.1 ? nil : RecipeChange(setting: new.0, from: old.1, to: new.1)
        }
    }
}

extension Trainer {
    /// What a front end says on resuming: `resumed c.ckpt after epoch 4 (of 10 asked); changed
    /// since it was written: erasing 0.25 → 0`, each setting called as `name` says.
    public func resumedLine(_ checkpoint: String, calling name: (RecipeError.Setting) -> String) -> String {
        let changes = changesOnResume.map { $0.described(calling: name($0.setting)) }
        return "resumed \(checkpoint) after epoch \(epochsDone) (of \(recipe.epochs) asked)"
            + (changes.isEmpty ? "" : "; changed since it was written: " + changes.joined(separator: ", "))
    }
}
