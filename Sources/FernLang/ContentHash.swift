import Foundation

/// A fast 128-bit hash of a stream of bytes, for cache keys: two independent
/// 64-bit lanes, fed eight bytes at a time, each finished with MurmurHash3's
/// avalanche. Not cryptographic; it only needs to tell honest inputs apart,
/// and to be quick on a data set of hundreds of megabytes. Value
/// fingerprints are made of it, and a notebook's cache keys of them.
public struct ContentHash {
    private var a: UInt64 = 0x9E37_79B9_7F4A_7C15
    private var b: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    private var length: UInt64 = 0

    public init() {}

    mutating func combine(_ word: UInt64) {
        a = ((a ^ (word &* 0x87C3_7B91_1142_53D5)).rotatedLeft(31)) &* 0x4CF5_AD43_2745_937F &+ 0x52DC_E729
        b = ((b ^ (word &* 0x1656_67B1_9E37_79F9)).rotatedLeft(29)) &* 0xFF51_AFD7_ED55_8CCD &+ a
        length &+= 8
    }

    mutating func combine(_ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset + 8 <= bytes.count {
            combine(UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
            offset += 8
        }
        var tail: UInt64 = 0
        for (shift, byte) in bytes[offset...].enumerated() { tail |= UInt64(byte) << (8 * UInt64(shift)) }
        combine(tail ^ UInt64(bytes.count - offset) << 56)
    }

    mutating func combine(_ data: Data) {
        data.withUnsafeBytes { combine($0) }
    }

    /// A string, prefixed with its length so that ("ab", "c") and ("a", "bc") differ.
    public mutating func combine(_ text: String) {
        var text = text
        combine(UInt64(text.utf8.count))
        text.withUTF8 { combine(UnsafeRawBufferPointer($0)) }
    }

    mutating func combine(_ number: Double) { combine(number.bitPattern) }
    mutating func combine(_ number: Int) { combine(UInt64(bitPattern: Int64(number))) }

    /// 32 hexadecimal digits.
    public var hex: String {
        let (x, y) = (ContentHash.avalanche(a ^ length), ContentHash.avalanche(b ^ (length &* 0x9E37_79B9)))
        return String(format: "%016llx%016llx", x, y)
    }

    public static func of(_ text: String) -> String {
        var hash = ContentHash()
        hash.combine(text)
        return hash.hex
    }

    private static func avalanche(_ value: UInt64) -> UInt64 {
        var k = value
        k ^= k >> 33
        k &*= 0xFF51_AFD7_ED55_8CCD
        k ^= k >> 33
        k &*= 0xC4CE_B9FE_1A85_EC53
        k ^= k >> 33
        return k
    }
}

private extension UInt64 {
    func rotatedLeft(_ count: UInt64) -> UInt64 { self << count | self >> (64 - count) }
}
