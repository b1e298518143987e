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
final class DNNLConvolution: @unchecked Sendable {
    private static let cache = DNNL.Cache<Key, DNNLConvolution>()

    /// The convolution for this geometry, or nil when oneDNN cannot make one. With
    /// `biasRelu` its forward pass also adds a bias and applies ReLU inside the
    /// kernel (one pass fewer over the output); its backward passes are the plain one's.
    static func make(_ g: WindowGeometry, outChannels: Int, biasRelu: Bool = false) -> DNNLConvolution? {
        guard let context = DNNL.context else { return nil }
        let key = Key(geometry: g, outChannels: outChannels, biasRelu: biasRelu)
        return cache.value(for: key) { DNNLConvolution(context: context, key: key) }
    }

    /// y = x ⋆ w (or relu(x ⋆ w + bias) when made with `biasRelu`).
    func forward(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, bias: UnsafePointer<Float>? = nil,
                 _ y: UnsafeMutablePointer<Float>) {
        context.run {
            forwardWeights.load(from: w, context: context)
            source.point(at: x)
            destination.point(at: y)
            var arguments = [(DNNL_ARG_SRC, source.memory), (DNNL_ARG_WEIGHTS, forwardWeights.memory),
                             (DNNL_ARG_DST, destination.memory)]
            if key.biasRelu {
                guard let bias else { fatalError("a fused convolution needs its bias") }
                biasMemory.point(at: bias)
                arguments.append((DNNL_ARG_BIAS, biasMemory.memory))
            }
            context.execute(forwardPrimitive, arguments)
        }
    }

    /// dx = convolution transposed of dy (overwrites `dx`).
    func backwardData(_ dy: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>) {
        context.run {
            let stage = backwardDataStage()
            stage.weights.load(from: w, context: context)
            destination.point(at: dy)
            source.point(at: dx)
            context.execute(stage.primitive, [(DNNL_ARG_DIFF_DST, destination.memory), (DNNL_ARG_WEIGHTS, stage.weights.memory),
                                              (DNNL_ARG_DIFF_SRC, source.memory)])
        }
    }

    /// dw = correlation of x with dy (overwrites `dw`, Keras layout); with `dBias`
    /// also the bias gradient (dy summed over every position), in the same pass.
    func backwardWeights(_ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ dw: UnsafeMutablePointer<Float>,
                         dBias: UnsafeMutablePointer<Float>? = nil) {
        context.run {
            let stage = backwardWeightsStage(withBias: dBias != nil)
            source.point(at: x)
            destination.point(at: dy)
            var arguments = [(DNNL_ARG_SRC, source.memory), (DNNL_ARG_DIFF_DST, destination.memory),
                             (DNNL_ARG_DIFF_WEIGHTS, stage.weights.memory)]
            if let dBias {
                biasMemory.point(at: dBias)
                arguments.append((DNNL_ARG_DIFF_BIAS, biasMemory.memory))
            }
            stage.weights.store(into: dw, context: context) { context.execute(stage.primitive, arguments) }
        }
    }

    /// Which kernels oneDNN picked, e.g. "brgconv:avx512_core".
    var implementation: String { DNNL.implementation(of: forwardDescriptor) }

    // MARK: - Set-up

    private struct Key: Hashable {
        let batch, height, width, channels, kernelHeight, kernelWidth, strideY, strideX: Int
        let outHeight, outWidth, padTop, padLeft, outChannels: Int
        let biasRelu: Bool

        init(geometry g: WindowGeometry, outChannels: Int, biasRelu: Bool) {
            (batch, height, width, channels) = (g.batch, g.height, g.width, g.channels)
            (kernelHeight, kernelWidth, strideY, strideX) = (g.kernelHeight, g.kernelWidth, g.strideY, g.strideX)
            (outHeight, outWidth, padTop, padLeft) = (g.outHeight, g.outWidth, g.padTop, g.padLeft)
            self.outChannels = outChannels
            self.biasRelu = biasRelu
        }

        var strides: [Int64] { [Int64(strideY), Int64(strideX)] }
        var padBefore: [Int64] { [Int64(padTop), Int64(padLeft)] }
        var padAfter: [Int64] {
            [Int64((outHeight - 1) * strideY + kernelHeight - height - padTop),
             Int64((outWidth - 1) * strideX + kernelWidth - width - padLeft)]
        }
    }

    private let context: DNNL.Context
    private let key: Key
    private var sourceDesc = dnnl_memory_desc_t(), destinationDesc = dnnl_memory_desc_t()
    private var userWeightsDesc = dnnl_memory_desc_t(), anyWeightsDesc = dnnl_memory_desc_t()
    private var descriptor = dnnl_convolution_desc_t()
    private let forwardDescriptor: dnnl_primitive_desc_t
    private let forwardPrimitive: DNNL.Primitive
    private let source: DNNL.UserMemory, destination: DNNL.UserMemory
    /// The bias of a fused forward pass, or the bias gradient of a backward one.
    private let biasMemory: DNNL.UserMemory
    private var biasDesc = dnnl_memory_desc_t()
    private let forwardWeights: Weights
    private var backwardData: Stage?, backwardWeights: Stage?, backwardWeightsAndBias: Stage?

