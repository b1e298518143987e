import FernNN
import FernTensor
import FernTestSupport
import Foundation
import Testing
@testable import FernLang

@Suite struct TrainingBuiltinTests {
    /// 300 normalized synthetic faces split 80/20, and a small CNN.
    static let setup = """
        ds = normalize(synthetic_faces(300, seed=1))
        train, val = split(ds, 0.2, seed=1)
        m = sequential([conv2d(8, 5, strides=2, activation="relu"), maxpool(2), flatten(), dense(7, activation="softmax")], seed=1)
        """

    @Test func fitImprovesASmallCNNOnSyntheticFaces() throws {
        let session = try Session()
        try session.run(Self.setup + "\nbefore = evaluate(m, train)")
        try session.run("h = fit(m, train, epochs=8, batch=32, lr=0.003, validation=val, seed=1)")
        let loss = try session.numbers("h.loss")
        #expect(loss.count == 8)
        #expect(try session.numbers("h.val_accuracy").count == 8)
        #expect(loss.last! < loss.first! - 0.15, "training loss \(loss)")
        let before = try session.numbers("before"), after = try session.numbers("evaluate(m, train)")
        #expect(after[0] < before[0] - 0.15 && after[1] > before[1] + 0.1, "before \(before), after \(after)")
        // evaluate's accuracy is the share of predict's classes that are right.
        let share = try session.numbers("evaluate(m, val)")[1]
        // The same share of right answers, evaluate's rounded to Float.
        #expect(abs(try session.number("accuracy(val.labels, predict(m, val))") - share) <= Tolerance.ulps(0.5, of: share))
        #expect(try session.tensor("predict_proba(m, val)").shape == [Int(try session.number("len(val)")), 7])
        // tta="mirror": mirror-averaged classes (their arithmetic is tested in FernNNTests.ForwardTests).
        for tta in ["mirror", "tencrop"] {
            let predicted = try session.numbers("predict(m, val, tta=\"\(tta)\")")
            #expect(predicted.count == Int(try session.number("len(val)")))
            #expect(predicted.allSatisfy { (0..<7).contains(Int($0)) })
            let scored = try session.numbers("evaluate(m, val, tta=\"\(tta)\")")
            let share = try session.number("accuracy(val.labels, predict(m, val, tta=\"\(tta)\"))")
            #expect(abs(scored[1] - share) <= Tolerance.ulps(0.5, of: share))
        }
    }

    @Test func fitUsesTheInterpretersProgressAndStopsCleanlyWhenInterrupted() throws {
        let session = try Session()
        try session.run(Self.setup + "\nbefore = predict_proba(m, val)")
        let progressMade = Box(0), polls = Box(0)
        session.interpreter.makeProgress = {
            progressMade.value += 1
            return .init(style: .silent) { _ in }
        }
        // The fit call polls once, then the trainer once per batch: 8 batches
        // of 30 make an epoch, so the stop comes in the middle of the second.
        session.interpreter.shouldStop = {
            polls.value += 1
            return polls.value > 12
        }
        try session.run("h = fit(m, train, epochs=50, batch=30)")
        session.interpreter.shouldStop = { false }
        #expect(progressMade.value >= 1)
        #expect(try session.run("h.epochs") == "1")
        #expect(try session.run("h.stopped_early") == "true")
        #expect(try session.run("predict_proba(m, val) == before") == "false", "the weights were trained in place")
    }

