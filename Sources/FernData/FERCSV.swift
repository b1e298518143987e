import FernTensor
import Foundation

/// Loading the assignment's CSV files: a header `label,feature` (training
/// data) or `id,feature` (the unlabelled test file), then one row per image,
/// `<label or id>,<2304 space-separated pixel values 0-255>` in row-major order.
extension Dataset {
    /// Side of FER2013's square grayscale images.
    public static let ferImageSide = 48

    /// Loads a FER2013 CSV file, plain or gzip-compressed (`.csv.gz`).
    ///
    /// Images come back as `[N, 48, 48, 1]` pixel values 0-255. A labelled
    /// file numbers its images 0..<N; an `id,feature` file has no labels and
    /// keeps its id column. Blank lines are skipped, `\r\n` endings are fine.
    /// A malformed row throws a `DataError` naming the file, the line and the
    /// problem; when several rows are bad, the first one is reported.
    public static func loadFER(path: String) throws -> Dataset {
        try parseFER(GzipFile.read(path: path), path: path)
    }

    /// Parses the (decompressed) contents of a FER2013 CSV file; `path` is
    /// only used in messages.
    static func parseFER(_ bytes: [UInt8], path: String) throws -> Dataset {
        let pixelCount = ferImageSide * ferImageSide
        return try bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { throw emptyFile(path) }
            let nonBlank = nonBlankLines(buffer)
            guard let header = nonBlank.first else { throw emptyFile(path) }
            let lines = Array(nonBlank.dropFirst())
            let parser = FERRowParser(firstColumn: try firstColumn(of: header, in: base, path: path),
                                      pixelCount: pixelCount)

            var firstColumnValues = [Int](repeating: 0, count: lines.count)
            // Every value is written before the tensor is made (or the load fails).
            var pixels = [Float](unsafeUninitializedCapacity: lines.count * pixelCount) { _, initialized in
                initialized = lines.count * pixelCount
            }
            let problems = FirstRowProblem()
            pixels.withUnsafeMutableBufferPointer { pixels in
                firstColumnValues.withUnsafeMutableBufferPointer { values in
                    let pixels = pixels, values = values
                    Parallel.forEachChunk(lines.count, cost: pixelCount) { rows in
                        for row in rows {
                            let line = lines[row]
                            do throws(RowProblem) {
                                values[row] = try parser.parse(base, from: line.start, to: line.end,
                                                               into: pixels.baseAddress! + row * pixelCount)
                            } catch {
                                problems.record(line: line.number, error)
                                return
                            }
                        }
                    }
                }
            }
            if let (number, problem) = problems.first {
                throw DataError.line(number, of: path, problem.message)
            }

            let images = try Tensor(shape: [lines.count, ferImageSide, ferImageSide, 1], scalars: pixels)
            switch parser.firstColumn {
            case .label: return Dataset(images: images, labels: firstColumnValues)
            case .id: return Dataset(images: images, labels: [], ids: firstColumnValues)
            }
        }
    }

    private static func emptyFile(_ path: String) -> DataError {
        DataError("\(path) is empty: expected a header 'label,feature' or 'id,feature' and rows of pixel values")
    }

    private static func firstColumn(of header: LineSpan, in bytes: UnsafePointer<UInt8>,
                                    path: String) throws -> FERRowParser.FirstColumn {
        var start = header.start
        if header.number == 1 && header.end - start >= 3 && bytes[start] == 0xEF
            && bytes[start + 1] == 0xBB && bytes[start + 2] == 0xBF {
            start += 3  // a UTF-8 byte-order mark, as some editors save CSV
        }
        let (from, to) = trimmed(bytes, from: start, to: header.end)
        switch String(decoding: UnsafeBufferPointer(start: bytes + from, count: to - from), as: UTF8.self) {
        case "label,feature": return .label(classCount: ferClassNames.count)
        case "id,feature": return .id
        default:
            throw DataError.line(header.number, of: path,
                                 "expected the header 'label,feature' or 'id,feature', found '\(tokenText(bytes, from: from, to: to))'")
        }
    }
}

/// One line of the file: `start..<end` excludes the line break (and a `\r`
/// before it); `number` is 1-based.
struct LineSpan {
    let start: Int
    let end: Int
    let number: Int
}

/// The lines holding anything but spaces and tabs, found with `memchr`.
func nonBlankLines(_ buffer: UnsafeBufferPointer<UInt8>) -> [LineSpan] {
    guard let base = buffer.baseAddress else { return [] }
    var lines: [LineSpan] = []
    var start = 0
    var number = 1
    while start < buffer.count {
        let end = memchr(base + start, Int32(UInt8(ascii: "\n")), buffer.count - start)
            .map { UnsafeRawPointer($0) - UnsafeRawPointer(base) } ?? buffer.count
        let contentEnd = end > start && base[end - 1] == UInt8(ascii: "\r") ? end - 1 : end
        let (from, to) = trimmed(base, from: start, to: contentEnd)
        if from < to { lines.append(LineSpan(start: start, end: contentEnd, number: number)) }
        start = end + 1
        number += 1
    }
    return lines
}

/// Keeps the problem of the lowest-numbered bad line reported by parallel
/// workers, so the error does not depend on which worker finished first.
final class FirstRowProblem: @unchecked Sendable {
    private let lock = NSLock()
    private var earliest: (line: Int, problem: RowProblem)?

    func record(line: Int, _ problem: RowProblem) {
        lock.withLock {
            if earliest.map({ line < $0.line }) ?? true { earliest = (line, problem) }
        }
    }

    var first: (line: Int, problem: RowProblem)? {
        lock.withLock { earliest }
    }
}
