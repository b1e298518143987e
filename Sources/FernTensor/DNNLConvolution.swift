import CDNNL
import Foundation

/// 2-D convolution by oneDNN, the library under PyTorch's and TensorFlow's
/// CPU convolutions: JIT-compiled direct kernels that read NHWC activations
/// in place and skip the zero-padding taps im2col multiplies.
///
/// Activations stay in Fern's NHWC arrays (oneDNN reads and writes them
/// through their pointers); filters are reordered from Keras' `[kh, kw, in,
/// out]` into each kernel's blocked layout on every call (a few hundred
/// kilobytes) and weight gradients back. One object per geometry, created
/// on first use and kept: primitive creation JIT-compiles code.
///
/// In bf16 (`ConvolutionPrecision`), each pass first rounds what its kernel
/// reads (activations, filters, output gradients) into bf16 copies and
/// writes Float32: outputs and input gradients straight into Fern's arrays,
/// filter gradients through the reorder back to Keras' layout. The filter
/// gradient reads the copies the other two passes made (`Staged.Copy`) where
/// they are still current and in its layout, instead of rounding the input
/// and the output gradient again.
final class DNNLConvolution: @unchecked Sendable {
    private static let cache = DNNL.Cache<Key, DNNLConvolution>()

    /// The convolution for this geometry, or nil when oneDNN cannot make one. With
    /// `biasRelu` its forward pass also adds a bias and applies ReLU inside the
    /// kernel (one pass fewer over the output); its backward passes are the plain one's.
    /// With `.bf16`, nil also where oneDNN has only its slow reference code (one
    /// input channel, or a CPU without AVX512_BF16): the caller then takes Float32.
    static func make(_ g: WindowGeometry, outChannels: Int, biasRelu: Bool = false,
                     precision: ConvolutionPrecision = .f32) -> DNNLConvolution? {
        guard let context = DNNL.context else { return nil }
        let key = Key(geometry: g, outChannels: outChannels, biasRelu: biasRelu, precision: precision)
        return cache.value(for: key) { DNNLConvolution(context: context, key: key) }
    }

    /// y = x ⋆ w (or relu(x ⋆ w + bias) when made with `biasRelu`). Returns the
    /// input as the kernel read it where that is a copy (bf16), for `backwardWeights`.
    @discardableResult
    func forward(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, bias: UnsafePointer<Float>? = nil,
                 _ y: UnsafeMutablePointer<Float>) -> Staged.Copy? {
        context.run {
            forwardWeights.load(from: w, context: context)
            let stagedInput = forwardSource.load(from: x, context: context)
            output.point(at: y)
            var arguments = [(DNNL_ARG_SRC, forwardSource.memory), (DNNL_ARG_WEIGHTS, forwardWeights.memory),
                             (DNNL_ARG_DST, output.memory)]
            if key.biasRelu {
                guard let bias else { fatalError("a fused convolution needs its bias") }
                biasMemory.point(at: bias)
                arguments.append((DNNL_ARG_BIAS, biasMemory.memory))
            }
            context.execute(forwardPrimitive, arguments)
            return stagedInput
        }
    }

    /// dx = convolution transposed of dy (overwrites `dx`). Returns the output gradient
    /// as the kernel read it where that is a copy (bf16), for `backwardWeights`.
    @discardableResult
    func backwardData(_ dy: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>) -> Staged.Copy? {
        context.run {
            let stage = backwardDataStage()
            stage.weights.load(from: w, context: context)
            let outputGradient = stage.outputGradient.load(from: dy, context: context)
            input.point(at: dx)
            stage.primitive.execute([(DNNL_ARG_DIFF_DST, stage.outputGradient.memory), (DNNL_ARG_WEIGHTS, stage.weights.memory),
                                     (DNNL_ARG_DIFF_SRC, input.memory)], context: context)
            return outputGradient
        }
    }

