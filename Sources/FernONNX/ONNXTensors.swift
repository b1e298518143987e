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

    /// A float initializer as a Fern tensor; `what` names it in errors. Weights stored in an
    /// external file (as PyTorch's exporter writes them) are read from `folder`, where the model is.
    static func tensor(_ proto: Onnx_TensorProto, what: String, folder: URL? = nil) throws -> Tensor {
        guard proto.dataType == float else {
            throw ONNXError("\(what) is of ONNX data type \(proto.dataType); Fern reads float (1) tensors only")
        }
        let shape = try proto.dims.map { dim -> Int in
            guard dim >= 0, dim < 1 << 31 else { throw ONNXError("\(what) has a bad dimension \(dim)") }
            return Int(dim)
        }
        let count = shape.reduce(1, *)
        guard count < 1 << 31 else { throw ONNXError("\(what) has \(count) values, too many") }
        let scalars: [Float]
        if proto.hasDataLocation && proto.dataLocation == .external {
            scalars = try floats(try externalData(proto, what: what, folder: folder), count: count, what: what, shape: shape)
        } else if proto.hasRawData {
            scalars = try floats(proto.rawData, count: count, what: what, shape: shape)
        } else {
            guard proto.floatData.count == count else {
                throw ONNXError("\(what): \(proto.floatData.count) values for shape \(shape) (\(count) expected)")
            }
            scalars = proto.floatData
        }
        return try Tensor(shape: shape, scalars: scalars)
    }

    private static func floats(_ data: Data, count: Int, what: String, shape: [Int]) throws -> [Float] {
        guard data.count == count * 4 else {
            throw ONNXError("\(what): \(data.count) bytes of data for shape \(shape) (\(count * 4) expected)")
        }
        return data.withUnsafeBytes { raw in
            (0..<count).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
        }
    }

    /// The bytes of a tensor kept in a file beside the model: "location" (a relative path
    /// inside the model's folder), "offset" and "length" (the rest of the file when absent).
    private static func externalData(_ proto: Onnx_TensorProto, what: String, folder: URL?) throws -> Data {
        let entries = Dictionary(proto.externalData.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        guard let folder else { throw ONNXError("\(what): stored in an external file, but the model was not read from a file") }
        guard let location = entries["location"], !location.isEmpty, !location.hasPrefix("/"),
              !location.split(separator: "/").contains("..") else {
            throw ONNXError("\(what): the external data's location '\(entries["location"] ?? "")' is not a file beside the model")
        }
        let url = folder.appendingPathComponent(location)
        let file: Data
        do {
            file = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw ONNXError("\(what): cannot read its external data '\(url.path)': \(error.localizedDescription)")
        }
        let offset = Int(entries["offset"] ?? "0") ?? -1
        let length = entries["length"].map { Int($0) ?? -1 } ?? (file.count - max(offset, 0))
        guard offset >= 0, length >= 0, offset <= file.count, length <= file.count - offset else {
            throw ONNXError("\(what): offset \(entries["offset"] ?? "0") and length \(entries["length"] ?? "-") lie outside "
                            + "\(location) (\(file.count) bytes)")
        }
        return file.subdata(in: offset..<(offset + length))
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
