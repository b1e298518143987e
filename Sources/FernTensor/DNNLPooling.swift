import CDNNL
import Foundation

/// Max pooling by oneDNN: vectorized JIT kernels over NHWC in place; the
/// training forward pass leaves a workspace (which input won each window)
/// that the backward pass reads. Replaced Fern's loops, which called a
/// closure per window and scattered the gradient on one thread (7.9% of a
/// SEED_CNN training step).
final class DNNLPooling: @unchecked Sendable {
    private static let cache = DNNL.Cache<Key, DNNLPooling>()

    /// Max pooling for this geometry; `training` keeps the winners for the backward pass.
    static func max(_ g: WindowGeometry, training: Bool) -> DNNLPooling? {
        guard let context = DNNL.context else { return nil }
        let key = Key(geometry: g, training: training)
        return cache.value(for: key) { DNNLPooling(context: context, key: key) }
    }

    /// Bytes of workspace one training forward pass writes and its backward pass reads.
    let workspaceSize: Int

    func forward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, workspace: UnsafeMutableRawPointer?) {
        context.run {
            source.point(at: x)
            destination.point(at: y)
            var arguments = [(DNNL_ARG_SRC, source.memory), (DNNL_ARG_DST, destination.memory)]
            if let workspaceMemory, let workspace {
                DNNL.require(dnnl_memory_set_data_handle(workspaceMemory, workspace))
                arguments.append((DNNL_ARG_WORKSPACE, workspaceMemory))
            }
            context.execute(forwardPrimitive, arguments)
        }
    }

    /// dx from dy and the forward pass's workspace (overwrites `dx`).
    func backward(_ dy: UnsafePointer<Float>, workspace: UnsafeRawPointer, _ dx: UnsafeMutablePointer<Float>) {
        context.run {
            guard let backwardPrimitive, let workspaceMemory else { fatalError("max pooling made for inference has no backward pass") }
            destination.point(at: dy)
            source.point(at: dx)
            DNNL.require(dnnl_memory_set_data_handle(workspaceMemory, UnsafeMutableRawPointer(mutating: workspace)))
            context.execute(backwardPrimitive, [(DNNL_ARG_DIFF_DST, destination.memory), (DNNL_ARG_WORKSPACE, workspaceMemory),
                                                (DNNL_ARG_DIFF_SRC, source.memory)])
        }
    }

    private struct Key: Hashable {
        let batch, height, width, channels, kernelHeight, kernelWidth, strideY, strideX: Int
        let outHeight, outWidth, padTop, padLeft: Int
        let training: Bool

        init(geometry g: WindowGeometry, training: Bool) {
            (batch, height, width, channels) = (g.batch, g.height, g.width, g.channels)
            (kernelHeight, kernelWidth, strideY, strideX) = (g.kernelHeight, g.kernelWidth, g.strideY, g.strideX)
            (outHeight, outWidth, padTop, padLeft) = (g.outHeight, g.outWidth, g.padTop, g.padLeft)
            self.training = training
        }
    }

    private let context: DNNL.Context
    private let forwardPrimitive: DNNL.Primitive
    private let backwardPrimitive: DNNL.Primitive?
    private let source: DNNL.UserMemory, destination: DNNL.UserMemory
    private let workspaceMemory: dnnl_memory_t?

    private init?(context: DNNL.Context, key k: Key) {
        self.context = context
        guard var sourceDesc = DNNL.descriptor([k.batch, k.channels, k.height, k.width], dnnl_nhwc),
              var destinationDesc = DNNL.descriptor([k.batch, k.channels, k.outHeight, k.outWidth], dnnl_nhwc)
        else { return nil }
        let strides = [Int64(k.strideY), Int64(k.strideX)], kernel = [Int64(k.kernelHeight), Int64(k.kernelWidth)]
        let padBefore = [Int64(k.padTop), Int64(k.padLeft)]
        let padAfter = [Int64((k.outHeight - 1) * k.strideY + k.kernelHeight - k.height - k.padTop),
                        Int64((k.outWidth - 1) * k.strideX + k.kernelWidth - k.width - k.padLeft)]
        var forward = dnnl_pooling_desc_t()
        var forwardDescriptor: dnnl_primitive_desc_t?
        guard DNNL.check(dnnl_pooling_forward_desc_init(&forward, k.training ? dnnl_forward_training : dnnl_forward_inference,
                                                        dnnl_pooling_max, &sourceDesc, &destinationDesc,
                                                        strides, kernel, padBefore, padAfter)),
              DNNL.check(DNNL.withAttributes {
                  dnnl_primitive_desc_create(&forwardDescriptor, &forward, $0, context.engine, nil)
              }),
              let forwardDescriptor, let forwardPrimitive = DNNL.Primitive(forwardDescriptor, context),
              let source = DNNL.UserMemory(sourceDesc, context), let destination = DNNL.UserMemory(destinationDesc, context)
        else { return nil }
        defer { dnnl_primitive_desc_destroy(forwardDescriptor) }
        (self.forwardPrimitive, self.source, self.destination) = (forwardPrimitive, source, destination)
        guard k.training else {
            (backwardPrimitive, workspaceMemory, workspaceSize) = (nil, nil, 0)
            return
        }
        var workspaceDesc = dnnl_primitive_desc_query_md(forwardDescriptor, dnnl_query_workspace_md, 0).pointee
        var workspaceMemory: dnnl_memory_t?
        var backward = dnnl_pooling_desc_t()
        var backwardDescriptor: dnnl_primitive_desc_t?
        guard DNNL.check(dnnl_memory_create(&workspaceMemory, &workspaceDesc, context.engine, nil)), let workspaceMemory,
              DNNL.check(dnnl_pooling_backward_desc_init(&backward, dnnl_pooling_max, &sourceDesc, &destinationDesc,
                                                         strides, kernel, padBefore, padAfter)),
              DNNL.check(DNNL.withAttributes {
                  dnnl_primitive_desc_create(&backwardDescriptor, &backward, $0, context.engine, forwardDescriptor)
              }),
              let backwardDescriptor, let backwardPrimitive = DNNL.Primitive(backwardDescriptor, context)
        else { return nil }
        dnnl_primitive_desc_destroy(backwardDescriptor)
        (self.backwardPrimitive, self.workspaceMemory) = (backwardPrimitive, workspaceMemory)
        workspaceSize = dnnl_memory_desc_get_size(&workspaceDesc)
    }
}
