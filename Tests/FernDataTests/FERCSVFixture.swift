import CZlib
import Foundation
@_exported import FernTestSupport

/// Writing test input files, plain or gzip-compressed (with zlib directly, independent of the loader under test).
extension TemporaryFolder {
    /// Writes `bytes` to `name`, gzip-compressed (with zlib) when `gzip` is set.
    @discardableResult
    func write(_ bytes: [UInt8], to name: String, gzip: Bool = false) throws -> String {
        let path = path(name)
        if gzip {
            guard let file = gzopen(path, "wb") else { throw CocoaError(.fileWriteUnknown) }
            let written = bytes.withUnsafeBytes { gzwrite(file, $0.baseAddress, UInt32($0.count)) }
            guard gzclose(file) == Z_OK, written == bytes.count else { throw CocoaError(.fileWriteUnknown) }
        } else {
            try Data(bytes).write(to: URL(fileURLWithPath: path))
        }
        return path
    }

    @discardableResult
    func write(_ text: String, to name: String, gzip: Bool = false) throws -> String {
        try write(Array(text.utf8), to: name, gzip: gzip)
    }
}

/// The pixel value the fixtures put at flat position `k` (row-major) of
/// image `row`: varied enough that a swapped row, column or image shows.
func fixturePixel(row: Int, _ k: Int) -> Int {
    (row * 37 + k * 11 + (k / 48) * 5) % 256
}

/// One CSV row: the first column, a comma, then space-separated pixels.
func ferRow(_ first: Int, pixels: [Int]) -> String {
    "\(first)," + pixels.map(String.init).joined(separator: " ")
}

/// The 2304 fixture pixels of image `row`.
func fixturePixels(row: Int) -> [Int] {
    (0..<2304).map { fixturePixel(row: row, $0) }
}

/// Writes a FER-format CSV whose image `i` has first column `firstColumn[i]`
/// and the fixture pixels of row `i`, and returns its path.
@discardableResult
func generateFERCSV(in folder: TemporaryFolder, name: String, header: String = "label,feature",
                    firstColumn: [Int], gzip: Bool = false, lineEnding: String = "\n",
                    finalNewline: Bool = true) throws -> String {
    let lines = [header] + firstColumn.enumerated().map { ferRow($0.element, pixels: fixturePixels(row: $0.offset)) }
    let text = lines.joined(separator: lineEnding) + (finalNewline ? lineEnding : "")
    return try folder.write(text, to: name, gzip: gzip)
}
