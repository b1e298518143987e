import FernTensor

/// Random label-preserving changes to training images: mirror, shift,
/// small rotation and zoom, a random crop of the zero-padded image, and
/// random erasing, each image drawing its own.
///
/// All options off (the default) leaves images exactly as they are.
public struct Augmentation: Codable, Sendable, Equatable {
    /// What fills pixels that a transform brings in from outside the image.
    public enum Padding: String, Codable, Sendable, Equatable {
        /// Black (0).
        case zeros
        /// The nearest edge pixel, so no artificial border appears.
        case edge
    }

    /// Mirror left-right with probability 1/2.
    public var horizontalFlip: Bool
    /// Largest shift in pixels along each axis (a random crop of the padded image).
    public var maxShift: Int
    /// Largest rotation either way, in degrees.
    public var maxRotationDegrees: Float
    /// Largest relative change of size: 0.1 scales by a factor in [0.9, 1.1].
    public var maxZoom: Float
    public var padding: Padding
    /// A random crop as the CIFAR and FER2013 recipes take it: the image padded with this
    /// many black pixels on every side, and an image-sized window cut at a random place
    /// (after the other transforms, always zero-padded whatever `padding` says).
    public var maxCrop: Int
    /// Random erasing (Zhong et al., 2020): with this probability a rectangle covering 2% to
    /// 40% of the image, of aspect ratio 0.3 to 3.3, is filled with the image's mean.
    public var erasing: Float

    public init(horizontalFlip: Bool = false, maxShift: Int = 0, maxRotationDegrees: Float = 0,
                maxZoom: Float = 0, padding: Padding = .edge, maxCrop: Int = 0, erasing: Float = 0) {
        self.horizontalFlip = horizontalFlip
        self.maxShift = maxShift
        self.maxRotationDegrees = maxRotationDegrees
        self.maxZoom = maxZoom
        self.padding = padding
        self.maxCrop = maxCrop
        self.erasing = erasing
    }

