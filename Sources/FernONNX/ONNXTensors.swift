import FernTensor
import Foundation

/// Float tensors to and from ONNX's TensorProto, and the layout changes between Fern's NHWC
/// world and ONNX's NCHW one.
enum ONNXTensors {
    static let float: Int32 = 1  // TensorProto.DataType.FLOAT
    static let int64: Int32 = 7  // TensorProto.DataType.INT64

    /// A float tensor as an initializer, little-endian raw data.
    static func proto(_ tensor: Tensor, name: String) -> Onnx_TensorProto {
        var proto = Onnx_TensorProto()
        proto.name = name
        proto.dataType = float
        proto.dims = tensor.shape.map(Int64.init)
        let bits = tensor.scalars.map(\.bitPattern.littleEndian)
        proto.rawData = bits.withUnsafeBufferPointer { Data(buffer: $0) }
        return proto
    }

    /// An int64 tensor (a Reshape's shape).
    static func proto(int64 values: [Int64], name: String) -> Onnx_TensorProto {
        var proto = Onnx_TensorProto()
        proto.name = name
        proto.dataType = int64
        proto.dims = [Int64(values.count)]
        proto.int64Data = values
        return proto
    }

    /// A float initializer as a Fern tensor; `what` names it in errors.
    static func tensor(_ proto: Onnx_TensorProto, what: String) throws -> Tensor {
        guard proto.dataType == float else {
            throw ONNXError("\(what) is of ONNX data type \(proto.dataType); Fern reads float (1) tensors only")
        }
        if proto.hasDataLocation && proto.dataLocation == .external {
            throw ONNXError("\(what) is stored in an external file; save the model with its weights inside")
        }
        let shape = try proto.dims.map { dim -> Int in
            guard dim >= 0, dim < 1 << 31 else { throw ONNXError("\(what) has a bad dimension \(dim)") }
            return Int(dim)
        }
        let count = shape.reduce(1, *)
        let scalars: [Float]
        if proto.hasRawData {
            guard proto.rawData.count == count * 4 else {
                throw ONNXError("\(what): \(proto.rawData.count) bytes of data for shape \(shape) (\(count * 4) expected)")
            }
            scalars = proto.rawData.withUnsafeBytes { raw in
                (0..<count).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
            }
        } else {
            guard proto.floatData.count == count else {
                throw ONNXError("\(what): \(proto.floatData.count) values for shape \(shape) (\(count) expected)")
            }
            scalars = proto.floatData
        }
        return try Tensor(shape: shape, scalars: scalars)
    }

    /// The values of an int64 initializer (a Reshape's shape).
    static func int64s(_ proto: Onnx_TensorProto, what: String) throws -> [Int64] {
        guard proto.dataType == int64 else { throw ONNXError("\(what) is of ONNX data type \(proto.dataType), not int64 (7)") }
        if proto.hasRawData {
            guard proto.rawData.count % 8 == 0 else { throw ONNXError("\(what): \(proto.rawData.count) bytes is not a whole number of int64s") }
            return proto.rawData.withUnsafeBytes { raw in
                (0..<(raw.count / 8)).map { Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * $0, as: Int64.self)) }
            }
        }
        return proto.int64Data
    }

    /// Fern's conv kernels [kh, kw, in, out] as ONNX's [out, in, kh, kw].
    static func onnxKernel(_ kernel: Tensor) throws -> Tensor { try kernel.permuted([3, 2, 0, 1]) }

    /// ONNX's conv kernels [out, in, kh, kw] as Fern's [kh, kw, in, out].
    static func fernKernel(_ kernel: Tensor) throws -> Tensor { try kernel.permuted([2, 3, 1, 0]) }
}
