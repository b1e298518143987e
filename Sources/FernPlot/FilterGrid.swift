import FernTensor
import Foundation

/// Small images each scaled to its own min and max, packed tightly: the
/// weights of a convolution layer or the feature maps of one image.
public struct FilterGrid: Panel {
    var grid: ImageGrid

    /// Convolution weights [KH, KW, C_in, C_out] (e.g. the 64 first-layer 5x5
    /// filters of [5, 5, 1, 64]), shown input channel by input channel, or
    /// any stack [N, H, W]. Throws for other shapes.
    public init(filters: Tensor, title: String? = nil, colormap: Colormap = .gray) throws {
        let shape = filters.shape
        let images: [GrayImage]
        if shape.count == 4, shape.allSatisfy({ $0 > 0 }) {
            images = GrayImage.channels(filters.scalars, height: shape[0], width: shape[1], channels: shape[2] * shape[3])
        } else if shape.count == 3 {
            images = try GrayImage.stack(filters, kind: "filter grid")
        } else {
            throw PlotError("filter grid: expected weights [KH, KW, C_in, C_out] or a stack [N, H, W], got \(describeShape(shape))")
        }
        grid = try Self.tightGrid(images, title: title, colormap: colormap)
    }

    /// The channels of one image's layer output, [1, H, W, C] or [H, W, C]. A channel that is
    /// the same everywhere (dead for this image, as a ReLU's often is) is crossed out, and the
    /// title says how many there are.
    public init(featureMaps: Tensor, title: String? = nil, colormap: Colormap = .viridis) throws {
        var shape = featureMaps.shape
        if shape.count == 4, shape[0] == 1 { shape.removeFirst() }
        guard shape.count == 3, shape.allSatisfy({ $0 > 0 }) else {
            throw PlotError("filter grid: expected feature maps [1, H, W, C] or [H, W, C], got \(describeShape(featureMaps.shape))")
        }
        let channels = GrayImage.channels(featureMaps.scalars, height: shape[0], width: shape[1], channels: shape[2])
        let constant = channels.filter(\.isConstant).count
        let note = constant == 0 ? nil : "\(constant) of \(channels.count) channels constant (crossed out)"
        grid = try Self.tightGrid(channels, title: [title, note].compactMap { $0 }.joined(separator: ": ").nilIfEmpty, colormap: colormap)
        grid.crossesOutConstantImages = true
    }

    private static func tightGrid(_ images: [GrayImage], title: String?, colormap: Colormap) throws -> ImageGrid {
        var grid = try ImageGrid(images, title: title, range: nil, colormap: colormap)
        grid.spacing = 2
        return grid
    }

    public func draw(in canvas: Canvas, rect: CGRect) {
        grid.draw(in: canvas, rect: rect)
    }
}

private extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