    /// dw = correlation of x with dy (overwrites `dw`, Keras layout); with `dBias`
    /// also the bias gradient (dy summed over every position), in the same pass.
    /// `stagedInput`, `stagedOutputGradient`: the copies of x and dy that the forward
    /// pass and the input gradient made; where still current and in this kernel's
    /// layout, they are read instead of rounding x and dy again (the same bits).
    func backwardWeights(_ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ dw: UnsafeMutablePointer<Float>,
                         dBias: UnsafeMutablePointer<Float>? = nil,
                         stagedInput: Staged.Copy? = nil, stagedOutputGradient: Staged.Copy? = nil) {
        context.run {
            let stage = backwardWeightsStage(withBias: dBias != nil)
            guard let source = stage.source else { fatalError("a filter-gradient stage reads the input") }
            let sourceMemory = source.memory(loading: x, unlessIn: stagedInput, context: context)
            let outputGradientMemory = stage.outputGradient.memory(loading: dy, unlessIn: stagedOutputGradient, context: context)
            conversionsSaved += [sourceMemory != source.memory, outputGradientMemory != stage.outputGradient.memory].count { $0 }
            var arguments = [(DNNL_ARG_SRC, sourceMemory), (DNNL_ARG_DIFF_DST, outputGradientMemory),
                             (DNNL_ARG_DIFF_WEIGHTS, stage.weights.memory)]
            if let dBias {
                biasMemory.point(at: dBias)
                arguments.append((DNNL_ARG_DIFF_BIAS, biasMemory.memory))
            }
            stage.weights.store(into: dw, context: context) {
                if stage.primitive.execute(arguments, context: context) == .oneThread { filterGradientsOnOneThread += 1 }
            }
        }
    }

    /// Roundings of x or dy that `backwardWeights` saved by reading another pass's copy (for tests).
    private(set) var conversionsSaved = 0
    /// Filter gradients computed by the one-thread primitive (for tests).
    private(set) var filterGradientsOnOneThread = 0

    /// Which kernels oneDNN picked, e.g. "brgconv:avx512_core".
    var implementation: String { DNNL.implementation(of: forwardDescriptor) }

    // MARK: - Set-up

    private struct Key: Hashable {
        let batch, height, width, channels, kernelHeight, kernelWidth, strideY, strideX: Int
        let outHeight, outWidth, padTop, padLeft, outChannels: Int
        let biasRelu: Bool
        let precision: ConvolutionPrecision

        init(geometry g: WindowGeometry, outChannels: Int, biasRelu: Bool, precision: ConvolutionPrecision) {
            (batch, height, width, channels) = (g.batch, g.height, g.width, g.channels)
            (kernelHeight, kernelWidth, strideY, strideX) = (g.kernelHeight, g.kernelWidth, g.strideY, g.strideX)
            (outHeight, outWidth, padTop, padLeft) = (g.outHeight, g.outWidth, g.padTop, g.padLeft)
            self.outChannels = outChannels
            self.biasRelu = biasRelu
            self.precision = precision
        }

        var strides: [Int64] { [Int64(strideY), Int64(strideX)] }
        var padBefore: [Int64] { [Int64(padTop), Int64(padLeft)] }
        var padAfter: [Int64] {
            [Int64((outHeight - 1) * strideY + kernelHeight - height - padTop),
             Int64((outWidth - 1) * strideX + kernelWidth - width - padLeft)]
        }
        var sourceDims: [Int64] { [batch, channels, height, width].map(Int64.init) }
        var destinationDims: [Int64] { [batch, outChannels, outHeight, outWidth].map(Int64.init) }
        var weightsDims: [Int64] { [outChannels, channels, kernelHeight, kernelWidth].map(Int64.init) }
        /// The type the kernels read activations, filters and output gradients in.
        var operandType: dnnl_data_type_t { precision == .bf16 ? dnnl_bf16 : dnnl_f32 }
    }

    private let context: DNNL.Context
    private let key: Key
    /// Fern's Float32 NHWC activations and Keras-layout filters.
    private var userSourceDesc = dnnl_memory_desc_t(), userDestinationDesc = dnnl_memory_desc_t()
    private var userWeightsDesc = dnnl_memory_desc_t()
    /// What the kernels read: the same in Float32; in bf16, bf16 in a layout oneDNN picks.
    private var operandSourceDesc = dnnl_memory_desc_t(), operandDestinationDesc = dnnl_memory_desc_t()
    private var operandWeightsDesc = dnnl_memory_desc_t(), weightsGradientDesc = dnnl_memory_desc_t()
    private var descriptor = dnnl_convolution_desc_t()
    private let forwardDescriptor: dnnl_primitive_desc_t
    private let forwardPrimitive: DNNL.Primitive
    /// The forward pass's input and filters, as its kernel reads them.
    private let forwardSource: Staged, forwardWeights: Staged
    /// The forward pass's output and the input gradient: Float32 NHWC, written in place.
    private let output: DNNL.UserMemory, input: DNNL.UserMemory
    /// The bias of a fused forward pass, or the bias gradient of a backward one.
    private let biasMemory: DNNL.UserMemory
    private var biasDesc = dnnl_memory_desc_t()
    private var backwardData: Stage?, backwardWeights: Stage?, backwardWeightsAndBias: Stage?

