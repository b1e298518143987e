/// 2-D convolution on NHWC tensors: by Winograd's kernels for 3x3 and 5x5
/// "same" layers (`WinogradConvolution`), by oneDNN's direct kernels where it
/// runs (`DNNLConvolution`; in bf16 on AMX, see `ConvolutionPrecision`, for
/// every layer it has fast bf16 kernels for), else by im2col + one OpenBLAS
/// GEMM per chunk of images (also with FERN_KERNELS=builtin, for comparison).
///
/// Layout choice: NHWC lets a whole chunk of
/// images form one tall GEMM `[images·pixels, kh·kw·c] @ [kh·kw·c, outChannels]`
/// whose result already is the NHWC output, where NCHW needs one small GEMM
/// per image. Filters are `[kh, kw, inChannels, outChannels]` (Keras layout).
///
/// Backward: dW = colᵀ @ dY (columns rebuilt per chunk instead of stored),
/// dX = col2im(dY @ Wᵀ).
extension Tensor {
    public static func conv2d(_ input: Tensor, _ filter: Tensor, stride: (Int, Int) = (1, 1),
                              padding: Padding = .valid) throws -> Tensor {
        let conv = try Convolution(op: "conv2d", input, filter, stride: stride, padding: padding)
        let (y, stagedInput) = conv.forward(input, filter)
        return y.recorded("conv2d", inputs: [input, filter]) { dy, needs in
            let (dx, dw, _) = conv.backward(input, filter, dy, wantInput: needs[0], wantFilter: needs[1], wantBias: false,
                                            stagedInput: stagedInput)
            return [dx, dw]
        }
    }

    /// `relu(conv2d(input, filter) + bias)`, the usual convolution layer. With
    /// oneDNN or Winograd the bias and ReLU run inside the convolution kernel,
    /// saving a pass over the layer's output (5% of SEED_CNN inference);
    /// otherwise it is `biasRelu(conv2d(...))`. Same values and gradients either way.
    public static func conv2dBiasRelu(_ input: Tensor, _ filter: Tensor, bias: Tensor, stride: (Int, Int) = (1, 1),
                                      padding: Padding = .valid) throws -> Tensor {
        let conv = try Convolution(op: "conv2dBiasRelu", input, filter, stride: stride, padding: padding)
        guard bias.shape == [conv.outChannels] else {
            throw TensorError.shapes("conv2dBiasRelu", filter.shape, bias.shape,
                                     detail: "the bias must have one value per output channel (\(conv.outChannels))")
        }
        let g = conv.geometry
        let kernel: ([UnsafePointer<Float>], [UnsafeMutablePointer<Float>]) -> Void
        var stagedInput: DNNLConvolution.Staged.Copy?
        if let winograd = conv.winograd {
            kernel = { i, o in winograd.forward(i[0], filter: i[1], bias: i[2], relu: true, into: o[0]) }
        } else if conv.library != nil,
                  let fused = DNNLConvolution.make(g, outChannels: conv.outChannels, biasRelu: true, precision: conv.precision) {
            kernel = { i, o in stagedInput = fused.forward(i[0], i[1], bias: i[2], o[0]) }
        } else {
            return try biasRelu(conv2d(input, filter, stride: stride, padding: padding), bias: bias)
        }
        let out = PinnedScalars.outputs([g.batch * g.outputPixels * conv.outChannels],
                                        reading: [input.scalars, filter.scalars, bias.scalars], kernel)
        let y = Tensor(unchecked: [g.batch, g.outHeight, g.outWidth, conv.outChannels], out[0])
        let forwardStaged = stagedInput
        return y.recorded("conv2dBiasRelu", inputs: [input, filter, bias]) { dy, needs in
            let masked = reluGradient(dy, output: y)
            let (dx, dw, dbias) = conv.backward(input, filter, masked, wantInput: needs[0], wantFilter: needs[1], wantBias: needs[2],
                                                stagedInput: forwardStaged)
            return [dx, dw, dbias]
        }
    }
}

private struct Convolution {
    let geometry: WindowGeometry
    let outChannels: Int
    let library: DNNLConvolution?
    /// All three passes of 5x5 and 3x3 "same" layers, where it applies (in Float32).
    let winograd: WinogradConvolution?
    /// bf16 when asked for and oneDNN has fast bf16 kernels for this geometry; then Winograd is off.
    let precision: ConvolutionPrecision

