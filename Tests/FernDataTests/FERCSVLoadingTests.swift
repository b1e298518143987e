import FernTensor
import Foundation
import Testing
@testable import FernData

/// Loading the assignment's CSV format, plain and gzipped, with the
/// tolerances real files need (CRLF, blank lines, no final newline).
@Suite struct FERCSVLoadingTests {
    let folder: TemporaryFolder

    init() throws {
        folder = try TemporaryFolder()
    }

    /// Checks every pixel of `dataset` against the fixture, image `i` holding fixture row `rows[i]`.
    private func expectFixturePixels(_ dataset: Dataset, rows: [Int], sourceLocation: SourceLocation = #_sourceLocation) {
        let expected = rows.flatMap { fixturePixels(row: $0).map(Float.init) }
        #expect(dataset.images.scalars == expected, sourceLocation: sourceLocation)
    }

    @Test func labelledFileGivesImagesLabelsAndRowNumbersAsIds() throws {
        let path = try generateFERCSV(in: folder, name: "train.csv", firstColumn: [3, 0, 6])
        let dataset = try Dataset.loadFER(path: path)
        #expect(dataset.images.shape == [3, 48, 48, 1])
        #expect(dataset.labels == [3, 0, 6])
        #expect(dataset.ids == [0, 1, 2])
        #expect(dataset.classNames == Dataset.ferClassNames)
        expectFixturePixels(dataset, rows: [0, 1, 2])
    }

    @Test func pixelKGoesToRowKDiv48AndColumnKMod48() throws {
        var pixels = [Int](repeating: 0, count: 2304)
        pixels[0] = 1; pixels[47] = 2; pixels[48] = 3; pixels[1000] = 4; pixels[2303] = 255
        let path = try folder.write("label,feature\n5," + pixels.map(String.init).joined(separator: " ") + "\n",
                                    to: "one.csv")
        let images = try Dataset.loadFER(path: path).images
        #expect(try images.value(at: [0, 0, 0, 0]) == 1)
        #expect(try images.value(at: [0, 0, 47, 0]) == 2)
        #expect(try images.value(at: [0, 1, 0, 0]) == 3)
        #expect(try images.value(at: [0, 20, 40, 0]) == 4)  // 1000 = 20 * 48 + 40
        #expect(try images.value(at: [0, 47, 47, 0]) == 255)
        let total: Float = 1 + 2 + 3 + 4 + 255
        #expect(images.scalars.reduce(0, +) == total)
    }

    @Test func gzippedFileLoadsLikeThePlainOne() throws {
        let plain = try generateFERCSV(in: folder, name: "train.csv", firstColumn: [1, 2, 4, 5])
        let gzipped = try generateFERCSV(in: folder, name: "train.csv.gz", firstColumn: [1, 2, 4, 5], gzip: true)
        #expect(try Data(contentsOf: URL(fileURLWithPath: gzipped)).prefix(2) == Data([0x1f, 0x8b]))
        let fromGzip = try Dataset.loadFER(path: gzipped)
        let fromPlain = try Dataset.loadFER(path: plain)
        #expect(fromGzip.labels == [1, 2, 4, 5])
        #expect(fromGzip.images.scalars == fromPlain.images.scalars)
        expectFixturePixels(fromGzip, rows: [0, 1, 2, 3])
    }

    @Test func idFeatureFileIsUnlabelledAndKeepsItsIds() throws {
        let path = try generateFERCSV(in: folder, name: "test.csv.gz", header: "id,feature",
                                      firstColumn: [17, 3, 250_000], gzip: true)
        let dataset = try Dataset.loadFER(path: path)
        #expect(dataset.labels.isEmpty)
        #expect(!dataset.isLabelled)
        #expect(dataset.ids == [17, 3, 250_000])
        #expect(dataset.images.shape == [3, 48, 48, 1])
        expectFixturePixels(dataset, rows: [0, 1, 2])
    }

    @Test func crlfEndingsBlankLinesAndNoFinalNewlineAreTolerated() throws {
        let rows = [ferRow(2, pixels: fixturePixels(row: 0)), ferRow(4, pixels: fixturePixels(row: 1))]
        let text = "label,feature\r\n\r\n" + rows[0] + "\r\n\r\n\n" + rows[1]
        let dataset = try Dataset.loadFER(path: try folder.write(text, to: "crlf.csv"))
        #expect(dataset.labels == [2, 4])
        expectFixturePixels(dataset, rows: [0, 1])

        let crlf = try generateFERCSV(in: folder, name: "crlf2.csv", firstColumn: [6, 1], lineEnding: "\r\n")
        #expect(try Dataset.loadFER(path: crlf).labels == [6, 1])
        let noNewline = try generateFERCSV(in: folder, name: "last.csv.gz", firstColumn: [0, 3], gzip: true,
                                           finalNewline: false)
        expectFixturePixels(try Dataset.loadFER(path: noNewline), rows: [0, 1])
    }

    @Test func extraSpacesTabsAndLeadingZerosAreRead() throws {
        var tokens = fixturePixels(row: 0).map(String.init)
        tokens[0] = "007"
        let text = "label,feature\n 3 ,  " + tokens.joined(separator: " \t ") + "  \n"
        let dataset = try Dataset.loadFER(path: try folder.write(text, to: "spaces.csv"))
        #expect(dataset.labels == [3])
        #expect(dataset.images.scalars[0] == 7)
        #expect(Array(dataset.images.scalars.dropFirst()) == fixturePixels(row: 0).dropFirst().map(Float.init))
    }

    @Test func byteOrderMarkBeforeTheHeaderIsIgnored() throws {
        let text = "\u{FEFF}label,feature\n" + ferRow(5, pixels: fixturePixels(row: 0)) + "\n"
        #expect(try Dataset.loadFER(path: try folder.write(text, to: "bom.csv")).labels == [5])
    }

    @Test func headerOnlyFileGivesAnEmptyDataset() throws {
        let dataset = try Dataset.loadFER(path: try folder.write("label,feature\n", to: "header.csv"))
        #expect(dataset.count == 0)
        #expect(dataset.images.shape == [0, 48, 48, 1])
    }

    /// 500 rows are split over the cores; every row must land in its own slot.
    @Test func fiveHundredRowsRoundTripThroughTheParallelParser() throws {
        let labels = (0..<500).map { ($0 * 5 + $0 / 7) % 7 }
        let path = try generateFERCSV(in: folder, name: "many.csv.gz", firstColumn: labels, gzip: true)
        let dataset = try Dataset.loadFER(path: path)
        #expect(dataset.images.shape == [500, 48, 48, 1])
        #expect(dataset.labels == labels)
        #expect(dataset.ids == Array(0..<500))
        expectFixturePixels(dataset, rows: Array(0..<500))
    }
}
