import Foundation
import Testing
@testable import FernData

/// A malformed file must fail with a `DataError` naming the file, the line
/// (the header is line 1) and what is wrong.
@Suite struct FERCSVErrorTests {
    let folder: TemporaryFolder

    init() throws {
        folder = try TemporaryFolder()
    }

    /// Loads `text` and expects exactly the message `"<path>, line <line>: <problem>"`.
    private func expectError(_ text: String, line: Int, _ problem: String, name: String = "bad.csv",
                             sourceLocation: SourceLocation = #_sourceLocation) throws {
        let path = try folder.write(text, to: name)
        let error = #expect(throws: DataError.self, sourceLocation: sourceLocation) { try Dataset.loadFER(path: path) }
        #expect(error?.message == "\(path), line \(line): \(problem)", sourceLocation: sourceLocation)
    }

    private func good(_ row: Int, label: Int = 0) -> String {
        ferRow(label, pixels: fixturePixels(row: row))
    }

    /// A row whose pixels are the fixture's, with token `index` replaced by `token`.
    private func row(label: String = "0", replacing index: Int, with token: String) -> String {
        var tokens = fixturePixels(row: 0).map(String.init)
        tokens[index] = token
        return label + "," + tokens.joined(separator: " ")
    }

    @Test func tooFewPixelsNamesLineAndCounts() throws {
        let short = ferRow(1, pixels: Array(fixturePixels(row: 0).dropLast()))
        let text = ["label,feature", good(0), good(1), short, good(2)].joined(separator: "\n")
        try expectError(text, line: 4, "expected 2304 pixel values, found 2303")
    }

    @Test func tooManyPixelsNamesLineAndCounts() throws {
        let long = ferRow(1, pixels: fixturePixels(row: 0) + [7, 8])
        try expectError("label,feature\n" + long + "\n", line: 2, "expected 2304 pixel values, found 2306")
    }

    @Test func nonNumberPixelIsQuotedWithItsPosition() throws {
        try expectError("label,feature\n" + good(0) + "\n" + row(replacing: 9, with: "12x") + "\n",
                        line: 3, "pixel 10 of 2304: '12x' is not a whole number")
        try expectError("label,feature\n" + row(replacing: 0, with: "3.5") + "\n",
                        line: 2, "pixel 1 of 2304: '3.5' is not a whole number")
    }

    @Test func pixelOutside0To255IsReported() throws {
        try expectError("label,feature\n" + row(replacing: 4, with: "256") + "\n",
                        line: 2, "pixel 5 of 2304: 256 is outside 0-255")
        try expectError("label,feature\n" + row(replacing: 2303, with: "-1") + "\n",
                        line: 2, "pixel 2304 of 2304: -1 is outside 0-255")
        try expectError("label,feature\n" + row(replacing: 7, with: "99999999999999999999999") + "\n",
                        line: 2, "pixel 8 of 2304: 99999999999999999999999 is outside 0-255")
    }

    @Test func labelOutside0To6IsReported() throws {
        try expectError("label,feature\n" + good(0, label: 7) + "\n", line: 2, "label 7 is outside 0-6")
        try expectError("label,feature\n" + row(label: "-2", replacing: 0, with: "0") + "\n",
                        line: 2, "label -2 is outside 0-6")
    }

    @Test func nonNumberLabelIsQuoted() throws {
        try expectError("label,feature\n" + row(label: "happy", replacing: 0, with: "0") + "\n",
                        line: 2, "label 'happy' is not a whole number")
        try expectError("label,feature\n" + row(label: "", replacing: 0, with: "0") + "\n",
                        line: 2, "the label is missing before ','")
    }

    @Test func missingCommaIsReported() throws {
        let text = "label,feature\n" + good(0) + "\n3 " + fixturePixels(row: 1).map(String.init).joined(separator: " ") + "\n"
        try expectError(text, line: 3, "missing ',' between the label and the pixel values")
    }

    @Test func badIdsInATestFileAreReported() throws {
        try expectError("id,feature\n" + row(label: "x1", replacing: 0, with: "0") + "\n",
                        line: 2, "id 'x1' is not a whole number")
        try expectError("id,feature\n" + row(label: "-3", replacing: 0, with: "0") + "\n",
                        line: 2, "id -3 is negative")
        try expectError("id,feature\n" + row(label: "5", replacing: 0, with: "0") + "\n5 1 2\n",
                        line: 3, "missing ',' between the id and the pixel values")
    }

    @Test func unknownHeaderIsReportedWithWhatWasFound() throws {
        try expectError("emotion,pixels,Usage\n" + good(0) + "\n", line: 1,
                        "expected the header 'label,feature' or 'id,feature', found 'emotion,pixels,Usage'")
        try expectError(good(0) + "\n", line: 1,
                        "expected the header 'label,feature' or 'id,feature', found '0,0 11 22 33 44 55 66 77…'")
    }

    @Test func emptyFileIsReported() throws {
        for (index, text) in ["", "\n\n", "  \r\n"].enumerated() {
            let path = try folder.write(text, to: "empty\(index).csv")
            let error = #expect(throws: DataError.self) { try Dataset.loadFER(path: path) }
            #expect(error?.message == "\(path) is empty: expected a header 'label,feature' or 'id,feature' and rows of pixel values")
        }
    }

    @Test func lineNumbersCountBlankLinesAndTheHeader() throws {
        let text = "label,feature\r\n\r\n" + good(0) + "\r\n\r\n" + good(1, label: 9) + "\r\n"
        try expectError(text, line: 5, "label 9 is outside 0-6")
    }

    /// Bad rows in both halves of a 500-row file (one per core): the lowest line wins.
    @Test func firstBadLineWinsWhenSeveralAreBad() throws {
        var lines = ["label,feature"] + (0..<500).map { good($0, label: $0 % 7) }
        lines[1 + 130] = ferRow(8, pixels: fixturePixels(row: 130))
        lines[1 + 320] = row(replacing: 3, with: "abc")
        lines[1 + 480] = ferRow(1, pixels: [1, 2, 3])
        try expectError(lines.joined(separator: "\n"), line: 132, "label 8 is outside 0-6")
        lines[1 + 130] = good(130)
        try expectError(lines.joined(separator: "\n"), line: 322, "pixel 4 of 2304: 'abc' is not a whole number")
    }

    @Test func malformedRowInAGzippedFileNamesTheGzPath() throws {
        let text = "label,feature\n" + good(0) + "\n" + ferRow(1, pixels: [0]) + "\n"
        let path = try folder.write(text, to: "bad.csv.gz", gzip: true)
        let error = #expect(throws: DataError.self) { try Dataset.loadFER(path: path) }
        #expect(error?.message == "\(path), line 3: expected 2304 pixel values, found 1")
    }
}
