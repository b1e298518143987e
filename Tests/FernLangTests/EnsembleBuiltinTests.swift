import FernTensor
import FernTestSupport
import Foundation
import Testing
@testable import FernLang

/// `ensemble([...])` in the language: a model wherever one goes for prediction.
@Suite struct EnsembleBuiltinTests {
    static let setup = TrainingBuiltinTests.setup + """

        fit(m, train, epochs=2, batch=32, lr=0.003, seed=1)
        m2 = sequential([conv2d(8, 3, strides=2, activation="relu"), maxpool(2), flatten(), dense(7, activation="softmax")], seed=2)
        fit(m2, train, epochs=2, batch=32, lr=0.003, seed=2)
        e = ensemble([m, m2])
        """

    @Test func anEnsemblePredictsEvaluatesAndWritesSubmissions() throws {
        let session = try Session()
        try session.run(Self.setup)
        // Its probabilities are the members' averaged: within the rounding of that mean (γ(2)), its
        // log (logUlps of values up to the largest |log p|) and the softmax back, relatively.
        let averaged = try session.tensor("(predict_proba(m, val) + predict_proba(m2, val)) / 2")
        let ensemble = try session.tensor("predict_proba(e, val)")
        #expect(ensemble.shape == averaged.shape)
        for row in 0..<averaged.shape[0] {
            let p = averaged.scalars[row * 7..<(row + 1) * 7].map { Double($0) }
            let logs = p.map { Foundation.log($0) }
            let relative = 2 * Tolerance.gamma(2) + Tolerance.softmax(classes: 7, logitSpread: logs.max()! - logs.min()!)
                + 2 * Tolerance.ulps(Tolerance.logUlps, of: logs.map { abs($0) }.max()!)
            for (k, expected) in p.enumerated() {
                #expect(abs(Double(ensemble.scalars[row * 7 + k]) - expected) <= relative * expected + 1e-30 + Tolerance.ulps(1, of: expected))
            }
        }
        let predicted = try session.numbers("predict(e, val)")
        let share = try session.number("accuracy(val.labels, predict(e, val))")
        #expect(abs(try session.numbers("evaluate(e, val)")[1] - share) <= Tolerance.ulps(0.5, of: share))
        #expect(try session.tensor("confusion_matrix(val.labels, predict(e, val), classes=7)").scalars.reduce(0, +) == Float(predicted.count))
        let path = session.path("submission.csv")
        try session.run("write_submission(e, take(val, 4), \"\(path)\")")
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 5 && lines[0] == "id,label")
        #expect(lines.dropFirst().map { Int($0.split(separator: ",")[1])! } == predicted.prefix(4).map { Int($0) })
        #expect(try session.tensor("saliency(e, val.images[0:2])").shape == [2, 48, 48])
    }

    @Test func badEnsemblesAreClearErrors() throws {
        let session = try Session()
        try session.run(TrainingBuiltinTests.setup)
        #expect(session.error("ensemble([m, 3])").contains("ensemble: item 1 is a number, not a model"))
        #expect(session.error("ensemble([m])").contains("at least two models (got 1)"))
        #expect(session.error("ensemble(m)").contains("'models'"))
        try session.run("d = sequential([flatten(), dense(3, activation=\"softmax\")])")
        #expect(session.error("ensemble([m, d])").contains("model 1 takes [48, 48, 1] to [3]"))
    }
}
