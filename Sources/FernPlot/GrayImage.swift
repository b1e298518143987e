import FernTensor

/// One grayscale image taken out of a tensor, row-major.
struct GrayImage {
    let width: Int
    let height: Int
    let values: [Float]

    init(width: Int, height: Int, values: [Float]) {
        (self.width, self.height, self.values) = (width, height, values)
    }

    /// Whether every pixel has the same value.
    var isConstant: Bool { values.allSatisfy { $0 == values.first } }

    /// Reads an image of shape [H, W], [H, W, 1], [1, H, W] or [1, H, W, 1];
    /// `kind` names the plot in the error.
    init(_ tensor: Tensor, kind: String) throws {
        var shape = tensor.shape
        while shape.count > 2, shape.first == 1 { shape.removeFirst() }
        if shape.count == 3, shape.last == 1 { shape.removeLast() }
        guard shape.count == 2, shape[0] > 0, shape[1] > 0 else {
            throw PlotError("\(kind): expected a grayscale image of shape [H, W], [H, W, 1] or [1, H, W, 1], got \(describeShape(tensor.shape))")
        }
        self.init(width: shape[1], height: shape[0], values: tensor.scalars)
    }

    /// Splits a stack [N, H, W] or [N, H, W, 1] into its N images.
    static func stack(_ tensor: Tensor, kind: String) throws -> [GrayImage] {
        let shape = tensor.shape
        guard shape.count == 3 || (shape.count == 4 && shape[3] == 1), shape.allSatisfy({ $0 > 0 }) else {
            throw PlotError("\(kind): expected a stack of images of shape [N, H, W] or [N, H, W, 1], got \(describeShape(shape))")
        }
        let (height, width) = (shape[1], shape[2])
        let size = height * width
        return (0..<shape[0]).map { n in
            GrayImage(width: width, height: height, values: Array(tensor.scalars[n * size..<(n + 1) * size]))
        }
    }

    /// Splits channels-last data [H, W, C] into C images.
    static func channels(_ scalars: [Float], height: Int, width: Int, channels: Int) -> [GrayImage] {
        (0..<channels).map { channel in
            GrayImage(width: width, height: height,
                      values: stride(from: channel, to: height * width * channels, by: channels).map { scalars[$0] })
        }
    }

    /// The image through `colormap`, scaled by `range` (nil: its own min and max).
    func raster(range: ClosedRange<Double>?, colormap: Colormap) -> Raster {
        let scale = ValueScale(range, values: values)
        return Raster(width: width, height: height, fractions: values.map { scale.fraction(Double($0)) }, colormap: colormap)
    }
}
