import FernData
import FernTensor

/// Views of each test image whose class probabilities are averaged to classify it
/// (test-time augmentation): the image alone; with its mirror image; or ten crops, the
/// image and four copies moved diagonally by 1/16 of its side (edge pixels repeated, as
/// training shifts do: with black borders, which `--shift` never shows the network, ten
/// crops scored 0.5 and 1.5 points lower on two FER2013 models), each with its mirror image.
public enum TestTimeAugmentation: String, Codable, CaseIterable, Sendable {
    case none, mirror, tenCrop = "tencrop"

    /// The batches of views, the images themselves first; `mirror` and `tencrop` need NHWC images.
    func views(of images: Tensor) throws -> [Tensor] {
        if self == .none { return [images] }
        guard images.rank == 4 else {
            throw ModelError("\(rawValue) predictions need NHWC images, got \(describeShape(images.shape))")
        }
        var views = [images]
        if self == .tenCrop {
            let step = max(1, min(images.shape[1], images.shape[2]) / 16)
            for (x, y) in [(-step, -step), (step, -step), (-step, step), (step, step)] {
                views.append(try Augmentation.shifted(images, x: x, y: y, padding: .edge))
            }
        }
        return try views + views.map { try $0.reversed(axis: 2) }
    }

    /// Which of `.tenCrop`'s views are this augmentation's, in its own order: ten crops
    /// hold the image (first) and its mirror image (sixth), so one pass over them scores all three.
    var viewsAmongTenCrops: [Int] {
        switch self {
        case .none: [0]
        case .mirror: [0, 5]
        case .tenCrop: Array(0..<10)
        }
    }
}
