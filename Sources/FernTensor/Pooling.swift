/// Max and average pooling over NHWC tensors. Max pooling remembers which
/// input won each window and sends the gradient there; average pooling
/// spreads it evenly over the window's real (non-padding) inputs.
extension Tensor {
    public static func maxPool2d(_ input: Tensor, size: (Int, Int) = (2, 2), stride: (Int, Int)? = nil,
                                 padding: Padding = .valid) throws -> Tensor {
        let g = try WindowGeometry(op: "maxPool2d", input: input.shape, kernel: size, stride: stride ?? size, padding: padding)
        try g.checkSizes(op: "maxPool2d", input: input.shape, outChannels: g.channels)
        let outCount = g.batch * g.outputPixels * g.channels
        let tracked = GradientMode.isRecording && input.node != nil
        if Kernels.current == .fast, let pool = DNNLPooling.max(g, training: tracked),
           let result = libraryMaxPool(pool, input, g, tracked: tracked) {
            return result
        }
        var out = [Float](repeating: 0, count: outCount)
        // Winners are only needed for the gradient; inference skips them.
        guard tracked else {
            maxPoolValues(input, g, into: &out)
            return Tensor(unchecked: [g.batch, g.outHeight, g.outWidth, g.channels], out)
        }
        var winners = [Int32](repeating: 0, count: outCount)
        input.scalars.withUnsafeBufferPointer { px in
            out.withUnsafeMutableBufferPointer { po in
                winners.withUnsafeMutableBufferPointer { pw in
                    let io = UncheckedBox((px.baseAddress!, po.baseAddress!, pw.baseAddress!))
                    forEachWindowRow(g) { image, oy, ox in
                        let (x, out, winners) = io.value
                        let o = ((image * g.outHeight + oy) * g.outWidth + ox) * g.channels
                        let best = out + o, winner = winners + o
                        // Window pixels outer, channels inner: contiguous, vectorizable runs.
                        var first = true
                        for iy in g.rows(oy) {
                            for ix in g.columns(ox) {
                                let base = ((image * g.height + iy) * g.width + ix) * g.channels
                                let src = x + base
                                if first {
                                    for ch in 0..<g.channels { best[ch] = src[ch]; winner[ch] = Int32(base + ch) }
                                    first = false
                                } else {
                                    // Selects, not branches, so the channel loop vectorizes.
                                    for ch in 0..<g.channels {
                                        let value = src[ch], take = value > best[ch] || value.isNaN
                                        best[ch] = take ? value : best[ch]
                                        winner[ch] = take ? Int32(base + ch) : winner[ch]
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        let result = Tensor(unchecked: [g.batch, g.outHeight, g.outWidth, g.channels], out)
        return result.recorded("maxPool2d", inputs: [input]) { dy, _ in
            var dx = [Float](repeating: 0, count: input.count)
            for (i, winner) in winners.enumerated() { dx[Int(winner)] += dy.scalars[i] }
            return [Tensor(unchecked: input.shape, dx)]
        }
    }

    /// oneDNN's maximum skips NaNs, and a window of NaNs comes out as -greatestFiniteMagnitude:
    /// then (nil) Fern's loops redo it so that NaN weights still reach the loss. A NaN among
    /// numbers is skipped, as in TensorFlow.
    private static func libraryMaxPool(_ pool: DNNLPooling, _ input: Tensor, _ g: WindowGeometry, tracked: Bool) -> Tensor? {
        var out = uninitializedScalars(g.batch * g.outputPixels * g.channels)
        var workspace = [UInt8](unsafeUninitializedCapacity: pool.workspaceSize) { _, count in count = pool.workspaceSize }
        input.scalars.withUnsafeBufferPointer { px in
            out.withUnsafeMutableBufferPointer { po in
                workspace.withUnsafeMutableBytes { pool.forward(px.baseAddress!, po.baseAddress!, workspace: tracked ? $0.baseAddress : nil) }
            }
        }
        let emptyBits = (-Float.greatestFiniteMagnitude).bitPattern
        var emptyWindows: UInt32 = 0  // an OR over bit comparisons: vectorizes (1.6% of inference as a counting loop)
        out.withUnsafeBufferPointer { values in
            values.withMemoryRebound(to: UInt32.self) { bits in
                for b in bits { emptyWindows |= b == emptyBits ? 1 : 0 }
            }
        }
        if emptyWindows != 0 { return nil }
        let result = Tensor(unchecked: [g.batch, g.outHeight, g.outWidth, g.channels], out)
        guard tracked else { return result }
        return result.recorded("maxPool2d", inputs: [input]) { [workspace] dy, _ in
            var dx = uninitializedScalars(input.count)
            dy.scalars.withUnsafeBufferPointer { pdy in
                workspace.withUnsafeBytes { ws in
                    dx.withUnsafeMutableBufferPointer { pool.backward(pdy.baseAddress!, workspace: ws.baseAddress!, $0.baseAddress!) }
                }
            }
            return [Tensor(unchecked: input.shape, dx)]
        }
    }

    /// The window maxima alone (NaN wins, as in the tracked path).
    private static func maxPoolValues(_ input: Tensor, _ g: WindowGeometry, into out: inout [Float]) {
        input.scalars.withUnsafeBufferPointer { px in
            out.withUnsafeMutableBufferPointer { po in
                let io = UncheckedBox((px.baseAddress!, po.baseAddress!))
                forEachWindowRow(g) { image, oy, ox in
                    let (x, out) = io.value
                    let best = out + ((image * g.outHeight + oy) * g.outWidth + ox) * g.channels
                    var first = true
                    for iy in g.rows(oy) {
                        for ix in g.columns(ox) {
                            let src = x + ((image * g.height + iy) * g.width + ix) * g.channels
                            if first {
                                best.update(from: src, count: g.channels)
                                first = false
                            } else {
                                for ch in 0..<g.channels {
                                    let value = src[ch]
                                    best[ch] = value > best[ch] || value.isNaN ? value : best[ch]
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    public static func avgPool2d(_ input: Tensor, size: (Int, Int) = (2, 2), stride: (Int, Int)? = nil,
                                 padding: Padding = .valid) throws -> Tensor {
        let g = try WindowGeometry(op: "avgPool2d", input: input.shape, kernel: size, stride: stride ?? size, padding: padding)
        try g.checkSizes(op: "avgPool2d", input: input.shape, outChannels: g.channels)
        var out = [Float](repeating: 0, count: g.batch * g.outputPixels * g.channels)
        input.scalars.withUnsafeBufferPointer { px in
            out.withUnsafeMutableBufferPointer { po in
                let io = UncheckedBox((px.baseAddress!, po.baseAddress!))
                forEachWindowRow(g) { image, oy, ox in
                    let (x, out) = io.value
                    let o = out + ((image * g.outHeight + oy) * g.outWidth + ox) * g.channels
                    let scale = 1 / Float(g.rows(oy).count * g.columns(ox).count)
                    for iy in g.rows(oy) {
                        for ix in g.columns(ox) {
                            let src = x + ((image * g.height + iy) * g.width + ix) * g.channels
                            for ch in 0..<g.channels { o[ch] += src[ch] * scale }
                        }
                    }
                }
            }
        }
        let result = Tensor(unchecked: [g.batch, g.outHeight, g.outWidth, g.channels], out)
        return result.recorded("avgPool2d", inputs: [input]) { dy, _ in
            var dx = [Float](repeating: 0, count: input.count)
            dx.withUnsafeMutableBufferPointer { pdx in
                dy.scalars.withUnsafeBufferPointer { pdy in
                    let io = UncheckedBox((pdy.baseAddress!, pdx.baseAddress!))
                    forEachWindowRow(g, byImage: true) { image, oy, ox in
                        let (dy, dx) = io.value
                        let d = dy + ((image * g.outHeight + oy) * g.outWidth + ox) * g.channels
                        let scale = 1 / Float(g.rows(oy).count * g.columns(ox).count)
                        for iy in g.rows(oy) {
                            for ix in g.columns(ox) {
                                let t = dx + ((image * g.height + iy) * g.width + ix) * g.channels
                                for ch in 0..<g.channels { t[ch] += d[ch] * scale }
                            }
                        }
                    }
                }
            }
            return [Tensor(unchecked: input.shape, dx)]
        }
    }
}

/// Visits every output window, split across cores by output row — or by
/// image when windows may overlap and the body writes into the input.
private func forEachWindowRow(_ g: WindowGeometry, byImage: Bool = false, _ body: (Int, Int, Int) -> Void) {
    withoutActuallyEscaping(body) { body in
        let box = UncheckedBox(body)
        let cost = g.outWidth * g.channels * g.kernelHeight * g.kernelWidth
        if byImage {
            Parallel.forEachChunk(g.batch, cost: cost * g.outHeight) { range in
                for image in range { for oy in 0..<g.outHeight { for ox in 0..<g.outWidth { box.value(image, oy, ox) } } }
            }
        } else {
            Parallel.forEachChunk(g.batch * g.outHeight, cost: cost) { range in
                for job in range { for ox in 0..<g.outWidth { box.value(job / g.outHeight, job % g.outHeight, ox) } }
            }
        }
    }
}

extension WindowGeometry {
    /// Input rows covered by output row `oy`, clipped to the image.
    func rows(_ oy: Int) -> Range<Int> {
        let start = oy * strideY - padTop
        return Swift.max(start, 0)..<Swift.min(start + kernelHeight, height)
    }

    /// Input columns covered by output column `ox`, clipped to the image.
    func columns(_ ox: Int) -> Range<Int> {
        let start = ox * strideX - padLeft
        return Swift.max(start, 0)..<Swift.min(start + kernelWidth, width)
    }
}
