import CDNNL
import Foundation

/// Batch normalization by oneDNN over NHWC images (other channels-last
/// tensors go as rows of 1x1 images): vectorized JIT passes for the batch moments, the
/// normalization and the backward pass (Fern's loops called a closure per
/// element and made four passes each way: 8% of a SEED_CNN training step).
/// Running averages stay Fern's (`Tensor.batchNorm`).
final class DNNLBatchNorm: @unchecked Sendable {
    private static let cache = DNNL.Cache<Key, DNNLBatchNorm>()

    /// `training`: normalize with the batch's moments (and return them); else with given ones.
    static func make(shape: [Int], epsilon: Float, training: Bool) -> DNNLBatchNorm? {
        guard let context = DNNL.context, let channels = shape.last else { return nil }
        // As NHWC images, which picks oneDNN's JIT kernels; other ranks as rows of 1x1 images
        // (as [rows, channels] oneDNN 2.6 runs a plain C++ loop: 17% of SEED_DNN inference).
        let dims = shape.count == 4 ? [shape[0], channels, shape[1], shape[2]] : [shapeCount(shape) / Swift.max(channels, 1), channels, 1, 1]
        let key = Key(dims: dims, epsilon: epsilon, training: training)
        return cache.value(for: key) { DNNLBatchNorm(context: context, key: key) }
    }

    /// y = γ·(x − mean)/√(variance + ε) + β. Training writes the batch's mean and biased
    /// variance into `mean` and `variance`; inference reads them.
    func forward(_ x: UnsafePointer<Float>, gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>,
                 mean: UnsafeMutablePointer<Float>, variance: UnsafeMutablePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        context.run {
            bind([(input, x), (output, UnsafePointer(y)), (scale, gamma), (shift, beta),
                  (self.mean, UnsafePointer(mean)), (self.variance, UnsafePointer(variance))])
            context.execute(forwardPrimitive, [(DNNL_ARG_SRC, input.memory), (DNNL_ARG_DST, output.memory),
                                               (DNNL_ARG_SCALE, scale.memory), (DNNL_ARG_SHIFT, shift.memory),
                                               (DNNL_ARG_MEAN, self.mean.memory), (DNNL_ARG_VARIANCE, self.variance.memory)])
        }
    }

    /// dx, dγ and dβ from dy, with the moments the forward pass used (through them too when training).
    func backward(_ dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>, gamma: UnsafePointer<Float>,
                  beta: UnsafePointer<Float>, mean: UnsafePointer<Float>, variance: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>,
                  dGamma: UnsafeMutablePointer<Float>, dBeta: UnsafeMutablePointer<Float>) {
        context.run {
            // oneDNN 2.6 wants the shift here too, though dx does not depend on it.
            bind([(input, x), (outputGradient, dy), (scale, gamma), (shift, beta), (self.mean, mean), (self.variance, variance),
                  (inputGradient, UnsafePointer(dx)), (scaleGradient, UnsafePointer(dGamma)), (shiftGradient, UnsafePointer(dBeta))])
            context.execute(backwardPrimitive, [(DNNL_ARG_SRC, input.memory), (DNNL_ARG_DIFF_DST, outputGradient.memory),
                                                (DNNL_ARG_SCALE, scale.memory), (DNNL_ARG_SHIFT, shift.memory),
                                                (DNNL_ARG_MEAN, self.mean.memory),
                                                (DNNL_ARG_VARIANCE, self.variance.memory),
                                                (DNNL_ARG_DIFF_SRC, inputGradient.memory),
                                                (DNNL_ARG_DIFF_SCALE, scaleGradient.memory),
                                                (DNNL_ARG_DIFF_SHIFT, shiftGradient.memory)])
        }
    }

    private struct Key: Hashable {
        let dims: [Int]
        let epsilon: Float
        let training: Bool
    }

    private let context: DNNL.Context
    private let forwardPrimitive: DNNL.Primitive, backwardPrimitive: DNNL.Primitive
    private let input: DNNL.UserMemory, output: DNNL.UserMemory
    private let inputGradient: DNNL.UserMemory, outputGradient: DNNL.UserMemory
    private let scale: DNNL.UserMemory, shift: DNNL.UserMemory, mean: DNNL.UserMemory, variance: DNNL.UserMemory
    private let scaleGradient: DNNL.UserMemory, shiftGradient: DNNL.UserMemory

    private func bind(_ pairs: [(DNNL.UserMemory, UnsafePointer<Float>)]) {
        for (memory, pointer) in pairs { memory.point(at: pointer) }
    }

    private init?(context: DNNL.Context, key: Key) {
        self.context = context
        guard var data = DNNL.descriptor(key.dims, dnnl_nhwc),
              let perChannel = DNNL.descriptor([key.dims[1]], dnnl_x)
        else { return nil }
        let flags = dnnl_use_scale.rawValue | dnnl_use_shift.rawValue | (key.training ? 0 : dnnl_use_global_stats.rawValue)
        var forward = dnnl_batch_normalization_desc_t(), backward = dnnl_batch_normalization_desc_t()
        var forwardDescriptor: dnnl_primitive_desc_t?, backwardDescriptor: dnnl_primitive_desc_t?
        guard DNNL.check(dnnl_batch_normalization_forward_desc_init(&forward, key.training ? dnnl_forward_training : dnnl_forward_inference,
                                                                    &data, key.epsilon, flags)),
              DNNL.check(DNNL.withAttributes {
                  dnnl_primitive_desc_create(&forwardDescriptor, &forward, $0, context.engine, nil)
              }), let forwardDescriptor,
              DNNL.check(dnnl_batch_normalization_backward_desc_init(&backward, dnnl_backward, &data, &data, key.epsilon, flags)),
              DNNL.check(DNNL.withAttributes {
                  dnnl_primitive_desc_create(&backwardDescriptor, &backward, $0, context.engine, forwardDescriptor)
              }),
              let backwardDescriptor,
              let forwardPrimitive = DNNL.Primitive(forwardDescriptor, context), let backwardPrimitive = DNNL.Primitive(backwardDescriptor, context)
        else { return nil }
        dnnl_primitive_desc_destroy(forwardDescriptor)
        dnnl_primitive_desc_destroy(backwardDescriptor)
        (self.forwardPrimitive, self.backwardPrimitive) = (forwardPrimitive, backwardPrimitive)
        guard let input = DNNL.UserMemory(data, context), let output = DNNL.UserMemory(data, context),
              let inputGradient = DNNL.UserMemory(data, context), let outputGradient = DNNL.UserMemory(data, context),
              let scale = DNNL.UserMemory(perChannel, context), let shift = DNNL.UserMemory(perChannel, context),
              let mean = DNNL.UserMemory(perChannel, context), let variance = DNNL.UserMemory(perChannel, context),
              let scaleGradient = DNNL.UserMemory(perChannel, context), let shiftGradient = DNNL.UserMemory(perChannel, context)
        else { return nil }
        (self.input, self.output, self.inputGradient, self.outputGradient) = (input, output, inputGradient, outputGradient)
        (self.scale, self.shift, self.mean, self.variance) = (scale, shift, mean, variance)
        (self.scaleGradient, self.shiftGradient) = (scaleGradient, shiftGradient)
    }
}