    /// Checks the shapes and picks the kernels.
    init(op: String, _ input: Tensor, _ filter: Tensor, stride: (Int, Int), padding: Padding) throws {
        guard filter.rank == 4 else {
            throw TensorError.shapes(op, input.shape, filter.shape, detail: "the filter must be [kh, kw, inChannels, outChannels]")
        }
        let g = try WindowGeometry(op: op, input: input.shape, kernel: (filter.shape[0], filter.shape[1]),
                                   stride: stride, padding: padding)
        guard filter.shape[2] == g.channels else {
            throw TensorError.shapes(op, input.shape, filter.shape,
                                     detail: "the input has \(g.channels) channels but the filter expects \(filter.shape[2])")
        }
        try g.checkSizes(op: op, input: input.shape, outChannels: filter.shape[3])
        geometry = g
        outChannels = filter.shape[3]
        let fast = Kernels.current == .fast
        if ConvolutionPrecision.inEffect == .bf16,
           let low = DNNLConvolution.make(g, outChannels: outChannels, precision: .bf16) {
            (library, winograd, precision) = (low, nil, .bf16)
            return
        }
        library = fast ? DNNLConvolution.make(g, outChannels: outChannels) : nil
        winograd = fast ? WinogradConvolution.make(g, outChannels: outChannels) : nil
        precision = .f32
    }

    var patchSize: Int { geometry.kernelHeight * geometry.kernelWidth * geometry.channels }

    /// Images per GEMM: keeps the column buffer near 16 MiB.
    var imagesPerChunk: Int {
        Swift.max(1, Swift.min(geometry.batch, (4 << 20) / Swift.max(geometry.outputPixels * patchSize, 1)))
    }

    /// The output, and the input as oneDNN's kernel read it where that is a copy (bf16).
    func forward(_ x: Tensor, _ w: Tensor) -> (Tensor, DNNLConvolution.Staged.Copy?) {
        let g = geometry, k = patchSize, pixels = g.outputPixels
        // Every element is written by Winograd's output transform, by oneDNN, or by a GEMM with
        // beta 0 (and every column by im2col).
        if let winograd {
            let out = PinnedScalars.outputs([g.batch * pixels * outChannels], reading: [x.scalars, w.scalars]) { i, o in
                winograd.forward(i[0], filter: i[1], bias: nil, relu: false, into: o[0])
            }
            return (Tensor(unchecked: [g.batch, g.outHeight, g.outWidth, outChannels], out[0]), nil)
        }
        if let library {
            var stagedInput: DNNLConvolution.Staged.Copy?
            let out = PinnedScalars.outputs([g.batch * pixels * outChannels], reading: [x.scalars, w.scalars]) { i, o in
                stagedInput = library.forward(i[0], i[1], o[0])
            }
            return (Tensor(unchecked: [g.batch, g.outHeight, g.outWidth, outChannels], out[0]), stagedInput)
        }
        var out = uninitializedScalars(g.batch * pixels * outChannels)
        var columns = uninitializedScalars(imagesPerChunk * pixels * k)
        x.scalars.withUnsafeBufferPointer { px in
            w.scalars.withUnsafeBufferPointer { pw in
                out.withUnsafeMutableBufferPointer { po in
                    columns.withUnsafeMutableBufferPointer { pc in
                        for first in stride(from: 0, to: g.batch, by: imagesPerChunk) {
                            let images = Swift.min(imagesPerChunk, g.batch - first)
                            im2col(px.baseAddress!, images: first..<first + images, into: pc.baseAddress!)
                            BLAS.gemm(m: images * pixels, n: outChannels, k: k,
                                      a: pc.baseAddress!, lda: k, b: pw.baseAddress!, ldb: outChannels,
                                      c: po.baseAddress! + first * pixels * outChannels, ldc: outChannels)
                        }
                    }
                }
            }
        }
        return (Tensor(unchecked: [g.batch, g.outHeight, g.outWidth, outChannels], out), nil)
    }

