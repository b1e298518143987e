import FernNN
import FernTensor
import Foundation

/// How often each true class was predicted as each class: rows are true
/// labels, columns predictions.
public struct ConfusionMatrix: Sendable, Equatable {
    public let classNames: [String]
    /// counts[true][predicted].
    public let counts: [[Int]]

    public init(predicted: [Int], labels: [Int], classNames: [String]) throws {
        guard predicted.count == labels.count else {
            throw AnalysisError("\(predicted.count) predictions for \(labels.count) labels")
        }
        let classes = classNames.count
        var counts = Array(repeating: Array(repeating: 0, count: classes), count: classes)
        for (p, t) in zip(predicted, labels) {
            guard (0..<classes).contains(p), (0..<classes).contains(t) else {
                throw AnalysisError("class \((0..<classes).contains(t) ? p : t) is outside 0-\(classes - 1)")
            }
            counts[t][p] += 1
        }
        self.classNames = classNames
        self.counts = counts
    }

    /// A matrix of counts already tallied, `counts[true][predicted]`.
    public init(counts: [[Int]], classNames: [String]) throws {
        guard counts.count == classNames.count, counts.allSatisfy({ $0.count == classNames.count }) else {
            throw AnalysisError("\(classNames.count) class names for a \(counts.count)x\(counts.first?.count ?? 0) matrix")
        }
        guard counts.joined().allSatisfy({ $0 >= 0 }) else { throw AnalysisError("counts must not be negative") }
        self.classNames = classNames
        self.counts = counts
    }

    /// The model's predictions on `images` compared with `labels`.
    public init(model: Sequential, images: Tensor, labels: [Int], classNames: [String]) throws {
        try self.init(predicted: model.predictClasses(images), labels: labels, classNames: classNames)
    }

    public var total: Int { counts.joined().reduce(0, +) }
    public var correct: Int { counts.indices.reduce(0) { $0 + counts[$1][$1] } }
    public var accuracy: Double { total == 0 ? 0 : Double(correct) / Double(total) }

    /// Each row divided by its sum: entry [t][p] is the share of class t
    /// predicted as p (the diagonal is recall). Empty rows stay zero.
    public var rowNormalized: [[Double]] {
        counts.map { row in
            let sum = row.reduce(0, +)
            return row.map { sum == 0 ? 0 : Double($0) / Double(sum) }
        }
    }

    /// Images of each true class.
    public var support: [Int] { counts.map { $0.reduce(0, +) } }

    /// Of the images predicted as each class, the share that truly are.
    public var precision: [Double] {
        counts.indices.map { c in
            let predicted = counts.reduce(0) { $0 + $1[c] }
            return predicted == 0 ? 0 : Double(counts[c][c]) / Double(predicted)
        }
    }

    /// Of the images of each class, the share predicted as it.
    public var recall: [Double] {
        counts.indices.map { c in support[c] == 0 ? 0 : Double(counts[c][c]) / Double(support[c]) }
    }

    public var f1: [Double] {
        zip(precision, recall).map { p, r in p + r == 0 ? 0 : 2 * p * r / (p + r) }
    }

    /// The off-diagonal cells with the most images, largest first.
    public func mostConfused(top: Int = 5) -> [(true: Int, predicted: Int, count: Int)] {
        var pairs: [(true: Int, predicted: Int, count: Int)] = []
        for t in counts.indices { for p in counts.indices where p != t && counts[t][p] > 0 { pairs.append((t, p, counts[t][p])) } }
        return Array(pairs.sorted { ($0.count, $1.true, $1.predicted) > ($1.count, $0.true, $0.predicted) }.prefix(max(top, 0)))
    }
}