    /// Settings missing from a stored augmentation (one from before they existed) are off.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        horizontalFlip = try container.decode(Bool.self, forKey: .horizontalFlip)
        maxShift = try container.decode(Int.self, forKey: .maxShift)
        maxRotationDegrees = try container.decode(Float.self, forKey: .maxRotationDegrees)
        maxZoom = try container.decode(Float.self, forKey: .maxZoom)
        padding = try container.decode(Padding.self, forKey: .padding)
        maxCrop = try container.decodeIfPresent(Int.self, forKey: .maxCrop) ?? 0
        erasing = try container.decodeIfPresent(Float.self, forKey: .erasing) ?? 0
    }

    /// Whether `apply` returns its input unchanged.
    public var isIdentity: Bool {
        !horizontalFlip && maxShift == 0 && maxRotationDegrees == 0 && maxZoom == 0 && maxCrop == 0 && erasing == 0
    }

    /// A randomly transformed copy of an NHWC batch `[B, H, W, C]`; each
    /// image gets its own transform, applied to all its channels. One number
    /// is drawn from `generator` and every image's transform is derived from
    /// it and the image's index, so the result is the same however the work
    /// is split across cores.
    public func apply(_ images: Tensor, using generator: inout SeededGenerator) throws -> Tensor {
        try validate(images)
        guard !isIdentity else { return images }
        let batchSeed = generator.next()
        let (batch, height, width, channels) = (images.shape[0], images.shape[1], images.shape[2], images.shape[3])
        let imageSize = height * width * channels
        var output = [Float](repeating: 0, count: images.count)
        images.scalars.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { destination in
                Parallel.forEachChunk(batch, cost: imageSize * 8) { range in
                    for index in range {
                        var rng = SeededGenerator(seed: batchSeed, stream: index)
                        let transform = randomTransform(using: &rng)
                        let offset = index * imageSize
                        let image = destination.baseAddress! + offset
                        transform.warp(source.baseAddress! + offset, into: image,
                                       height: height, width: width, channels: channels, padding: padding)
                        if maxCrop > 0 {
                            ImageTransform.crop(image, height: height, width: width, channels: channels, maxOffset: maxCrop, using: &rng)
                        }
                        if erasing > 0 && rng.chance(erasing) {
                            ImageTransform.erase(image, height: height, width: width, channels: channels, using: &rng)
                        }
                    }
                }
            }
        }
        return try Tensor(shape: images.shape, scalars: output)
    }

    private func randomTransform(using rng: inout SeededGenerator) -> ImageTransform {
        let flip = horizontalFlip && rng.chance(0.5)
        let shiftX = maxShift > 0 ? Int.random(in: -maxShift...maxShift, using: &rng) : 0
        let shiftY = maxShift > 0 ? Int.random(in: -maxShift...maxShift, using: &rng) : 0
        let degrees = maxRotationDegrees > 0 ? rng.uniform(-maxRotationDegrees, maxRotationDegrees) : 0
        let zoom = maxZoom > 0 ? rng.uniform(1 - maxZoom, 1 + maxZoom) : 1
        return ImageTransform(flip: flip, shiftX: shiftX, shiftY: shiftY, degrees: degrees, zoom: zoom)
    }

    private func validate(_ images: Tensor) throws {
        guard images.rank == 4 else {
            throw DataError("augment: expected a batch of images [batch, height, width, channels], got shape \(describeShape(images.shape))")
        }
        try checkSettings(height: images.shape[1], width: images.shape[2])
    }

    /// Throws an `AugmentationError` for a setting out of range: a negative shift, or one that
    /// moves images of this size (when given) entirely out of view; a rotation outside 0...180
    /// degrees; a zoom outside [0, 1).
    public func checkSettings(height: Int? = nil, width: Int? = nil) throws {
        guard maxShift >= 0 else { throw AugmentationError(.shift, "must not be negative, got \(maxShift)") }
        if let side = [height, width].compactMap({ $0 }).min(), maxShift >= side {
            throw AugmentationError(.shift, "must be smaller than the images' \(side) pixels, got \(maxShift)")
        }
        guard maxRotationDegrees >= 0 && maxRotationDegrees <= 180 else {
            throw AugmentationError(.rotation, "must be in 0...180 degrees, got \(maxRotationDegrees)")
        }
        guard maxZoom >= 0 && maxZoom < 1 else { throw AugmentationError(.zoom, "must be in [0, 1), got \(maxZoom)") }
        guard maxCrop >= 0 else { throw AugmentationError(.crop, "must not be negative, got \(maxCrop)") }
        if let side = [height, width].compactMap({ $0 }).min(), maxCrop >= side {
            throw AugmentationError(.crop, "must be smaller than the images' \(side) pixels, got \(maxCrop)")
        }
        guard erasing >= 0 && erasing <= 1 else { throw AugmentationError(.erasing, "must be a probability in [0, 1], got \(erasing)") }
    }

    /// Each image of an NHWC batch moved `x` pixels right and `y` down, `padding` coming in at
    /// the edges: the fixed crops of ten-crop test-time augmentation.
    public static func shifted(_ images: Tensor, x: Int, y: Int, padding: Padding) throws -> Tensor {
        guard images.rank == 4 else {
            throw DataError("shift: expected a batch of images [batch, height, width, channels], got shape \(describeShape(images.shape))")
        }
        let (batch, height, width, channels) = (images.shape[0], images.shape[1], images.shape[2], images.shape[3])
        let imageSize = height * width * channels
        let transform = ImageTransform(flip: false, shiftX: x, shiftY: y, degrees: 0, zoom: 1)
        var output = [Float](repeating: 0, count: images.count)
        images.scalars.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { destination in
                for index in 0..<batch {
                    transform.warp(source.baseAddress! + index * imageSize, into: destination.baseAddress! + index * imageSize,
                                   height: height, width: width, channels: channels, padding: padding)
                }
            }
        }
        return try Tensor(shape: images.shape, scalars: output)
    }
}

/// An augmentation setting out of range: which one, and what is wrong with it.
public struct AugmentationError: Error, CustomStringConvertible {
    public enum Setting: String, Sendable {
        case shift = "maxShift", rotation = "maxRotationDegrees", zoom = "maxZoom", crop = "maxCrop", erasing
    }
    public let setting: Setting
    /// What follows the setting's name: "must be in [0, 1), got 1.5".
    public let problem: String

    init(_ setting: Setting, _ problem: String) { (self.setting, self.problem) = (setting, problem) }

    public var description: String { "augment: \(setting.rawValue) \(problem)" }
}
