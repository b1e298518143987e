/// How a 2-D window slides over an NHWC image: shared by convolution and pooling.
public enum Padding: String, Sendable {
    /// Output size ceil(input / stride); zeros are added evenly (extra at the bottom/right), as in TensorFlow.
    case same
    /// Only windows that fit entirely inside the input.
    case valid

    /// The rows and columns of padding a window of `kernel` moving by `stride` adds to a
    /// `size` image: (top, left, bottom, right), as the kernels pad (ONNX's `pads` order is
    /// top, left, bottom, right too).
    public func pads(size: (Int, Int), kernel: (Int, Int), stride: (Int, Int)) -> [Int] {
        guard self == .same else { return [0, 0, 0, 0] }
        func split(_ size: Int, _ kernel: Int, _ stride: Int) -> (Int, Int) {
            let out = (size + stride - 1) / stride
            let total = Swift.max((out - 1) * stride + kernel - size, 0)
            return (total / 2, total - total / 2)
        }
        let (top, bottom) = split(size.0, kernel.0, stride.0), (left, right) = split(size.1, kernel.1, stride.1)
        return [top, left, bottom, right]
    }
}

struct WindowGeometry {
    let batch: Int, height: Int, width: Int, channels: Int
    let kernelHeight: Int, kernelWidth: Int
    let strideY: Int, strideX: Int
    let outHeight: Int, outWidth: Int
    let padTop: Int, padLeft: Int

    init(op: String, input: [Int], kernel: (Int, Int), stride: (Int, Int), padding: Padding) throws {
        guard input.count == 4 else {
            throw TensorError.shapes(op, input, detail: "needs an NHWC input [batch, height, width, channels]")
        }
        guard kernel.0 >= 1, kernel.1 >= 1, stride.0 >= 1, stride.1 >= 1,
              kernel.0 <= 1 << 16, kernel.1 <= 1 << 16, stride.0 <= 1 << 16, stride.1 <= 1 << 16 else {
            throw TensorError(op: op, "kernel \(kernel) and stride \(stride) must be between 1 and 65536")
        }
        (batch, height, width, channels) = (input[0], input[1], input[2], input[3])
        (kernelHeight, kernelWidth) = kernel
        (strideY, strideX) = stride
        switch padding {
        case .valid:
            guard height >= kernel.0, width >= kernel.1 else {
                throw TensorError.shapes(op, input, detail: "a \(kernel.0)x\(kernel.1) window does not fit a \(height)x\(width) image with valid padding")
            }
            outHeight = (height - kernel.0) / stride.0 + 1
            outWidth = (width - kernel.1) / stride.1 + 1
            (padTop, padLeft) = (0, 0)
        case .same:
            outHeight = (height + stride.0 - 1) / stride.0
            outWidth = (width + stride.1 - 1) / stride.1
            padTop = Swift.max((outHeight - 1) * stride.0 + kernel.0 - height, 0) / 2
            padLeft = Swift.max((outWidth - 1) * stride.1 + kernel.1 - width, 0) / 2
        }
    }

    /// Rejects windows whose buffers could not be allocated.
    func checkSizes(op: String, input: [Int], outChannels: Int) throws {
        try Tensor.checkShape([kernelHeight, kernelWidth, channels], op: op)
        try Tensor.checkShape([outHeight, outWidth, kernelHeight * kernelWidth * channels], op: op)
        try Tensor.checkShape([batch, outHeight, outWidth, outChannels], op: op)
    }

    var outputPixels: Int { outHeight * outWidth }
    var imageSize: Int { height * width * channels }
}