    /// Gradients for the input, the filter and a bias added to the output (dy summed per channel).
    /// `stagedInput`: what the forward pass of `x` returned.
    func backward(_ x: Tensor, _ w: Tensor, _ dy: Tensor, wantInput: Bool, wantFilter: Bool,
                  wantBias: Bool, stagedInput: DNNLConvolution.Staged.Copy?) -> (Tensor?, Tensor?, Tensor?) {
        if let winograd {
            return winogradBackward(winograd, x, w, dy, wantInput: wantInput, wantFilter: wantFilter, wantBias: wantBias)
        }
        guard let library else {
            let (dx, dw) = builtInBackward(x, w, dy, wantInput: wantInput, wantFilter: wantFilter)
            return (dx, dw, wantBias ? try? Tensor.biasGradient(dy) : nil)
        }
        // oneDNN 2.6's JIT input gradient for 1-3 input channels (a first layer: only saliency asks)
        // is several times slower than a GEMM-based one, so im2col computes it (Benchmarks/RESULTS.md).
        let inputByLibrary = wantInput && geometry.channels >= 4
        var (dx, dw, dbias) = libraryBackward(library, x, w, dy, wantInput: inputByLibrary, wantFilter: wantFilter || wantBias,
                                              wantBias: wantBias, stagedInput: stagedInput)
        if wantInput && !inputByLibrary { dx = builtInBackward(x, w, dy, wantInput: true, wantFilter: false).0 }
        if !wantFilter { dw = nil }
        return (dx, dw, dbias)
    }

    private func winogradBackward(_ winograd: WinogradConvolution, _ x: Tensor, _ w: Tensor, _ dy: Tensor,
                                  wantInput: Bool, wantFilter: Bool, wantBias: Bool) -> (Tensor?, Tensor?, Tensor?) {
        var dx: Tensor?, dw: Tensor?
        if wantInput {
            let out = PinnedScalars.outputs([x.count], reading: [dy.scalars, w.scalars]) { i, o in
                winograd.backwardData(i[0], filter: i[1], into: o[0])
            }
            dx = Tensor(unchecked: x.shape, out[0])
        }
        if wantFilter {
            let out = PinnedScalars.outputs([w.count], reading: [x.scalars, dy.scalars]) { i, o in
                winograd.backwardFilter(i[0], i[1], into: o[0])
            }
            dw = Tensor(unchecked: w.shape, out[0])
        }
        return (dx, dw, wantBias ? try? Tensor.biasGradient(dy) : nil)
    }

