import FernTensor
import Foundation

/// Writes the assignment's submission file: a header `id,label`, then one
/// `<id>,<predicted label>` row per test image. The file is replaced
/// atomically, so an interrupted run never leaves half a submission.
public func writeSubmission(ids: [Int], labels: [Int], to path: String) throws {
    guard ids.count == labels.count else {
        throw DataError("writeSubmission: \(ids.count) ids but \(labels.count) labels")
    }
    var text = "id,label\n"
    text.reserveCapacity(ids.count * 8 + 9)
    for (id, label) in zip(ids, labels) {
        text += "\(id),\(label)\n"
    }
    do {
        try AtomicFile.write(text, to: URL(fileURLWithPath: path))
    } catch {
        throw DataError("cannot write the submission \(path): \(error.localizedDescription)")
    }
}