    private init?(context: DNNL.Context, key: Key) {
        self.context = context
        self.key = key
        let k = key, low = k.operandType
        let operandTag = k.precision == .bf16 ? dnnl_format_tag_any : dnnl_nhwc
        guard DNNL.check(dnnl_memory_desc_init_by_tag(&userSourceDesc, 4, k.sourceDims, dnnl_f32, dnnl_nhwc)),
              DNNL.check(dnnl_memory_desc_init_by_tag(&userDestinationDesc, 4, k.destinationDims, dnnl_f32, dnnl_nhwc)),
              DNNL.check(dnnl_memory_desc_init_by_tag(&userWeightsDesc, 4, k.weightsDims, dnnl_f32, dnnl_hwio)),
              DNNL.check(dnnl_memory_desc_init_by_tag(&operandSourceDesc, 4, k.sourceDims, low, operandTag)),
              DNNL.check(dnnl_memory_desc_init_by_tag(&operandDestinationDesc, 4, k.destinationDims, low, operandTag)),
              DNNL.check(dnnl_memory_desc_init_by_tag(&operandWeightsDesc, 4, k.weightsDims, low, dnnl_format_tag_any)),
              DNNL.check(dnnl_memory_desc_init_by_tag(&weightsGradientDesc, 4, k.weightsDims, dnnl_f32, dnnl_format_tag_any)),
              DNNL.check(dnnl_memory_desc_init_by_tag(&biasDesc, 1, [Int64(k.outChannels)], dnnl_f32, dnnl_x))
        else { return nil }
        let described = k.biasRelu
            ? dnnl_convolution_forward_desc_init(&descriptor, dnnl_forward_training, dnnl_convolution_direct, &operandSourceDesc,
                                                 &operandWeightsDesc, &biasDesc, &userDestinationDesc, k.strides, k.padBefore, k.padAfter)
            : dnnl_convolution_forward_desc_init(&descriptor, dnnl_forward_training, dnnl_convolution_direct, &operandSourceDesc,
                                                 &operandWeightsDesc, nil, &userDestinationDesc, k.strides, k.padBefore, k.padAfter)
        guard DNNL.check(described) else { return nil }
        var pd: dnnl_primitive_desc_t?, forward = descriptor
        let made = DNNL.withAttributes { attributes in
            var postOps: dnnl_post_ops_t?
            defer { if let postOps { dnnl_post_ops_destroy(postOps) } }
            if k.biasRelu {
                guard DNNL.check(dnnl_post_ops_create(&postOps)),
                      DNNL.check(dnnl_post_ops_append_eltwise(postOps, 1, dnnl_eltwise_relu, 0, 0)),
                      DNNL.check(dnnl_primitive_attr_set_post_ops(attributes, postOps))
                else { return false }
            }
            return DNNL.check(dnnl_primitive_desc_create(&pd, &forward, attributes, context.engine, nil))
        }
        guard made, let pd else { return nil }
        // oneDNN's reference code ("ref:any") is what it has for bf16 where no JIT kernel
        // applies: correct but hundreds of times slower than Float32.
        guard k.precision == .f32 || !DNNL.implementation(of: pd).hasPrefix("ref") else {
            dnnl_primitive_desc_destroy(pd)
            return nil
        }
        guard let primitive = DNNL.Primitive(pd, context),
              let output = DNNL.UserMemory(userDestinationDesc, context), let input = DNNL.UserMemory(userSourceDesc, context),
              let biasMemory = DNNL.UserMemory(biasDesc, context),
              let source = Staged(user: userSourceDesc, kernel: DNNL.query(pd, dnnl_query_src_md), context: context),
              let weights = Staged(user: userWeightsDesc, kernel: DNNL.query(pd, dnnl_query_weights_md), context: context)
        else { return nil }
        (forwardDescriptor, forwardPrimitive) = (pd, primitive)
        (self.output, self.input, self.biasMemory) = (output, input, biasMemory)
        (forwardSource, forwardWeights) = (source, weights)
    }

    /// A backward primitive and its operands in the kernel's layouts and type.
    private struct Stage {
        /// The filter gradient's comes with a one-thread twin where that gives the same bits.
        let primitive: DNNL.AdaptivePrimitive
        /// Filters (input gradient) or the filter gradient (filter gradient).
        let weights: Staged
        let outputGradient: Staged
        /// The forward input; the filter gradient's stage only.
        let source: Staged?
    }

