import Foundation

/// The safetensors format (what numpy, PyTorch and Hugging Face read):
/// an 8-byte little-endian header length, a JSON header mapping each tensor
/// name to `{"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}`
/// (offsets into the data block) plus optional string `__metadata__`, then
/// the raw little-endian data.
public enum Safetensors {
    public static func encode(_ tensors: [String: Tensor], metadata: [String: String] = [:]) throws -> Data {
        var header: [String: Any] = [:]
        var offset = 0
        let names = tensors.keys.sorted()
        for name in names {
            let t = tensors[name]!
            header[name] = ["dtype": "F32", "shape": t.shape, "data_offsets": [offset, offset + 4 * t.count]] as [String: Any]
            offset += 4 * t.count
        }
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        // Pad with spaces so the data block starts 8-byte aligned.
        while json.count % 8 != 0 { json.append(0x20) }
        var data = Data(capacity: 8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(json)
        for name in names {
            tensors[name]!.withUnsafeScalars { data.append(UnsafeBufferPointer(start: $0.baseAddress, count: $0.count)) }
        }
        return data
    }

    public static func decode(_ data: Data, source: String = "safetensors data") throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        func corrupt(_ why: String) -> TensorError { TensorError(op: "safetensors", "\(source) is not a valid safetensors file: \(why)") }
        guard data.count >= 8 else { throw corrupt("it is only \(data.count) bytes long") }
        let headerLength = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard headerLength <= UInt64(data.count - 8) else { throw corrupt("the header length \(headerLength) exceeds the file") }
        let headerEnd = 8 + Int(headerLength)
        guard let header = try? JSONSerialization.jsonObject(with: data.subdata(in: 8..<headerEnd)) as? [String: Any] else {
            throw corrupt("the header is not a JSON object")
        }
        let body = data.subdata(in: headerEnd..<data.count)
        var tensors: [String: Tensor] = [:]
        var metadata: [String: String] = [:]
        for (name, entry) in header {
            if name == "__metadata__" {
                metadata = entry as? [String: String] ?? [:]
                continue
            }
            guard let info = entry as? [String: Any], let dtype = info["dtype"] as? String,
                  let shape = info["shape"] as? [Int], let offsets = info["data_offsets"] as? [Int], offsets.count == 2 else {
                throw corrupt("entry '\(name)' lacks dtype, shape or data_offsets")
            }
            guard dtype == "F32" else { throw corrupt("tensor '\(name)' has dtype \(dtype); Fern reads F32") }
            try Tensor.checkShape(shape, op: "safetensors")
            let (begin, end) = (offsets[0], offsets[1])
            guard begin >= 0, end >= begin, end <= body.count, end - begin == 4 * shapeCount(shape) else {
                throw corrupt("tensor '\(name)' of shape \(describeShape(shape)) has data offsets [\(begin), \(end)] outside the data or of the wrong size")
            }
            var scalars = [Float](repeating: 0, count: shapeCount(shape))
            _ = scalars.withUnsafeMutableBytes { out in body.copyBytes(to: out, from: begin..<end) }
            tensors[name] = Tensor(unchecked: shape, scalars)
        }
        return (tensors, metadata)
    }

    public static func write(_ tensors: [String: Tensor], metadata: [String: String] = [:], to path: String) throws {
        try AtomicFile.write(encode(tensors, metadata: metadata), to: URL(fileURLWithPath: path))
    }

    public static func read(_ path: String) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TensorError(op: "safetensors", "cannot read \(path): no such file or not readable")
        }
        return try decode(data, source: path)
    }
}