    private init?(context: DNNL.Context, key: Key) {
        self.context = context
        self.key = key
        let k = key
        guard DNNL.check(dnnl_memory_desc_init_by_tag(&sourceDesc, 4, [k.batch, k.channels, k.height, k.width].map(Int64.init),
                                                      dnnl_f32, dnnl_nhwc)),
              DNNL.check(dnnl_memory_desc_init_by_tag(&destinationDesc, 4,
                                                      [k.batch, k.outChannels, k.outHeight, k.outWidth].map(Int64.init),
                                                      dnnl_f32, dnnl_nhwc)),
              DNNL.check(dnnl_memory_desc_init_by_tag(&userWeightsDesc, 4,
                                                      [k.outChannels, k.channels, k.kernelHeight, k.kernelWidth].map(Int64.init),
                                                      dnnl_f32, dnnl_hwio)),
              DNNL.check(dnnl_memory_desc_init_by_tag(&anyWeightsDesc, 4,
                                                      [k.outChannels, k.channels, k.kernelHeight, k.kernelWidth].map(Int64.init),
                                                      dnnl_f32, dnnl_format_tag_any)),
              DNNL.check(dnnl_memory_desc_init_by_tag(&biasDesc, 1, [Int64(k.outChannels)], dnnl_f32, dnnl_x))
        else { return nil }
        let described = k.biasRelu
            ? dnnl_convolution_forward_desc_init(&descriptor, dnnl_forward_training, dnnl_convolution_direct, &sourceDesc,
                                                 &anyWeightsDesc, &biasDesc, &destinationDesc, k.strides, k.padBefore, k.padAfter)
            : dnnl_convolution_forward_desc_init(&descriptor, dnnl_forward_training, dnnl_convolution_direct, &sourceDesc,
                                                 &anyWeightsDesc, nil, &destinationDesc, k.strides, k.padBefore, k.padAfter)
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
        guard made, let pd,
              let primitive = DNNL.Primitive(pd, context),
              let source = DNNL.UserMemory(sourceDesc, context), let destination = DNNL.UserMemory(destinationDesc, context),
              let biasMemory = DNNL.UserMemory(biasDesc, context),
              let weights = Weights(user: userWeightsDesc, kernel: dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0).pointee,
                                    context: context)
        else { return nil }
        (forwardDescriptor, forwardPrimitive) = (pd, primitive)
        (self.source, self.destination, self.forwardWeights, self.biasMemory) = (source, destination, weights, biasMemory)
    }

    /// A backward primitive and its weights in the kernel's layout.
    private struct Stage {
        let primitive: DNNL.Primitive
        let weights: Weights
    }

    private func backwardDataStage() -> Stage {
        if let backwardData { return backwardData }
        var d = dnnl_convolution_desc_t()
        let k = key
        DNNL.require(dnnl_convolution_backward_data_desc_init(&d, dnnl_convolution_direct, &sourceDesc, &anyWeightsDesc,
                                                              &destinationDesc, k.strides, k.padBefore, k.padAfter))
        let stage = makeStage(&d, weightsQuery: dnnl_query_weights_md)
        backwardData = stage
        return stage
    }

    private func backwardWeightsStage(withBias: Bool) -> Stage {
        if let made = withBias ? backwardWeightsAndBias : backwardWeights { return made }
        var d = dnnl_convolution_desc_t()
        let k = key
        DNNL.require(withBias
            ? dnnl_convolution_backward_weights_desc_init(&d, dnnl_convolution_direct, &sourceDesc, &anyWeightsDesc, &biasDesc,
                                                          &destinationDesc, k.strides, k.padBefore, k.padAfter)
            : dnnl_convolution_backward_weights_desc_init(&d, dnnl_convolution_direct, &sourceDesc, &anyWeightsDesc, nil,
                                                          &destinationDesc, k.strides, k.padBefore, k.padAfter))
        let stage = makeStage(&d, weightsQuery: dnnl_query_diff_weights_md)
        if withBias { backwardWeightsAndBias = stage } else { backwardWeights = stage }
        return stage
    }

    private func makeStage(_ d: inout dnnl_convolution_desc_t, weightsQuery: dnnl_query_t) -> Stage {
        var pd: dnnl_primitive_desc_t?
        DNNL.require(DNNL.withAttributes { dnnl_primitive_desc_create(&pd, &d, $0, context.engine, forwardDescriptor) })
        guard let pd, let primitive = DNNL.Primitive(pd, context),
              let weights = Weights(user: userWeightsDesc, kernel: dnnl_primitive_desc_query_md(pd, weightsQuery, 0).pointee,
                                    context: context)
        else { fatalError("oneDNN: could not create a backward convolution that matches its forward one") }
        return Stage(primitive: primitive, weights: weights)
    }

}

// MARK: - Weights

extension DNNLConvolution {
    /// Filters in a kernel's layout, with the reorders to and from Keras' layout.
    final class Weights {
        let memory: dnnl_memory_t
        private let user: DNNL.UserMemory
        private let toKernel: DNNL.Primitive?, toUser: DNNL.Primitive?

        init?(user userDesc: dnnl_memory_desc_t, kernel kernelDesc: dnnl_memory_desc_t, context: DNNL.Context) {
            var userDesc = userDesc, kernelDesc = kernelDesc
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

        func load(from pointer: UnsafePointer<Float>, context: DNNL.Context) {
            user.point(at: pointer)
            if let toKernel { context.execute(toKernel, [(DNNL_ARG_FROM, user.memory), (DNNL_ARG_TO, memory)]) }
        }

        /// Runs `compute`, which writes `memory`, and leaves the result at `pointer` in Keras' layout.
        func store(into pointer: UnsafeMutablePointer<Float>, context: DNNL.Context, compute: () -> Void) {
            user.point(at: pointer)
            compute()
            if let toUser { context.execute(toUser, [(DNNL_ARG_FROM, memory), (DNNL_ARG_TO, user.memory)]) }
        }
    }
}
