import Foundation

/// What is wrong with one row; the loader adds the file and line number.
struct RowProblem: Error {
    let message: String
}

/// Parses one `<label or id>,<pixel values>` row straight from the file's
/// bytes. The hot path makes no strings and allocates nothing; only a
/// malformed row is scanned again, slowly, to say exactly what is wrong.
struct FERRowParser {
    /// What the first column holds: a class label (checked against the
    /// class count) or a test-file id.
    enum FirstColumn {
        case label(classCount: Int)
        case id
    }

    let firstColumn: FirstColumn
    let pixelCount: Int

    /// Parses `bytes[start..<end]` (one line without its line break), writes
    /// `pixelCount` values to `pixels` and returns the first column's value.
    func parse(_ bytes: UnsafePointer<UInt8>, from start: Int, to end: Int,
               into pixels: UnsafeMutablePointer<Float>) throws(RowProblem) -> Int {
        guard let found = memchr(bytes + start, Int32(UInt8(ascii: ",")), end - start) else {
            throw RowProblem(message: "missing ',' between the \(columnName) and the pixel values")
        }
        let comma = UnsafeRawPointer(found) - UnsafeRawPointer(bytes)
        let value = try firstValue(bytes, from: start, to: comma)
        if !parsePixels(bytes, from: comma + 1, to: end, into: pixels) {
            throw pixelProblem(bytes, from: comma + 1, to: end)
        }
        return value
    }

    private var columnName: String {
        switch firstColumn {
        case .label: "label"
        case .id: "id"
        }
    }

    private func firstValue(_ bytes: UnsafePointer<UInt8>, from start: Int, to end: Int) throws(RowProblem) -> Int {
        let (start, end) = trimmed(bytes, from: start, to: end)
        guard start < end else { throw RowProblem(message: "the \(columnName) is missing before ','") }
        let token = WholeNumber(bytes, from: start, to: end)
        let text = tokenText(bytes, from: start, to: end)
        switch (firstColumn, token) {
        case (_, .invalid):
            throw RowProblem(message: "\(columnName) '\(text)' is not a whole number")
        case (.label(let classCount), .value(let label)) where label < classCount:
            return label
        case (.label(let classCount), _):
            throw RowProblem(message: "label \(text) is outside 0-\(classCount - 1)")
        case (.id, .value(let id)):
            return id
        case (.id, .negative):
            throw RowProblem(message: "id \(text) is negative")
        case (.id, .tooLarge):
            throw RowProblem(message: "id \(text) is too large")
        }
    }

    /// The fast path: true when the field holds exactly `pixelCount` whole
    /// numbers 0-255 separated by spaces or tabs.
    @inline(__always)
    private func parsePixels(_ bytes: UnsafePointer<UInt8>, from start: Int, to end: Int,
                             into pixels: UnsafeMutablePointer<Float>) -> Bool {
        var i = start
        var k = 0
        while k < pixelCount {
            while i < end && isBlank(bytes[i]) { i += 1 }
            let tokenStart = i
            var value: UInt32 = 0
            while i < end {
                let digit = bytes[i] &- UInt8(ascii: "0")
                if digit > 9 { break }
                // Saturates so that no run of digits can wrap around into range.
                value = min(value &* 10 &+ UInt32(digit), 256)
                i += 1
            }
            guard i > tokenStart, value <= 255, i == end || isBlank(bytes[i]) else { return false }
            pixels[k] = Float(value)
            k += 1
        }
        while i < end && isBlank(bytes[i]) { i += 1 }
        return i == end
    }

    /// The slow path for a malformed pixel field: the first bad token, else the count.
    private func pixelProblem(_ bytes: UnsafePointer<UInt8>, from start: Int, to end: Int) -> RowProblem {
        var i = start
        var found = 0
        while true {
            while i < end && isBlank(bytes[i]) { i += 1 }
            guard i < end else { break }
            let tokenStart = i
            while i < end && !isBlank(bytes[i]) { i += 1 }
            found += 1
            let text = tokenText(bytes, from: tokenStart, to: i)
            switch WholeNumber(bytes, from: tokenStart, to: i) {
            case .value(let value) where value <= 255:
                continue
            case .invalid:
                return RowProblem(message: "pixel \(found) of \(pixelCount): '\(text)' is not a whole number")
            case .value, .negative, .tooLarge:
                return RowProblem(message: "pixel \(found) of \(pixelCount): \(text) is outside 0-255")
            }
        }
        return RowProblem(message: "expected \(pixelCount) pixel values, found \(found)")
    }
}

/// A token read as a decimal whole number.
enum WholeNumber {
    case value(Int)
    case negative
    /// More digits than an `Int` safely holds.
    case tooLarge
    case invalid

    init(_ bytes: UnsafePointer<UInt8>, from start: Int, to end: Int) {
        let negative = bytes[start] == UInt8(ascii: "-")
        let digitsStart = negative ? start + 1 : start
        guard digitsStart < end,
              (digitsStart..<end).allSatisfy({ bytes[$0] &- UInt8(ascii: "0") <= 9 }) else {
            self = .invalid
            return
        }
        if negative {
            self = .negative
        } else if end - digitsStart > 18 {
            self = .tooLarge
        } else {
            self = .value((digitsStart..<end).reduce(0) { $0 * 10 + Int(bytes[$1] - UInt8(ascii: "0")) })
        }
    }
}

@inline(__always)
func isBlank(_ byte: UInt8) -> Bool {
    byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
}

/// `bytes[start..<end]` without leading and trailing spaces and tabs.
func trimmed(_ bytes: UnsafePointer<UInt8>, from start: Int, to end: Int) -> (Int, Int) {
    var start = start, end = end
    while start < end && isBlank(bytes[start]) { start += 1 }
    while end > start && isBlank(bytes[end - 1]) { end -= 1 }
    return (start, end)
}

/// A token as text for a message, shortened when long.
func tokenText(_ bytes: UnsafePointer<UInt8>, from start: Int, to end: Int) -> String {
    let limit = 24
    let shown = String(decoding: UnsafeBufferPointer(start: bytes + start, count: min(end - start, limit)), as: UTF8.self)
    return end - start > limit ? shown + "…" : shown
}
