import FernNN
import FernTestSupport
import Foundation
import Testing

/// `fern train --report` and `fern ensemble --report`: run.json and submission.csv, as the
/// results under results/fer2013/ are made.
@Suite struct ResultReportTests {
    static let data = ["--data", "synthetic", "--synthetic-count", "300"]

    /// A test.csv of `count` random faces with ids 100, 101, ... (unlabelled, as the assignment's).
    private func testCSV(_ count: Int, in folder: TemporaryFolder) throws -> String {
        var generator = SystemRandomNumberGenerator()
        let rows = (0..<count).map { id in "\(100 + id)," + (0..<2304).map { _ in String(Int.random(in: 0...255, using: &generator)) }.joined(separator: " ") }
        try (["id,feature"] + rows).joined(separator: "\n").write(toFile: folder.path("test.csv"), atomically: true, encoding: .utf8)
        return "test.csv"
    }

    private func json(_ path: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
    }

    /// The figures in run.json agree with each other and with the submission.
    private func checkScores(_ run: [String: Any], images: Int) throws {
        let validation = try #require(run["validation"] as? [String: Any])
        let matrix = try #require(validation["confusionMatrix"] as? [[Int]])
        #expect(matrix.count == 7 && matrix.joined().reduce(0, +) == images)
        let correct = (0..<7).map { matrix[$0][$0] }.reduce(0, +)
        // JSONEncoder writes the shortest text that reads back as the same Double, but JSONSerialization
        // on Linux may read it one ulp off (0.06666666666666667, 1/15, comes back as 0.06666666666666668).
        func same(_ read: Double?, _ exact: Double) -> Bool { read.map { abs($0 - exact) <= exact.ulp } == true }
        #expect(same(validation["accuracy"] as? Double, Double(correct) / Double(images)), "\(String(describing: validation["accuracy"]))")
        let recall = try #require(validation["recall"] as? [String: Double])
        #expect(recall.count == 7)
        #expect(same(recall["happy"], Double(matrix[3][3]) / Double(matrix[3].reduce(0, +))))
        for key in ["mirrorAccuracy", "tenCropAccuracy"] {
            let share = try #require(validation[key] as? Double)
            #expect((0...1).contains(share) && abs((share * Double(images)).rounded() - share * Double(images)) < 1e-9, "a share of \(images) images")
        }
    }

    private func checkSubmission(_ path: String, rows: Int) throws {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == rows + 1 && lines[0] == "id,label")
        #expect(lines.dropFirst().map { Int($0.split(separator: ",")[0])! } == Array(100..<(100 + rows)))
        #expect(lines.dropFirst().allSatisfy { (0..<7).contains(Int($0.split(separator: ",")[1])!) })
    }

    @Test(.timeLimit(.minutes(5)))
    func trainAndEnsembleWriteRunJSONAndASubmission() throws {
        let folder = try TemporaryFolder()
        let test = try testCSV(6, in: folder)
        let member = Self.data + ["--model", "seed-dnn", "--epochs", "2", "--no-class-weights"]
        let printed = try TrainCommandTests.fern(["train"] + member + ["--seed", "1", "--output", "a", "--report", "a-run", "--test", test], in: folder)
        #expect(printed.contains("wrote a-run/run.json and submission.csv"))
        _ = try TrainCommandTests.fern(["train"] + member + ["--seed", "2", "--output", "b", "--tta", "mirror", "--report", "b-run"],
                                       in: folder)

        let run = try json(folder.path("a-run/run.json"))
        #expect((run["command"] as? String)?.hasPrefix("fern train --data synthetic") == true)
        #expect(run["model"] as? String == "seed-dnn")
        let split = try #require(run["split"] as? [String: Any])
        #expect(split["validationImages"] as? Int == 30 && split["seed"] as? Int == 1)
        let epochs = try #require(run["epochs"] as? [[String: Any]])
        #expect(epochs.count == 2)
        let minutes = epochs.compactMap { $0["minutesSoFar"] as? Double }
        #expect(minutes.count == 2 && minutes[0] > 0 && minutes[1] > minutes[0])
        #expect(run["trainingMinutes"] as? Double == minutes[1])
        #expect((run["recipe"] as? [String: Any])?["epochs"] as? Int == 2)
        try checkScores(run, images: 30)
        try checkSubmission(folder.path("a-run/submission.csv"), rows: 6)
        // Epochs scored with --tta keep the plain score beside (for time to accuracy either way); others have none.
        #expect(epochs.allSatisfy { $0["plainValidationAccuracy"] == nil })
        let mirrored = try #require(try json(folder.path("b-run/run.json"))["epochs"] as? [[String: Any]])
        #expect(mirrored.compactMap { $0["plainValidationAccuracy"] as? Double }.count == 2)

        let ensembled = try TrainCommandTests.fern(["ensemble", "a", "b"] + Self.data + ["--tta", "mirror", "--report", "e-run", "--test", test,
                                                                                       "--output", "e"], in: folder)
        #expect(ensembled.contains("validation accuracy"))
        let ensembleRun = try json(folder.path("e-run/run.json"))
        #expect(ensembleRun["testTimeAugmentation"] as? String == "mirror")
        try checkScores(ensembleRun, images: 30)
        try checkSubmission(folder.path("e-run/submission.csv"), rows: 6)
        // The saved ensemble is one model holding both members.
        let ensemble = try Sequential.load(from: folder.path("e"))
        #expect(ensemble.layers.first is EnsembleLayer)

        // --average-weights: one network of the members' architecture, scored and reported the same way.
        _ = try TrainCommandTests.fern(["ensemble", "a", "b", "--average-weights"] + Self.data + ["--report", "w-run", "--output", "w"],
                                       in: folder)
        let averagedRun = try json(folder.path("w-run/run.json"))
        #expect(averagedRun["model"] as? String == "weights averaged over a, b")
        try checkScores(averagedRun, images: 30)
        let averaged = try Sequential.load(from: folder.path("w"))
        #expect(Architecture(of: averaged) == Architecture(of: try Sequential.load(from: folder.path("a"))))
    }

    /// One model is scored as it is: the validation scores `fern train --report` gave it, a
    /// submission beside; averaging the weights of one model is refused.
    @Test(.timeLimit(.minutes(5)))
    func oneModelIsScoredAsItIs() throws {
        let folder = try TemporaryFolder()
        let test = try testCSV(4, in: folder)
        _ = try TrainCommandTests.fern(["train"] + Self.data + ["--model", "seed-dnn", "--epochs", "1", "--no-class-weights",
                                                                "--output", "a", "--report", "a-run"], in: folder)
        _ = try TrainCommandTests.fern(["ensemble", "a"] + Self.data + ["--tta", "mirror", "--report", "one", "--test", test], in: folder)
        let trained = try #require(try json(folder.path("a-run/run.json"))["validation"] as? [String: Any])
        let one = try json(folder.path("one/run.json"))
        #expect(one["model"] as? String == "a")
        let scored = try #require(one["validation"] as? [String: Any])
        for key in ["accuracy", "mirrorAccuracy", "tenCropAccuracy"] {
            #expect(scored[key] as? Double == trained[key] as? Double, "\(key)")
        }
        #expect(scored["confusionMatrix"] as? [[Int]] == trained["confusionMatrix"] as? [[Int]])
        try checkSubmission(folder.path("one/submission.csv"), rows: 4)
        let averaging = try TrainCommandTests.fernFailing(["ensemble", "a", "--average-weights"] + Self.data, in: folder)
        #expect(averaging.contains("averaging weights needs at least two models (got 1)"), "\(averaging)")
    }
}