    private func backwardDataStage() -> Stage {
        if let backwardData { return backwardData }
        var d = dnnl_convolution_desc_t()
        let k = key
        DNNL.require(dnnl_convolution_backward_data_desc_init(&d, dnnl_convolution_direct, &userSourceDesc, &operandWeightsDesc,
                                                              &operandDestinationDesc, k.strides, k.padBefore, k.padAfter))
        let stage = makeStage(&d, weights: dnnl_query_weights_md, readsSource: false)
        backwardData = stage
        return stage
    }

    private func backwardWeightsStage(withBias: Bool) -> Stage {
        if let made = withBias ? backwardWeightsAndBias : backwardWeights { return made }
        var d = dnnl_convolution_desc_t()
        let k = key
        DNNL.require(withBias
            ? dnnl_convolution_backward_weights_desc_init(&d, dnnl_convolution_direct, &operandSourceDesc, &weightsGradientDesc,
                                                          &biasDesc, &operandDestinationDesc, k.strides, k.padBefore, k.padAfter)
            : dnnl_convolution_backward_weights_desc_init(&d, dnnl_convolution_direct, &operandSourceDesc, &weightsGradientDesc,
                                                          nil, &operandDestinationDesc, k.strides, k.padBefore, k.padAfter))
        let stage = makeStage(&d, weights: dnnl_query_diff_weights_md, readsSource: true, oneThreadTwin: true)
        let x = DNNL.randomValues(k.batch * k.height * k.width * k.channels, seed: 1)
        let dy = DNNL.randomValues(k.batch * k.outHeight * k.outWidth * k.outChannels, seed: 2)
        stage.primitive.keepOneThread { filterGradient(stage, withBias: withBias, x: x, dy: dy, on: $0) }
        if withBias { backwardWeightsAndBias = stage } else { backwardWeights = stage }
        return stage
    }

    private func makeStage(_ d: inout dnnl_convolution_desc_t, weights weightsQuery: dnnl_query_t, readsSource: Bool,
                           oneThreadTwin: Bool = false) -> Stage {
        func make() -> dnnl_primitive_desc_t? {
            var made: dnnl_primitive_desc_t?
            let status = DNNL.withAttributes { dnnl_primitive_desc_create(&made, &d, $0, context.engine, forwardDescriptor) }
            return status == dnnl_success ? made : nil
        }
        guard let pd = make() else { fatalError("oneDNN: no backward convolution matches the forward one") }
        defer { dnnl_primitive_desc_destroy(pd) }
        // The filter gradient's twin (the only one) must read and write what its stage stages.
        let layouts = [dnnl_query_src_md, dnnl_query_diff_dst_md, dnnl_query_diff_weights_md]
        guard let primitive = DNNL.AdaptivePrimitive(pd, context: context, layouts: layouts, twin: { oneThreadTwin ? make() : nil }),
              let weights = Staged(user: userWeightsDesc, kernel: DNNL.query(pd, weightsQuery), context: context),
              let outputGradient = Staged(user: userDestinationDesc, kernel: DNNL.query(pd, dnnl_query_diff_dst_md), context: context)
        else { fatalError("oneDNN: could not create a backward convolution that matches its forward one") }
        var source: Staged?
        if readsSource {
            source = Staged(user: userSourceDesc, kernel: DNNL.query(pd, dnnl_query_src_md), context: context)
            if source == nil { fatalError("oneDNN: could not stage a backward convolution's input") }
        }
        return Stage(primitive: primitive, weights: weights, outputGradient: outputGradient, source: source)
    }

    /// The filter gradient (and bias gradient) by `primitive` of the stage, of input `x` and output gradient `dy`.
    private func filterGradient(_ stage: Stage, withBias: Bool, x: [Float], dy: [Float], on primitive: DNNL.Primitive) -> [[Float]] {
        guard let source = stage.source else { return [] }
        let k = key
        let counts = [k.kernelHeight * k.kernelWidth * k.channels * k.outChannels, withBias ? k.outChannels : 0]
        return PinnedScalars.outputs(counts, reading: [x, dy]) { i, o in
            source.load(from: i[0], context: context)
            stage.outputGradient.load(from: i[1], context: context)
            var arguments = [(DNNL_ARG_SRC, source.memory), (DNNL_ARG_DIFF_DST, stage.outputGradient.memory),
                             (DNNL_ARG_DIFF_WEIGHTS, stage.weights.memory)]
            if withBias {
                biasMemory.point(at: o[1])
                arguments.append((DNNL_ARG_DIFF_BIAS, biasMemory.memory))
            }
            stage.weights.store(into: o[0], context: context) { context.execute(primitive, arguments) }
        }
    }
}

