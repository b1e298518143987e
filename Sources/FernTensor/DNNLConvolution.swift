import CDNNL
import Foundation

/// 2-D convolution by oneDNN, the library under PyTorch's and TensorFlow's
/// CPU convolutions: JIT-compiled direct kernels that read NHWC activations
/// in place and skip the zero-padding taps im2col multiplies. The one file
/// that calls oneDNN.
///
/// Activations stay in Fern's NHWC arrays (oneDNN reads and writes them
/// through their pointers); filters are reordered from Keras' `[kh, kw, in,
/// out]` into each kernel's blocked layout on every call (a few hundred
/// kilobytes) and weight gradients back. One object per geometry, created
/// on first use and kept: primitive creation JIT-compiles code.
final class DNNLConvolution: @unchecked Sendable {
    /// nil when oneDNN cannot run here (no CPU engine).
    private static let context = Context()
    private static let cacheLock = NSLock()
    nonisolated(unsafe) private static var cache: [Key: DNNLConvolution] = [:]

    /// The convolution for this geometry, or nil when oneDNN cannot make one.
    static func make(_ g: WindowGeometry, outChannels: Int) -> DNNLConvolution? {
        guard let context else { return nil }
        let key = Key(geometry: g, outChannels: outChannels)
        cacheLock.lock()
        defer { cacheLock.unlock() }
        if let cached = cache[key] { return cached }
        guard let made = DNNLConvolution(context: context, key: key) else { return nil }
        cache[key] = made
        return made
    }