    private func builtInBackward(_ x: Tensor, _ w: Tensor, _ dy: Tensor, wantInput: Bool, wantFilter: Bool) -> (Tensor?, Tensor?) {
        let g = geometry, k = patchSize, pixels = g.outputPixels
        var dx = [Float](repeating: 0, count: wantInput ? x.count : 0)
        var dw = [Float](repeating: 0, count: wantFilter ? w.count : 0)
        var columns = uninitializedScalars(imagesPerChunk * pixels * k)
        x.scalars.withUnsafeBufferPointer { px in
            w.scalars.withUnsafeBufferPointer { pw in
                dy.scalars.withUnsafeBufferPointer { pdy in
                    columns.withUnsafeMutableBufferPointer { pc in
                        dx.withUnsafeMutableBufferPointer { pdx in
                            dw.withUnsafeMutableBufferPointer { pdw in
                                for first in stride(from: 0, to: g.batch, by: imagesPerChunk) {
                                    let images = Swift.min(imagesPerChunk, g.batch - first)
                                    let rows = images * pixels
                                    let dyChunk = pdy.baseAddress! + first * pixels * outChannels
                                    if wantFilter {
                                        im2col(px.baseAddress!, images: first..<first + images, into: pc.baseAddress!)
                                        BLAS.gemm(transA: true, m: k, n: outChannels, k: rows,
                                                  a: pc.baseAddress!, lda: k, b: dyChunk, ldb: outChannels,
                                                  beta: first == 0 ? 0 : 1, c: pdw.baseAddress!, ldc: outChannels)
                                    }
                                    if wantInput {
                                        BLAS.gemm(transB: true, m: rows, n: k, k: outChannels,
                                                  a: dyChunk, lda: outChannels, b: pw.baseAddress!, ldb: outChannels,
                                                  c: pc.baseAddress!, ldc: k)
                                        col2im(pc.baseAddress!, images: first..<first + images, into: pdx.baseAddress!)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (wantInput ? Tensor(unchecked: x.shape, dx) : nil,
                wantFilter ? Tensor(unchecked: w.shape, dw) : nil)
    }

    /// The filter gradient reads the bf16 copies of x and dy that the forward pass and the
    /// input gradient made, where oneDNN lays them out alike (`DNNLConvolution.Staged.Copy`).
    private func libraryBackward(_ library: DNNLConvolution, _ x: Tensor, _ w: Tensor, _ dy: Tensor,
                                 wantInput: Bool, wantFilter: Bool, wantBias: Bool,
                                 stagedInput: DNNLConvolution.Staged.Copy?) -> (Tensor?, Tensor?, Tensor?) {
        var dx: Tensor?, dw: Tensor?, dbias: Tensor?
        var stagedGradient: DNNLConvolution.Staged.Copy?
        if wantInput {
            let out = PinnedScalars.outputs([x.count], reading: [dy.scalars, w.scalars]) { i, o in
                stagedGradient = library.backwardData(i[0], i[1], o[0])
            }
            dx = Tensor(unchecked: x.shape, out[0])
        }
        if wantFilter {
            let out = PinnedScalars.outputs([w.count] + (wantBias ? [outChannels] : []), reading: [x.scalars, dy.scalars]) { i, o in
                library.backwardWeights(i[0], i[1], o[0], dBias: wantBias ? o[1] : nil, stagedInput: stagedInput,
                                        stagedOutputGradient: stagedGradient)
            }
            dw = Tensor(unchecked: w.shape, out[0])
            if wantBias { dbias = Tensor(unchecked: [outChannels], out[1]) }
        }
        return (dx, dw, dbias)
    }

    /// The taps of window column `ox` that fall inside the image: a run of
    /// `count` kernel columns from `first`, reading input columns from `inputX`.
    /// Those taps are adjacent pixels, so each kernel row is one contiguous copy.
    @inline(__always)
    private func validTaps(_ ox: Int) -> (first: Int, count: Int, inputX: Int) {
        let g = geometry
        let start = ox * g.strideX - g.padLeft
        let first = Swift.max(0, -start)
        let last = Swift.min(g.kernelWidth, g.width - start)
        return (first, Swift.max(0, last - first), start + first)
    }

    /// Writes one row of kh·kw·c values per output pixel; taps in the padding are zero.
    private func im2col(_ x: UnsafePointer<Float>, images: Range<Int>, into columns: UnsafeMutablePointer<Float>) {
        let g = geometry, k = patchSize, c = g.channels, rowWidth = g.kernelWidth * c
        let io = UncheckedBox((x, columns))
        Parallel.forEachChunk(images.count * g.outHeight, cost: g.outWidth * k) { range in
            let (x, columns) = io.value
            for job in range {
                let image = images.lowerBound + job / g.outHeight, oy = job % g.outHeight
                let source = x + image * g.imageSize
                var row = columns + (job * g.outWidth) * k
                for ox in 0..<g.outWidth {
                    let taps = validTaps(ox)
                    for ky in 0..<g.kernelHeight {
                        let dst = row + ky * rowWidth
                        let iy = oy * g.strideY + ky - g.padTop
                        guard iy >= 0 && iy < g.height && taps.count > 0 else {
                            dst.update(repeating: 0, count: rowWidth)
                            continue
                        }
                        if taps.first > 0 { dst.update(repeating: 0, count: taps.first * c) }
                        dst.advanced(by: taps.first * c)
                            .update(from: source + (iy * g.width + taps.inputX) * c, count: taps.count * c)
                        let after = (taps.first + taps.count) * c
                        if after < rowWidth { dst.advanced(by: after).update(repeating: 0, count: rowWidth - after) }
                    }
                    row += k
                }
            }
        }
    }

    /// Adds each column row back onto the input pixels it was read from.
    private func col2im(_ columns: UnsafePointer<Float>, images: Range<Int>, into dx: UnsafeMutablePointer<Float>) {
        let g = geometry, k = patchSize, c = g.channels, rowWidth = g.kernelWidth * c
        let io = UncheckedBox((columns, dx))
        // One image per job: images never share input pixels, so writes never race.
        Parallel.forEachChunk(images.count, cost: g.outputPixels * k) { range in
            let (columns, dx) = io.value
            for local in range {
                let target = dx + (images.lowerBound + local) * g.imageSize
                var row = columns + local * g.outputPixels * k
                for oy in 0..<g.outHeight {
                    for ox in 0..<g.outWidth {
                        let taps = validTaps(ox)
                        for ky in 0..<g.kernelHeight {
                            let iy = oy * g.strideY + ky - g.padTop
                            guard iy >= 0 && iy < g.height else { continue }
                            let src = row + ky * rowWidth + taps.first * c
                            let d = target + (iy * g.width + taps.inputX) * c
                            for j in 0..<(taps.count * c) { d[j] += src[j] }
                        }
                        row += k
                    }
                }
            }
        }
    }
}
