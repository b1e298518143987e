import Foundation
import Testing
@testable import FernTensor

/// NumPy's .npy format: the header as np.save writes it, and files np.save could write read back.
@Suite struct NPYTests {
    @Test func writtenFilesHaveNumpysHeaderAndComeBack() throws {
        let tensor = try Tensor(shape: [2, 3], scalars: [1, -2.5, 3, .pi, 0, 1e-30])
        let data = tensor.npyData()
        #expect(data.prefix(8) == Data([0x93] + Array("NUMPY".utf8) + [1, 0]))
        let headerLength = Int(data[8]) | Int(data[9]) << 8
        #expect((10 + headerLength) % 64 == 0)
        let header = String(decoding: data[10..<(10 + headerLength)], as: UTF8.self)
        #expect(header.hasPrefix("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }") && header.hasSuffix(" \n"))
        #expect(data.count == 10 + headerLength + 24)
        let back = try Tensor(npy: data, source: "t.npy")
        #expect(back.shape == [2, 3] && back.scalars == tensor.scalars)
        #expect(String(decoding: Tensor(3).npyData()[10..<70], as: UTF8.self).contains("'shape': (), "))
        #expect(String(decoding: try Tensor(shape: [4], scalars: [1, 2, 3, 4]).npyData()[10..<70], as: UTF8.self).contains("'shape': (4,), "))
    }

    static func file(_ header: String, _ body: [UInt8], version: UInt8 = 1) -> Data {
        var data = Data([0x93] + Array("NUMPY".utf8) + [version, 0])
        data.append(contentsOf: version == 1 ? [UInt8(header.utf8.count), 0] : [UInt8(header.utf8.count), 0, 0, 0])
        data.append(contentsOf: Array(header.utf8))
        data.append(contentsOf: body)
        return data
    }

    @Test func float64AndVersion2FilesAreRead() throws {
        let doubles: [Double] = [0.1, -2, 3e-8]
        let body = doubles.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian, Array.init) }
        let tensor = try Tensor(npy: Self.file("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }\n", body, version: 2), source: "d.npy")
        #expect(tensor.shape == [3] && tensor.scalars == doubles.map { Float($0) })
    }

    @Test func filesFernCannotReadSayWhy() {
        func error(_ data: Data) -> String {
            do { _ = try Tensor(npy: data, source: "x.npy"); return "no error" } catch { return "\(error)" }
        }
        #expect(error(Data("PK\u{3}\u{4}".utf8)) == "load_npy: x.npy: not a .npy file (no NUMPY magic)")
        #expect(error(Self.file("{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }\n", Array(repeating: 0, count: 8)))
            .contains("only little-endian float32 or float64 arrays are supported, this one is '<i8'"))
        #expect(error(Self.file("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }\n", Array(repeating: 0, count: 16)))
            .contains("Fortran-order arrays are not supported"))
        #expect(error(Self.file("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }\n", Array(repeating: 0, count: 12)))
            == "load_npy: x.npy: 12 bytes of data for shape [2, 2] (16 expected)")
        #expect(error(Tensor(1).npyData().prefix(20)).contains("the header is cut short"))
    }
}