    @Test func resumingFromACompleteCheckpointDoesNotRetrain() throws {
        let session = try Session()
        let checkpoint = session.path("cnn.ckpt")
        try session.run(Self.setup + """

            h = fit(m, train, epochs=2, batch=64, validation=val, checkpoint="\(checkpoint)", resume=true)
            again = sequential([conv2d(8, 5, strides=2, activation="relu"), maxpool(2), flatten(), dense(7, activation="softmax")], seed=9)
            h2 = fit(again, train, epochs=2, batch=64, validation=val, checkpoint="\(checkpoint)", resume=true)
            h3 = fit(again, train, epochs=3, batch=64, validation=val, checkpoint="\(checkpoint)", resume=true)
            """)
        #expect(FileManager.default.fileExists(atPath: checkpoint))
        #expect(try session.numbers("h2.loss") == session.numbers("h.loss"))
        #expect(try session.run("h3.epochs") == "3")
        #expect(try session.numbers("h3.loss").prefix(2) == session.numbers("h.loss")[...])
        let other = "sequential([flatten(), dense(7)])"
        #expect(session.error("fit(\(other), train, epochs=3, checkpoint=\"\(checkpoint)\", resume=true)")
                .contains("holds a different model"))
        // Each resume says so; only the one asking for more epochs has a change to report.
        #expect(session.output.filter { $0.hasPrefix("fit: resumed") } == [
            "fit: resumed \(checkpoint) after epoch 2 (of 2 asked)",
            "fit: resumed \(checkpoint) after epoch 2 (of 3 asked); changed since it was written: 'epochs' 2 → 3",
        ])
    }

    /// A notebook edited between two runs resumes its checkpoint with the new settings: fit says
    /// which differ from the checkpoint's, and nothing when the same call is made again (SGD,
    /// one-cycle and the moving average included, which the trainer records in its own terms).
    @Test func resumingWithOtherSettingsSaysWhichChanged() throws {
        let session = try Session()
        let checkpoint = session.path("recipe.ckpt")
        let recipe = """
            batch=64, optimizer="sgd", lr=0.05, momentum=0.9, nesterov=true, weight_decay=5e-4, schedule="one_cycle", \
            flip=true, crop=4, rotate=10, zoom=0.1, label_smoothing=0.1, ema=0.999, validation=val, seed=3, \
            resume=true, checkpoint="\(checkpoint)"
            """
        try session.run(Self.setup + "\nh = fit(m, train, epochs=1, erasing=0.25, \(recipe))")
        #expect(!session.output.contains { $0.hasPrefix("fit: resumed") }, "a new run resumes nothing")
        try session.run("h = fit(m, train, epochs=1, erasing=0.25, \(recipe))")
        #expect(session.output.last == "fit: resumed \(checkpoint) after epoch 1 (of 1 asked)")
        try session.run("h = fit(m, train, epochs=2, erasing=0, \(recipe.replacing("seed=3", with: "seed=4")))")
        #expect(session.output.last == "fit: resumed \(checkpoint) after epoch 1 (of 2 asked); changed since it was written: "
                + "'epochs' 1 → 2, 'erasing' 0.25 → 0, 'seed' 3 → 4")
        #expect(try session.run("h.epochs") == "2")
    }

    @Test func optimizersSchedulesAugmentationAndClassWeightsAreKeywordOptions() throws {
        let session = try Session()
        try session.run(Self.setup)
        try session.run("h = fit(m, train, epochs=3, batch=64, optimizer=\"sgd\", lr=0.05, momentum=0.9, schedule=\"cosine\", flip=true, shift=2, rotate=5, zoom=0.1, class_weights=true, seed=2)")
        let rates = try session.numbers("h.learning_rate")
        // The cosine schedule's first rate is 0.05 but for its 12 Float roundings (see ScheduleTests).
        #expect(rates.count == 3 && abs(rates[0] - 0.05) <= Tolerance.chain(operations: 12, magnitude: 0.05)
                && rates[1] < rates[0] && rates[2] < rates[1], "\(rates)")
        let plateau = session.path("plateau.ckpt")
        try session.run("h = fit(m, train, epochs=2, optimizer=\"adamw\", weight_decay=0.01, class_weights=[1, 2, 1, 1, 1, 1, 1], validation=0.25, patience=1, monitor=\"val_loss\", schedule=\"plateau\", plateau_factor=0.75, plateau_patience=5, checkpoint=\"\(plateau)\")")
        #expect(try session.numbers("h.val_loss").count >= 1)
        let stored = try TrainingRecipe.stored(in: plateau)
        #expect((stored.schedule, stored.plateauFactor, stored.plateauPatience) == (.plateau, 0.75, 5))
        try session.run("h = fit(m, train, epochs=1, schedule=\"step\")")
        #expect(try session.numbers("h.learning_rate") == [Double(Float(0.001))])
    }

    @Test func confusionMatrixCountsTrueAgainstPredictedClasses() throws {
        let session = try Session()
        let matrix = try session.tensor("confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2])")
        #expect(matrix.shape == [3, 3])
        #expect(matrix.scalars == [1, 0, 0, 0, 1, 1, 0, 0, 1])
        #expect(try session.tensor("confusion_matrix([0], [1], classes=4)").shape == [4, 4])
        #expect(try session.number("accuracy([0, 1, 1, 2], [0, 1, 2, 2])") == 0.75)
        #expect(session.error("confusion_matrix([0, 1], [0])").contains("confusion_matrix: 2 labels but 1 predictions"))
        #expect(session.error("confusion_matrix([0, 5], [0, 1], classes=3)").contains("class 5 is outside 0-2"))
    }

    @Test func writeSubmissionPredictsTheTestImages() throws {
        let session = try Session()
        let path = session.path("submission.csv")
        try session.run(Self.setup + "\ntest = take(val, 5)\nwrite_submission(m, test, \"\(path)\")")
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 6)
        #expect(lines[0] == "id,label")
        let predicted = try session.numbers("predict(m, test)").map { String(Int($0)) }
        let ids = try session.numbers("test.ids").map { String(Int($0)) }
        #expect(lines.dropFirst().map(String.init) == zip(ids, predicted).map { "\($0),\($1)" })
        try session.run("write_submission([1, 2, 3, 4, 5], test, \"\(path)\")")
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasSuffix(",5\n"))
    }

    @Test func theAccuracyTricksAreKeywordOptions() throws {
        let session = try Session()
        try session.run(Self.setup)
        try session.run("h = fit(m, train, epochs=3, validation=val, schedule=\"cosine\", warmup=1, label_smoothing=0.1, mixup=0.2, cutmix=1, ema=0.99, optimizer=\"sgd\", lr=0.05, momentum=0.9, nesterov=true, weight_decay=0.0005, tta=\"mirror\", precision=\"bf16\")")
        #expect(try session.run("h.epochs") == "3")
        let rates = try session.numbers("h.learning_rate")
        #expect(rates[0] < rates[1], "warm-up: \(rates)")
        try session.run("h2 = fit(m, train, epochs=2, schedule=\"one_cycle\", lr=0.01)")
        #expect(try session.numbers("h2.learning_rate")[0] == Double(Float(0.01) / 25))
    }

    /// fit(teacher=...) distills a model's (or a list of models') class probabilities into the training targets.
    @Test func fitDistillsATeacher() throws {
        let session = try Session()
        try session.run(Self.setup)
        let fresh = "sequential([conv2d(8, 5, strides=2, activation=\"relu\"), maxpool(2), flatten(), dense(7, activation=\"softmax\")], seed=1)"
        try session.run("fit(m, train, epochs=2, seed=1)")
        try session.run("a = \(fresh)\nb = \(fresh)\nc = \(fresh)")
        try session.run("plain = fit(a, train, epochs=1, seed=1)\nhalf = fit(b, train, epochs=1, seed=1, teacher=m)\nall = fit(c, train, epochs=1, seed=1, teacher=m, distill=1)")
        let plain = try session.numbers("plain.loss"), half = try session.numbers("half.loss"), all = try session.numbers("all.loss")
        #expect(plain != half && half != all, "\(plain), \(half), \(all)")
        // A list of teachers: one alone teaches as the model itself; a second changes the targets.
        try session.run("d = \(fresh)\ne = \(fresh)")
        try session.run("listed = fit(d, train, epochs=1, seed=1, teacher=[m])\npair = fit(e, train, epochs=1, seed=1, teacher=[m, a])")
        #expect(try session.numbers("listed.loss") == half)
        #expect(try session.numbers("pair.loss") != half)
        #expect(session.error("fit(m, train, epochs=1, teacher=[m, 3])").contains("fit: item 1 is a number, not a model"))
        #expect(session.error("fit(m, train, epochs=1, teacher=[])").contains("fit: expected a model or a list of models for 'teacher', got list"))
        #expect(session.error("fit(m, train, epochs=1, distill=0.5)").contains("fit: 'distill' needs a teacher"))
        #expect(session.error("fit(m, train, epochs=1, teacher=m, distill=0)").contains("fit: 'distill' is 0, so the teacher would go unused"))
        #expect(session.error("fit(m, train, epochs=1, teacher=3)").contains("fit: expected a model or a list of models for 'teacher', got number"))
        #expect(session.error("fit(m, train, epochs=1, teacher=m, distill=2)").contains("fit: 'distill' must be in [0, 1], got 2"))
        try session.run("five = sequential([flatten(), dense(5, activation=\"softmax\")])")
        #expect(session.error("fit(m, train, epochs=1, teacher=five)").contains("fit: the teacher takes [48, 48, 1] to [5]; the training images need [48, 48, 1] to [7]"))
    }

    /// With tta, a history's val_accuracy is the augmented score and plain_val_accuracy the images'
    /// own (the last epoch's are the model's with restore_best=false); without it there is none.
    @Test func withTestTimeAugmentationTheHistoryKeepsThePlainAccuracyToo() throws {
        let session = try Session()
        try session.run(Self.setup)
        try session.run("h = fit(m, train, epochs=2, validation=val, tta=\"mirror\", restore_best=false)")
        #expect(try session.numbers("h.plain_val_accuracy").count == 2)
        #expect(try session.numbers("h.plain_val_accuracy").last == session.numbers("evaluate(m, val)").last)
        #expect(try session.numbers("h.val_accuracy").last == session.numbers("evaluate(m, val, tta=\"mirror\")").last)
        try session.run("plain = fit(m, train, epochs=1, validation=val)")
        #expect(try session.run("plain.plain_val_accuracy == none") == "true")
    }

    @Test func badTrainingArgumentsAreClearErrors() throws {
        let session = try Session()
        try session.run(Self.setup)
        #expect(session.error("fit(m, train, optimizer=\"rmsprop\")").contains("fit: unknown optimizer \"rmsprop\" (choose adam, adamw or sgd)"))
        #expect(session.error("fit(m, train, schedule=\"linear\")").contains("fit: unknown schedule \"linear\""))
        #expect(session.error("fit(m, 3)").contains("fit: expected a dataset for 'data', got number"))
        #expect(session.error("fit(m, train, bn_batches=-1)").contains("fit: 'bn_batches' must be between 0 and 10000, got -1"))
        #expect(session.error("fit(m, train, patience=2)").contains("fit: 'patience' (early stopping) needs validation data"))
        #expect(session.error("fit(m, train, class_weights=[1, 2])").contains("'class_weights' needs 7 non-negative numbers"))
        #expect(session.error("fit(m, train, lr=0)").contains("fit: 'lr' must be a positive number"))
        #expect(session.error("fit(m, train, batch=0)").contains("fit: 'batch' must be at least 1"))
        #expect(session.error("fit(m, train, validation=\"val\")").contains("expected a dataset or a fraction"))
        #expect(session.error("fit(m, train, epochs=1, optimizer=\"sgd\", momentum=2)").contains("fit: 'momentum' must be in [0, 1), got 2"))
        #expect(session.error("fit(m, train, epochs=1, shift=48)").contains("fit: 'shift' must be smaller than the images' 48 pixels, got 48"))
        #expect(session.error("fit(m, train, epochs=1, rotate=200)").contains("fit: 'rotate' must be in 0...180 degrees"))
        #expect(session.error("fit(m, train, epochs=1, tta=\"fivecrop\")").contains("fit: 'tta' must be \"none\", \"mirror\" or \"tencrop\", got \"fivecrop\""))
        #expect(session.error("predict(m, val, tta=\"flip\")").contains("predict: 'tta' must be \"none\", \"mirror\" or \"tencrop\", got \"flip\""))
        #expect(session.error("fit(m, train, epochs=1, crop=48)").contains("fit: 'crop' must be smaller than the images' 48 pixels, got 48"))
        #expect(session.error("fit(m, train, epochs=1, crop=-2)").contains("fit: 'crop' must not be negative, got -2"))
        #expect(session.error("fit(m, train, epochs=1, erasing=1.5)").contains("fit: 'erasing' must be a probability in [0, 1], got 1.5"))
        #expect(session.error("fit(m, train, label_smoothing=1)").contains("fit: 'label_smoothing' must be in [0, 1), got 1"))
        #expect(session.error("fit(m, train, epochs=3, warmup=1)").contains("fit: 'warmup' applies to the cosine schedule only"))
        #expect(session.error("fit(m, train, epochs=3, plateau_patience=5)").contains("fit: 'plateau_patience' applies to the plateau schedule only"))
        #expect(session.error("fit(m, train, schedule=\"plateau\", plateau_factor=1)").contains("fit: 'plateau_factor' must be in (0, 1), got 1"))
        #expect(session.error("fit(m, train, mixup=-1)").contains("fit: 'mixup' must be between 0 (off) and 100, got -1"))
        #expect(session.error("fit(m, train, ema=1)").contains("fit: 'ema' must be in [0, 1), got 1"))
        #expect(session.error("fit(m, train, precision=\"fp16\")").contains("fit: 'precision' must be \"f32\" or \"bf16\", got \"fp16\""))
        #expect(session.error("fit(m, train, monitor=\"loss\")").contains("fit: 'monitor' must be \"val_accuracy\" or \"val_loss\""))
        #expect(session.error("fit(m, train, epocs=3)").contains("fit() has no parameter named 'epocs'"))
        try session.run("three = sequential([flatten(), dense(3)])")
        #expect(session.error("fit(three, train, epochs=1)").contains("fit: label"))
        #expect(session.error("evaluate(m, normalize(zeros([2, 48, 48, 1])))").contains("evaluate: expected a dataset for 'data', got tensor"))
    }
}
