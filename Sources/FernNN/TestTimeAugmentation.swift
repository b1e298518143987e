import FernTensor

/// Views of each test image whose class probabilities are averaged to classify it
/// (test-time augmentation): the image alone, or with its mirror image.
public enum TestTimeAugmentation: String, Codable, CaseIterable, Sendable {
    case none, mirror

    /// The batches of views, the images themselves first; `mirror` needs NHWC images.
    func views(of images: Tensor) throws -> [Tensor] {
        switch self {
        case .none: return [images]
        case .mirror:
            guard images.rank == 4 else {
                throw ModelError("mirror-averaged predictions need NHWC images, got \(describeShape(images.shape))")
            }
            return [images, try images.reversed(axis: 2)]
        }
    }
}