    func forward(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        context.run {
            forwardWeights.load(from: w, context: context)
            source.point(at: x)
            destination.point(at: y)
            context.execute(forwardPrimitive, [(DNNL_ARG_SRC, source.memory), (DNNL_ARG_WEIGHTS, forwardWeights.memory),
                                               (DNNL_ARG_DST, destination.memory)])
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

    /// dw = correlation of x with dy (overwrites `dw`, Keras layout).
    func backwardWeights(_ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ dw: UnsafeMutablePointer<Float>) {
        context.run {
            let stage = backwardWeightsStage()
            source.point(at: x)
            destination.point(at: dy)
            stage.weights.store(into: dw, context: context) {
                context.execute(stage.primitive, [(DNNL_ARG_SRC, source.memory), (DNNL_ARG_DIFF_DST, destination.memory),
                                                  (DNNL_ARG_DIFF_WEIGHTS, stage.weights.memory)])
            }
        }
    }

    /// Which kernels oneDNN picked, e.g. "brgconv:avx512_core".
    var implementation: String { Self.implementation(of: forwardDescriptor) }

    // MARK: - Set-up

    private struct Key: Hashable {
        let batch, height, width, channels, kernelHeight, kernelWidth, strideY, strideX: Int
        let outHeight, outWidth, padTop, padLeft, outChannels: Int

        init(geometry g: WindowGeometry, outChannels: Int) {
            (batch, height, width, channels) = (g.batch, g.height, g.width, g.channels)
            (kernelHeight, kernelWidth, strideY, strideX) = (g.kernelHeight, g.kernelWidth, g.strideY, g.strideX)
            (outHeight, outWidth, padTop, padLeft) = (g.outHeight, g.outWidth, g.padTop, g.padLeft)
            self.outChannels = outChannels
        }

        var strides: [Int64] { [Int64(strideY), Int64(strideX)] }
        var padBefore: [Int64] { [Int64(padTop), Int64(padLeft)] }
        var padAfter: [Int64] {
            [Int64((outHeight - 1) * strideY + kernelHeight - height - padTop),
             Int64((outWidth - 1) * strideX + kernelWidth - width - padLeft)]
        }
    }

    private let context: Context
    private let key: Key
    private var sourceDesc = dnnl_memory_desc_t(), destinationDesc = dnnl_memory_desc_t()
    private var userWeightsDesc = dnnl_memory_desc_t(), anyWeightsDesc = dnnl_memory_desc_t()
    private var descriptor = dnnl_convolution_desc_t()
    private let forwardDescriptor: dnnl_primitive_desc_t
    private let forwardPrimitive: dnnl_primitive_t
    private let source: UserMemory, destination: UserMemory
    private let forwardWeights: Weights
    private var backwardData: Stage?, backwardWeights: Stage?

    private init?(context: Context, key: Key) {
        self.context = context
        self.key = key
        let k = key
        guard Self.check(dnnl_memory_desc_init_by_tag(&sourceDesc, 4, [k.batch, k.channels, k.height, k.width].map(Int64.init),
                                                      dnnl_f32, dnnl_nhwc)),
              Self.check(dnnl_memory_desc_init_by_tag(&destinationDesc, 4,
                                                      [k.batch, k.outChannels, k.outHeight, k.outWidth].map(Int64.init),
                                                      dnnl_f32, dnnl_nhwc)),
              Self.check(dnnl_memory_desc_init_by_tag(&userWeightsDesc, 4,
                                                      [k.outChannels, k.channels, k.kernelHeight, k.kernelWidth].map(Int64.init),
                                                      dnnl_f32, dnnl_hwio)),
              Self.check(dnnl_memory_desc_init_by_tag(&anyWeightsDesc, 4,
                                                      [k.outChannels, k.channels, k.kernelHeight, k.kernelWidth].map(Int64.init),
                                                      dnnl_f32, dnnl_format_tag_any)),
              Self.check(dnnl_convolution_forward_desc_init(&descriptor, dnnl_forward_training, dnnl_convolution_direct,
                                                            &sourceDesc, &anyWeightsDesc, nil, &destinationDesc,
                                                            k.strides, k.padBefore, k.padAfter))
        else { return nil }
        var pd: dnnl_primitive_desc_t?
        guard Self.check(dnnl_primitive_desc_create(&pd, &descriptor, nil, context.engine, nil)), let pd,
              let primitive = Self.primitive(pd),
              let source = UserMemory(sourceDesc, context), let destination = UserMemory(destinationDesc, context),
              let weights = Weights(user: userWeightsDesc, kernel: dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0).pointee,
                                    context: context)
        else { return nil }
        (forwardDescriptor, forwardPrimitive) = (pd, primitive)
        (self.source, self.destination, self.forwardWeights) = (source, destination, weights)
    }

    /// A backward primitive and its weights in the kernel's layout.
    private struct Stage {
        let primitive: dnnl_primitive_t
        let weights: Weights
    }

    private func backwardDataStage() -> Stage {
        if let backwardData { return backwardData }
        var d = dnnl_convolution_desc_t()
        let k = key
        Self.require(dnnl_convolution_backward_data_desc_init(&d, dnnl_convolution_direct, &sourceDesc, &anyWeightsDesc,
                                                              &destinationDesc, k.strides, k.padBefore, k.padAfter))
        let stage = makeStage(&d, weightsQuery: dnnl_query_weights_md)
        backwardData = stage
        return stage
    }

    private func backwardWeightsStage() -> Stage {
        if let backwardWeights { return backwardWeights }
        var d = dnnl_convolution_desc_t()
        let k = key
        Self.require(dnnl_convolution_backward_weights_desc_init(&d, dnnl_convolution_direct, &sourceDesc, &anyWeightsDesc, nil,
                                                                 &destinationDesc, k.strides, k.padBefore, k.padAfter))
        let stage = makeStage(&d, weightsQuery: dnnl_query_diff_weights_md)
        backwardWeights = stage
        return stage
    }

    private func makeStage(_ d: inout dnnl_convolution_desc_t, weightsQuery: dnnl_query_t) -> Stage {
        var pd: dnnl_primitive_desc_t?
        Self.require(dnnl_primitive_desc_create(&pd, &d, nil, context.engine, forwardDescriptor))
        guard let pd, let primitive = Self.primitive(pd),
              let weights = Weights(user: userWeightsDesc, kernel: dnnl_primitive_desc_query_md(pd, weightsQuery, 0).pointee,
                                    context: context)
        else { fatalError("oneDNN: could not create a backward convolution that matches its forward one") }
        return Stage(primitive: primitive, weights: weights)
    }

    private static func primitive(_ pd: dnnl_primitive_desc_t) -> dnnl_primitive_t? {
        var primitive: dnnl_primitive_t?
        return check(dnnl_primitive_create(&primitive, pd)) ? primitive : nil
    }

    static func implementation(of pd: const_dnnl_primitive_desc_t) -> String {
        var name: UnsafePointer<CChar>?
        guard dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &name) == dnnl_success, let name else { return "?" }
        return String(cString: name)
    }

    @discardableResult
    static func check(_ status: dnnl_status_t) -> Bool { status == dnnl_success }

