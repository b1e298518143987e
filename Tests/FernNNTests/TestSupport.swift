import Foundation
import Testing
@testable import FernNN
import FernTensor
@_exported import FernTestSupport

func tensor(_ shape: [Int], _ scalars: [Float]) throws -> Tensor {
    try Tensor(shape: shape, scalars: scalars)
}

/// Training output nobody reads.
func silentProgress() -> ProgressReporter { ProgressReporter(style: .silent) { _ in } }

/// The four XOR points and their classes.
func xorData() throws -> (images: Tensor, labels: [Int]) {
    (try tensor([4, 2], [0, 0, 0, 1, 1, 0, 1, 1]), [0, 1, 1, 0])
}

/// `count` random examples of `shape` whose class is decided by the sign
/// of a fixed mix of their values, so a small model can learn it.
func separableData(count: Int, shape: [Int], classes: Int, seed: UInt64) throws -> (images: Tensor, labels: [Int]) {
    var generator = SeededGenerator(seed: seed)
    let images = try Tensor.randomNormal([count] + shape, using: &generator)
    let size = shapeCount(shape)
    let labels = (0..<count).map { row -> Int in
        let values = images.scalars[row * size..<(row + 1) * size]
        let score = values.enumerated().reduce(Float(0)) { $0 + ($1.offset % 3 == 0 ? $1.element : -0.5 * $1.element) }
        return min(classes - 1, max(0, Int((score + Float(classes) / 2).rounded(.down))))
    }
    return (images, labels)
}

/// `actual` within `tolerance` of `expected`; callers derive the tolerance from the computation (`Tolerance`).
func expectClose(_ actual: Float, _ expected: Double, tolerance: Double,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(Swift.abs(Double(actual) - expected) <= tolerance, "\(actual) is not within \(tolerance) of \(expected)",
            sourceLocation: sourceLocation)
}

func expectClose(_ actual: [Float], _ expected: [Double], tolerance: Double,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.count == expected.count, "\(actual.count) values, expected \(expected.count)", sourceLocation: sourceLocation)
    for (a, e) in zip(actual, expected) { expectClose(a, e, tolerance: tolerance, sourceLocation: sourceLocation) }
}

/// Runs `body`, expecting it to throw a `ModelError` or `TensorError` whose
/// text contains every one of `fragments`.
func expectError(containing fragments: [String], sourceLocation: SourceLocation = #_sourceLocation,
                 _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("expected an error mentioning \(fragments)", sourceLocation: sourceLocation)
    } catch {
        #expect(error is ModelError || error is TensorError, "unexpected error type: \(error)", sourceLocation: sourceLocation)
        let text = String(describing: error)
        for fragment in fragments {
            #expect(text.contains(fragment), "error '\(text)' does not mention '\(fragment)'", sourceLocation: sourceLocation)
        }
    }
}

/// Every value of every weight, all finite.
func allFinite(_ model: Sequential) -> Bool {
    model.weights.values.allSatisfy { $0.scalars.allSatisfy(\.isFinite) }
}

/// Whether two weight dictionaries hold the same names, shapes and bits.
func sameWeights(_ a: [String: Tensor], _ b: [String: Tensor]) -> Bool {
    a.keys.sorted() == b.keys.sorted() && a.allSatisfy { name, t in b[name].map { $0.shape == t.shape && $0.scalars == t.scalars } ?? false }
}

/// How far an ensemble's probability `p` may be from the exact mean of its members' (which
/// `row`, its row of class probabilities, holds): the Float mean of `members` values (γ(members)
/// relatively), the log of it (logUlps of values up to the largest |log p|, an absolute error
/// that the softmax turns into a relative one, in numerator and denominator), the softmax back
/// over logits spread ln(max/min) (Tolerance.softmax), and the 1e-30 floor.
func ensembleBound(_ p: Double, row: [Double], members: Int) -> Double {
    let logs = row.map { Foundation.log($0) }
    let spread = logs.max()! - logs.min()!
    let relative = Tolerance.gamma(members) + Tolerance.softmax(classes: row.count, logitSpread: spread)
        + 2 * Tolerance.ulps(Tolerance.logUlps, of: logs.map(Swift.abs).max()!)
    return relative * p + 1e-30 + Tolerance.ulps(1, of: p)
}
