import FernTensor
@testable import FernData

/// A small data set of 2x2 images whose every pixel holds the image's
/// index, so one can tell after subsetting or shuffling which image is where.
/// Ids are `100 + index`; feature masks hold `-index`.
func indexedDataset(labels: [Int]) throws -> Dataset {
    let count = labels.count
    let pixels = (0..<count).flatMap { [Float](repeating: Float($0), count: 4) }
    return Dataset(images: try Tensor(shape: [count, 2, 2, 1], scalars: pixels),
                   labels: labels,
                   ids: (0..<count).map { 100 + $0 },
                   featureMasks: try Tensor(shape: [count, 2, 2, 1], scalars: pixels.map { -$0 }))
}

/// The source index of each image of a data set made by `indexedDataset`.
func sourceIndices(_ dataset: Dataset) -> [Int] {
    stride(from: 0, to: dataset.images.count, by: 4).map { Int(dataset.images.scalars[$0]) }
}

/// Labels with the given number of images per class, classes interleaved.
func labels(counts: [Int]) -> [Int] {
    var remaining = counts
    var result: [Int] = []
    while remaining.contains(where: { $0 > 0 }) {
        for label in remaining.indices where remaining[label] > 0 {
            result.append(label)
            remaining[label] -= 1
        }
    }
    return result
}
