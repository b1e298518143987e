import FernTensor

/// A set of 48x48 grayscale images with their labels: FER2013 rows, the
/// synthetic faces, or a subset of either.
public struct Dataset {
    /// `[count, height, width, 1]` (NHWC), pixel values as stored (0-255 until normalized).
    public var images: Tensor
    /// One class index per image; empty for an unlabelled set (a test file).
    public var labels: [Int]
    /// The `id` column of a test file, or the row number in the source.
    public var ids: [Int]
    public var classNames: [String]
    /// Synthetic faces only: 1 where the expressive features (brows, eyes, mouth) are, else 0; same shape as `images`.
    public var featureMasks: Tensor?

    public init(images: Tensor, labels: [Int], ids: [Int]? = nil,
                classNames: [String] = Dataset.ferClassNames, featureMasks: Tensor? = nil) {
        self.images = images
        self.labels = labels
        self.ids = ids ?? Array(0..<(images.shape.first ?? 0))
        self.classNames = classNames
        self.featureMasks = featureMasks
    }

    /// FER2013's labels 0-6, in order.
    public static let ferClassNames = ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"]

    public var count: Int { images.shape.first ?? 0 }
    public var isLabelled: Bool { !labels.isEmpty }
}