// MARK: - Staged operands

extension DNNLConvolution {
    /// An operand in the layout and type a kernel reads (or writes), with the
    /// reorders to and from Fern's Float32 buffer: filters from Keras' layout into
    /// a blocked one; in bf16, activations and gradients rounded to bf16 too.
    /// Where the two descriptions agree, the kernel reads Fern's buffer in place.
    final class Staged {
        let memory: dnnl_memory_t
        private let user: DNNL.UserMemory
        private let toKernel: DNNL.Primitive?, toUser: DNNL.Primitive?
        private let kernelDesc: dnnl_memory_desc_t
        /// How many times `load` has filled the copy: a `Copy` is current while this has not moved on.
        private var loads = 0

        /// What one `load` put into the copy: usable, as those values, until the next `load`.
        struct Copy {
            fileprivate let staged: Staged
            fileprivate let load: Int
        }

        init?(user userDesc: dnnl_memory_desc_t, kernel kernelDesc: dnnl_memory_desc_t, context: DNNL.Context) {
            var userDesc = userDesc, kernelDesc = kernelDesc
            self.kernelDesc = kernelDesc
            guard let user = DNNL.UserMemory(userDesc, context) else { return nil }
            self.user = user
            if dnnl_memory_desc_equal(&userDesc, &kernelDesc) != 0 {
                (memory, toKernel, toUser) = (user.memory, nil, nil)
                return
            }
            var memory: dnnl_memory_t?
            var forward: dnnl_primitive_desc_t?, backward: dnnl_primitive_desc_t?
            // DNNL_MEMORY_ALLOCATE is the C macro ((void *)(size_t)-1).
            guard DNNL.check(dnnl_memory_create(&memory, &kernelDesc, context.engine, UnsafeMutableRawPointer(bitPattern: -1))),
                  let memory,
                  DNNL.withAttributes({ dnnl_reorder_primitive_desc_create(&forward, &userDesc, context.engine, &kernelDesc,
                                                                           context.engine, $0) }) == dnnl_success,
                  DNNL.withAttributes({ dnnl_reorder_primitive_desc_create(&backward, &kernelDesc, context.engine, &userDesc,
                                                                           context.engine, $0) }) == dnnl_success,
                  let forward, let backward
            else { return nil }
            defer { dnnl_primitive_desc_destroy(forward); dnnl_primitive_desc_destroy(backward) }
            self.memory = memory
            toKernel = DNNL.Primitive(forward, context)
            toUser = DNNL.Primitive(backward, context)
            if toKernel == nil || toUser == nil { return nil }
        }

        /// Fills `memory` from Fern's buffer at `pointer` (or points it there where the
        /// kernel reads that buffer in place); returns what the copy now holds, if it is one.
        @discardableResult
        func load(from pointer: UnsafePointer<Float>, context: DNNL.Context) -> Copy? {
            user.point(at: pointer)
            guard let toKernel else { return nil }
            context.execute(toKernel, [(DNNL_ARG_FROM, user.memory), (DNNL_ARG_TO, memory)])
            loads += 1
            return Copy(staged: self, load: loads)
        }

        /// The memory of `copy` where it is still current and laid out as this operand's
        /// kernel reads it; else this operand's own, loaded from `pointer`. The caller
        /// passes a copy of the values at `pointer` (or nil).
        func memory(loading pointer: UnsafePointer<Float>, unlessIn copy: Copy?, context: DNNL.Context) -> dnnl_memory_t {
            if let copy, copy.load == copy.staged.loads, copy.staged.reads(like: self) { return copy.staged.memory }
            load(from: pointer, context: context)
            return memory
        }

        private func reads(like other: Staged) -> Bool {
            var (mine, theirs) = (kernelDesc, other.kernelDesc)
            return dnnl_memory_desc_equal(&mine, &theirs) != 0
        }

        /// Runs `compute`, which writes `memory`, and leaves the result at `pointer` in Keras' layout.
        func store(into pointer: UnsafeMutablePointer<Float>, context: DNNL.Context, compute: () -> Void) {
            user.point(at: pointer)
            compute()
            if let toUser { context.execute(toUser, [(DNNL_ARG_FROM, memory), (DNNL_ARG_TO, user.memory)]) }
        }
    }
}
