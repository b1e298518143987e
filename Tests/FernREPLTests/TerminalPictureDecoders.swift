import Foundation

/// Reads back what a terminal would draw from Fern's escape bytes, one decoder per protocol,
/// written from the protocols' specifications (not from libchafa): kitty's graphics protocol,
/// iTerm2's inline images (an uncompressed TIFF) and DEC sixels.
struct DecodedPicture {
    let width: Int
    let height: Int
    /// RGBA, row-major; alpha 0 where the protocol left a pixel unpainted.
    var bytes: [UInt8]

    subscript(x: Int, y: Int) -> [UInt8] { Array(bytes[(4 * (y * width + x))..<(4 * (y * width + x) + 4)]) }
}

struct DecodingError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

enum PictureDecoder {
    /// kitty: `ESC _G key=value,...;base64 ESC \` chunks (m=1 while more follow), each chunk's
    /// base64 decoded as it arrives, as kitty does; f=32 RGBA or f=24 RGB pixels of s x v, or
    /// f=100 a PNG file (read with `png`).
    static func kitty(_ bytes: [UInt8], png: (Data) throws -> DecodedPicture = { _ in throw DecodingError("kitty: PNG payload") }) throws -> DecodedPicture {
        let text = String(decoding: bytes, as: UTF8.self)
        var keys: [String: String] = [:]
        var raw = [UInt8]()
        var rest = Substring(text)
        while let start = rest.range(of: "\u{1B}_G") {
            guard let end = rest.range(of: "\u{1B}\\", range: start.upperBound..<rest.endIndex) else {
                throw DecodingError("kitty: an APC chunk without its ESC \\ terminator")
            }
            let body = rest[start.upperBound..<end.lowerBound]
            let control = body.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)
            for pair in control[0].split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2 { keys[String(parts[0])] = String(parts[1]) }
            }
            if control.count == 2, !control[1].isEmpty {
                guard let data = Data(base64Encoded: String(control[1])) else { throw DecodingError("kitty: a chunk is not base64") }
                raw += data
            }
            rest = rest[end.upperBound...]
        }
        guard keys["a"] == "T" else { throw DecodingError("kitty: no transmit-and-display (a=T) command") }
        if keys["f"] == "100" { return try png(Data(raw)) }
        guard let width = keys["s"].flatMap(Int.init), let height = keys["v"].flatMap(Int.init) else {
            throw DecodingError("kitty: no s= and v= pixel size")
        }
        switch keys["f"] {
        case "32":
            guard raw.count == width * height * 4 else { throw DecodingError("kitty: \(raw.count) bytes for \(width)x\(height) RGBA") }
            return DecodedPicture(width: width, height: height, bytes: raw)
        case "24":
            guard raw.count == width * height * 3 else { throw DecodingError("kitty: \(raw.count) bytes for \(width)x\(height) RGB") }
            var rgba = [UInt8](repeating: 255, count: width * height * 4)
            for pixel in 0..<(width * height) { for channel in 0..<3 { rgba[4 * pixel + channel] = raw[3 * pixel + channel] } }
            return DecodedPicture(width: width, height: height, bytes: rgba)
        default:
            throw DecodingError("kitty: pixel format f=\(keys["f"] ?? "none") is not RGB or RGBA")
        }
    }

    /// iTerm2: `ESC ] 1337 ; File=inline=1;...: base64 BEL` holding an image file; here a
    /// baseline little-endian TIFF with 8-bit RGB(A) samples, uncompressed, chunky.
    static func iterm2(_ bytes: [UInt8]) throws -> DecodedPicture {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let start = text.range(of: "\u{1B}]1337;File="), let colon = text.range(of: ":", range: start.upperBound..<text.endIndex),
              let end = text.range(of: "\u{07}", range: colon.upperBound..<text.endIndex) else {
            throw DecodingError("iTerm2: no OSC 1337 File= ... BEL sequence")
        }
        guard text[start.upperBound..<colon.lowerBound].split(separator: ";").contains("inline=1") else {
            throw DecodingError("iTerm2: the file is not marked inline=1")
        }
        guard let data = Data(base64Encoded: String(text[colon.upperBound..<end.lowerBound])) else {
            throw DecodingError("iTerm2: the payload is not base64")
        }
        return try tiff([UInt8](data))
    }

    static func tiff(_ file: [UInt8]) throws -> DecodedPicture {
        func u16(_ at: Int) -> Int { Int(file[at]) | Int(file[at + 1]) << 8 }
        func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }
        guard file.count > 8, file[0] == 0x49, file[1] == 0x49, u16(2) == 42 else { throw DecodingError("TIFF: not a little-endian TIFF") }
        let directory = u32(4)
        var tags: [Int: (type: Int, count: Int, value: Int)] = [:]
        for entry in 0..<u16(directory) {
            let at = directory + 2 + 12 * entry
            let type = u16(at + 2)
            tags[u16(at)] = (type, u32(at + 4), type == 3 && u32(at + 4) == 1 ? u16(at + 8) : u32(at + 8))
        }
        func tag(_ id: Int, _ name: String) throws -> Int {
            guard let value = tags[id]?.value else { throw DecodingError("TIFF: no \(name) tag") }
            return value
        }
        let width = try tag(256, "ImageWidth"), height = try tag(257, "ImageLength")
        let samples = tags[277]?.value ?? 1
        guard (tags[259]?.value ?? 1) == 1 else { throw DecodingError("TIFF: compressed") }
        guard try tag(262, "PhotometricInterpretation") == 2, samples == 3 || samples == 4 else {
            throw DecodingError("TIFF: not RGB or RGBA")
        }
        guard let offsets = tags[273], offsets.count == 1 else { throw DecodingError("TIFF: not a single strip") }
        let start = offsets.value
        guard start + width * height * samples <= file.count else { throw DecodingError("TIFF: the strip runs past the end") }
        // ExtraSamples 1 means alpha premultiplied into the colours.
        let premultiplied = samples == 4 && tags[338]?.value == 1
        var rgba = [UInt8](repeating: 255, count: width * height * 4)
        for pixel in 0..<(width * height) {
            let alpha = samples == 4 ? Int(file[start + samples * pixel + 3]) : 255
            for channel in 0..<3 {
                let stored = Int(file[start + samples * pixel + channel])
                rgba[4 * pixel + channel] = UInt8(premultiplied && alpha < 255 ? (alpha == 0 ? 0 : min(255, stored * 255 / alpha)) : stored)
            }
            rgba[4 * pixel + 3] = UInt8(alpha)
        }
        return DecodedPicture(width: width, height: height, bytes: rgba)
    }

    /// Sixels: `ESC P p1;p2;p3 q`, raster attributes `"pan;pad;width;height`, colour registers
    /// `#n;2;r;g;b` (percent), `#n` to paint with one, sixel characters ? to ~ (six pixels down),
    /// `!count` repeats, `$` back to the band's start, `-` the next band, `ESC \` the end.
    static func sixel(_ bytes: [UInt8]) throws -> DecodedPicture {
        guard let start = bytes.firstIndex(of: 0x1B), start + 1 < bytes.count, bytes[start + 1] == UInt8(ascii: "P"),
              let q = bytes[start...].firstIndex(of: UInt8(ascii: "q")) else {
            throw DecodingError("sixel: no DCS ... q introducer")
        }
        var index = q + 1
        func number() -> Int {
            var value = 0
            while index < bytes.count, (0x30...0x39).contains(bytes[index]) { value = value * 10 + Int(bytes[index] - 0x30); index += 1 }
            return value
        }
        func numbers() -> [Int] {
            var values = [number()]
            while index < bytes.count, bytes[index] == UInt8(ascii: ";") { index += 1; values.append(number()) }
            return values
        }
        var width = 0, height = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: "\"") {
            index += 1
            let raster = numbers()
            guard raster.count == 4 else { throw DecodingError("sixel: raster attributes need four numbers") }
            (width, height) = (raster[2], raster[3])
        }
        guard width > 0, height > 0 else { throw DecodingError("sixel: no raster size") }
        var picture = DecodedPicture(width: width, height: height, bytes: [UInt8](repeating: 0, count: width * height * 4))
        var palette: [Int: [UInt8]] = [:]
        var color: [UInt8] = [0, 0, 0]
        var (x, band) = (0, 0)
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case 0x1B:
                return picture
            case UInt8(ascii: "#"):
                index += 1
                let values = numbers()
                if values.count == 5 {
                    guard values[1] == 2 else { throw DecodingError("sixel: colour space \(values[1]) is not RGB") }
                    palette[values[0]] = values[2...4].map { UInt8(($0 * 255 + 50) / 100) }
                }
                guard let selected = palette[values[0]] else { throw DecodingError("sixel: colour #\(values[0]) used before it is defined") }
                color = selected
            case UInt8(ascii: "!"), 0x3F...0x7E:
                var count = 1
                if byte == UInt8(ascii: "!") { index += 1; count = number() }
                guard index < bytes.count, (0x3F...0x7E).contains(bytes[index]) else { throw DecodingError("sixel: a repeat without its sixel") }
                let bits = Int(bytes[index] - 0x3F)
                index += 1
                for _ in 0..<count {
                    for row in 0..<6 where bits >> row & 1 == 1 {
                        let y = band * 6 + row
                        guard x < width, y < height else { throw DecodingError("sixel: pixel (\(x), \(y)) outside \(width)x\(height)") }
                        let at = 4 * (y * width + x)
                        picture.bytes.replaceSubrange(at..<(at + 4), with: color + [255])
                    }
                    x += 1
                }
            case UInt8(ascii: "$"):
                x = 0
                index += 1
            case UInt8(ascii: "-"):
                (x, band) = (0, band + 1)
                index += 1
            default:
                throw DecodingError("sixel: unexpected byte \(byte) at \(index)")
            }
        }
        throw DecodingError("sixel: no ESC \\ at the end")
    }
}
