import Foundation

/// NumPy's .npy format (version 1.0) for float tensors: what `np.save` writes and `np.load`
/// reads, so tensors pass between Fern and Python as files.
extension Tensor {
    /// The tensor as the bytes of a .npy file: little-endian float32, C order.
    public func npyData() -> Data {
        let shape = self.shape.isEmpty ? "()" : "(" + self.shape.map(String.init).joined(separator: ", ") + (self.shape.count == 1 ? ",)" : ")")
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(shape), }"
        // Magic (6) + version (2) + length (2) + header + "\n", padded to a multiple of 64.
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        let length = UInt16(header.utf8.count)
        data.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
        data.append(contentsOf: Array(header.utf8))
        let bits = scalars.map(\.bitPattern.littleEndian)
        bits.withUnsafeBufferPointer { data.append(Data(buffer: $0)) }
        return data
    }

    /// A tensor from the bytes of a .npy file of float32 or float64 values in C order
    /// (float64 is rounded to float32); `source` names the file in errors.
    public init(npy data: Data, source: String) throws {
        func bad(_ why: String) -> TensorError { TensorError(op: "load_npy", "\(source): \(why)") }
        let bytes = [UInt8](data)
        guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1..<6]) == Array("NUMPY".utf8) else {
            throw bad("not a .npy file (no NUMPY magic)")
        }
        let major = bytes[6]
        let lengthBytes = major == 1 ? 2 : 4
        guard [1, 2, 3].contains(major), bytes.count >= 8 + lengthBytes else { throw bad("unknown .npy version \(major)") }
        let headerLength = (0..<lengthBytes).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
        let start = 8 + lengthBytes
        guard bytes.count >= start + headerLength,
              let header = String(bytes: bytes[start..<start + headerLength], encoding: .utf8) else {
            throw bad("the header is cut short")
        }
        func field(_ key: String) -> String? {
            guard let range = header.range(of: "'\(key)':") else { return nil }
            return String(header[range.upperBound...]).trimmingCharacters(in: .whitespaces)
        }
        guard let descr = field("descr"), let fortran = field("fortran_order"), let shapeText = field("shape") else {
            throw bad("the header lacks descr, fortran_order or shape: \(header)")
        }
        guard fortran.hasPrefix("False") else { throw bad("Fortran-order arrays are not supported; save with np.ascontiguousarray") }
        let width: Int
        if descr.hasPrefix("'<f4'") { width = 4 } else if descr.hasPrefix("'<f8'") { width = 8 } else {
            throw bad("only little-endian float32 or float64 arrays are supported, this one is \(descr.prefix(8))")
        }
        guard shapeText.hasPrefix("("), let close = shapeText.firstIndex(of: ")") else { throw bad("cannot read the shape in \(header)") }
        let shape = try shapeText[shapeText.index(after: shapeText.startIndex)..<close].split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            .map { text -> Int in
                guard let size = Int(text), size >= 0 else { throw bad("bad size '\(text)' in the shape") }
                return size
            }
        try Tensor.checkShape(shape, op: "load_npy")
        let count = shape.reduce(1, *), body = start + headerLength
        guard bytes.count - body == count * width else {
            throw bad("\(bytes.count - body) bytes of data for shape \(shape) (\(count * width) expected)")
        }
        let scalars: [Float] = data.withUnsafeBytes { raw in
            width == 4
                ? (0..<count).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: body + 4 * $0, as: UInt32.self))) }
                : (0..<count).map { Float(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: body + 8 * $0, as: UInt64.self)))) }
        }
        try self.init(shape: shape, scalars: scalars)
    }
}