    /// Failures after set-up mean a broken invariant, not bad input (shapes were checked before).
    static func require(_ status: dnnl_status_t, _ line: Int = #line) {
        if status != dnnl_success { fatalError("oneDNN call failed with status \(status.rawValue) (DNNLConvolution.swift:\(line))") }
    }
}

// MARK: - Engine, memory and weights

extension DNNLConvolution {
    /// The CPU engine and stream, shared by every convolution; one execution at a time.
    final class Context: @unchecked Sendable {
        let engine: dnnl_engine_t
        let stream: dnnl_stream_t
        private let lock = NSLock()

        init?() {
            var engine: dnnl_engine_t?, stream: dnnl_stream_t?
            guard check(dnnl_engine_create(&engine, dnnl_cpu, 0)), let engine,
                  check(dnnl_stream_create(&stream, engine, dnnl_stream_default_flags.rawValue)), let stream
            else { return nil }
            (self.engine, self.stream) = (engine, stream)
        }

        func run(_ body: () -> Void) {
            lock.lock()
            defer { lock.unlock() }
            body()
        }

        func execute(_ primitive: dnnl_primitive_t, _ arguments: [(Int32, dnnl_memory_t)]) {
            let args = arguments.map { dnnl_exec_arg_t(arg: $0.0, memory: $0.1) }
            DNNLConvolution.require(dnnl_primitive_execute(primitive, stream, Int32(args.count), args))
            DNNLConvolution.require(dnnl_stream_wait(stream))
        }
    }

    /// A memory object over a buffer Fern owns; pointed at the buffer of each call.
    final class UserMemory {
        let memory: dnnl_memory_t

        init?(_ desc: dnnl_memory_desc_t, _ context: Context) {
            var desc = desc
            var memory: dnnl_memory_t?
            guard check(dnnl_memory_create(&memory, &desc, context.engine, nil)), let memory else { return nil }
            self.memory = memory
        }

        func point(at pointer: UnsafePointer<Float>) {
            DNNLConvolution.require(dnnl_memory_set_data_handle(memory, UnsafeMutableRawPointer(mutating: pointer)))
        }

        deinit { dnnl_memory_destroy(memory) }
    }

    /// Filters in a kernel's layout, with the reorders to and from Keras' layout.
    final class Weights {
        let memory: dnnl_memory_t
        private let user: UserMemory
        private let toKernel: dnnl_primitive_t?, toUser: dnnl_primitive_t?

        init?(user userDesc: dnnl_memory_desc_t, kernel kernelDesc: dnnl_memory_desc_t, context: Context) {
            var userDesc = userDesc, kernelDesc = kernelDesc
            guard let user = UserMemory(userDesc, context) else { return nil }
            self.user = user
            if dnnl_memory_desc_equal(&userDesc, &kernelDesc) != 0 {
                (memory, toKernel, toUser) = (user.memory, nil, nil)
                return
            }
            var memory: dnnl_memory_t?
            var forward: dnnl_primitive_desc_t?, backward: dnnl_primitive_desc_t?
            // DNNL_MEMORY_ALLOCATE is the C macro ((void *)(size_t)-1).
            guard check(dnnl_memory_create(&memory, &kernelDesc, context.engine, UnsafeMutableRawPointer(bitPattern: -1))),
                  let memory,
                  check(dnnl_reorder_primitive_desc_create(&forward, &userDesc, context.engine, &kernelDesc, context.engine, nil)),
                  check(dnnl_reorder_primitive_desc_create(&backward, &kernelDesc, context.engine, &userDesc, context.engine, nil)),
                  let forward, let backward
            else { return nil }
            defer { dnnl_primitive_desc_destroy(forward); dnnl_primitive_desc_destroy(backward) }
            self.memory = memory
            toKernel = DNNLConvolution.primitive(forward)
            toUser = DNNLConvolution.primitive(backward)
            if toKernel == nil || toUser == nil { return nil }
        }

        func load(from pointer: UnsafePointer<Float>, context: Context) {
            user.point(at: pointer)
            if let toKernel { context.execute(toKernel, [(DNNL_ARG_FROM, user.memory), (DNNL_ARG_TO, memory)]) }
        }

        /// Runs `compute`, which writes `memory`, and leaves the result at `pointer` in Keras' layout.
        func store(into pointer: UnsafeMutablePointer<Float>, context: Context, compute: () -> Void) {
            user.point(at: pointer)
            compute()
            if let toUser { context.execute(toUser, [(DNNL_ARG_FROM, memory), (DNNL_ARG_TO, user.memory)]) }
        }
    }
}
