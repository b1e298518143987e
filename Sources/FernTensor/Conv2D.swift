/// 2-D convolution on NHWC tensors by im2col + one OpenBLAS GEMM per chunk of images.
///
/// Layout choice (measured, see the issue note): NHWC lets a whole chunk of
/// images form one tall GEMM `[images·pixels, kh·kw·c] @ [kh·kw·c, outChannels]`
/// whose result already is the NHWC output, where NCHW needs one small GEMM
/// per image. Filters are `[kh, kw, inChannels, outChannels]` (Keras layout).
///
/// Backward: dW = colᵀ @ dY (columns rebuilt per chunk instead of stored),
/// dX = col2im(dY @ Wᵀ).
extension Tensor {
    public static func conv2d(_ input: Tensor, _ filter: Tensor, stride: (Int, Int) = (1, 1),
                              padding: Padding = .valid) throws -> Tensor {
        guard filter.rank == 4 else {
            throw TensorError.shapes("conv2d", input.shape, filter.shape, detail: "the filter must be [kh, kw, inChannels, outChannels]")
        }
        let g = try WindowGeometry(op: "conv2d", input: input.shape, kernel: (filter.shape[0], filter.shape[1]),
                                   stride: stride, padding: padding)
        guard filter.shape[2] == g.channels else {
            throw TensorError.shapes("conv2d", input.shape, filter.shape,
                                     detail: "the input has \(g.channels) channels but the filter expects \(filter.shape[2])")
        }
        let conv = Convolution(geometry: g, outChannels: filter.shape[3])
        return conv.forward(input, filter).recorded("conv2d", inputs: [input, filter]) { dy, needs in
            let (dx, dw) = conv.backward(input, filter, dy, wantInput: needs[0], wantFilter: needs[1])
            return [dx, dw]
        }
    }
}

private struct Convolution {
    let geometry: WindowGeometry
    let outChannels: Int

    var patchSize: Int { geometry.kernelHeight * geometry.kernelWidth * geometry.channels }

    /// Images per GEMM: keeps the column buffer near 16 MiB.
    var imagesPerChunk: Int {
        Swift.max(1, Swift.min(geometry.batch, (4 << 20) / Swift.max(geometry.outputPixels * patchSize, 1)))
    }

    func forward(_ x: Tensor, _ w: Tensor) -> Tensor {
        let g = geometry, k = patchSize, pixels = g.outputPixels
        var out = [Float](repeating: 0, count: g.batch * pixels * outChannels)
        var columns = [Float](repeating: 0, count: imagesPerChunk * pixels * k)
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
        return Tensor(unchecked: [g.batch, g.outHeight, g.outWidth, outChannels], out)
    }

    func backward(_ x: Tensor, _ w: Tensor, _ dy: Tensor, wantInput: Bool, wantFilter: Bool) -> (Tensor?, Tensor?) {
        let g = geometry, k = patchSize, pixels = g.outputPixels
        var dx = [Float](repeating: 0, count: wantInput ? x.count : 0)
        var dw = [Float](repeating: 0, count: wantFilter ? w.count : 0)
        var columns = [Float](repeating: 0, count: imagesPerChunk * pixels * k)
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

    /// Writes one row of kh·kw·c values per output pixel; taps in the padding are zero.
    private func im2col(_ x: UnsafePointer<Float>, images: Range<Int>, into columns: UnsafeMutablePointer<Float>) {
        let g = geometry, k = patchSize, c = g.channels
        let io = UncheckedBox((x, columns))
        Parallel.forEachChunk(images.count * g.outHeight, cost: g.outWidth * k) { range in
            let (x, columns) = io.value
            for job in range {
                let image = images.lowerBound + job / g.outHeight, oy = job % g.outHeight
                let source = x + image * g.imageSize
                var row = columns + (job * g.outWidth) * k
                for ox in 0..<g.outWidth {
                    var dst = row
                    for ky in 0..<g.kernelHeight {
                        let iy = oy * g.strideY + ky - g.padTop
                        if iy < 0 || iy >= g.height {
                            dst.update(repeating: 0, count: g.kernelWidth * c)
                            dst += g.kernelWidth * c
                            continue
                        }
                        for kx in 0..<g.kernelWidth {
                            let ix = ox * g.strideX + kx - g.padLeft
                            if ix < 0 || ix >= g.width {
                                dst.update(repeating: 0, count: c)
                            } else {
                                dst.update(from: source + (iy * g.width + ix) * c, count: c)
                            }
                            dst += c
                        }
                    }
                    row += k
                }
            }
        }
    }

    /// Adds each column row back onto the input pixels it was read from.
    private func col2im(_ columns: UnsafePointer<Float>, images: Range<Int>, into dx: UnsafeMutablePointer<Float>) {
        let g = geometry, k = patchSize, c = g.channels
        let io = UncheckedBox((columns, dx))
        // One image per job: images never share input pixels, so writes never race.
        Parallel.forEachChunk(images.count, cost: g.outputPixels * k) { range in
            let (columns, dx) = io.value
            for local in range {
                let target = dx + (images.lowerBound + local) * g.imageSize
                var row = columns + local * g.outputPixels * k
                for oy in 0..<g.outHeight {
                    for ox in 0..<g.outWidth {
                        var src = row
                        for ky in 0..<g.kernelHeight {
                            let iy = oy * g.strideY + ky - g.padTop
                            guard iy >= 0 && iy < g.height else { src += g.kernelWidth * c; continue }
                            for kx in 0..<g.kernelWidth {
                                let ix = ox * g.strideX + kx - g.padLeft
                                if ix >= 0 && ix < g.width {
                                    let d = target + (iy * g.width + ix) * c
                                    for ch in 0..<c { d[ch] += src[ch] }
                                }
                                src += c
                            }
                        }
                        row += k
                    }
                }
            }
        }
    }
}
