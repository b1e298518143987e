import Foundation
import Testing
@testable import FernData

/// Whole-file reads that inflate gzip transparently and fail with a message
/// naming the path.
@Suite struct GzipFileTests {
    let folder: TemporaryFolder

    init() throws {
        folder = try TemporaryFolder()
    }

    private let sample = Array("label,feature\n1,2 3 4\n".utf8) + (0..<5000).map { UInt8($0 % 251) }

    @Test func plainFileIsReadAsIs() throws {
        let path = try folder.write(sample, to: "plain.bin")
        #expect(try GzipFile.read(path: path) == sample)
    }

    @Test func gzipFileIsInflated() throws {
        let path = try folder.write(sample, to: "data.gz", gzip: true)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)).count < sample.count)
        #expect(try GzipFile.read(path: path) == sample)
    }

    /// `cat a.gz b.gz` is a valid gzip file; its trailer gives only the last
    /// member's size, so the reader must keep going past that size hint.
    @Test func concatenatedGzipMembersAreAllRead() throws {
        let first = try Data(contentsOf: URL(fileURLWithPath: try folder.write(sample, to: "a.gz", gzip: true)))
        let tail = Array("tail".utf8)
        let second = try Data(contentsOf: URL(fileURLWithPath: try folder.write(tail, to: "b.gz", gzip: true)))
        let path = try folder.write(Array(first + second), to: "both.gz")
        #expect(try GzipFile.read(path: path) == sample + tail)
    }

    @Test func emptyFileGivesNoBytes() throws {
        #expect(try GzipFile.read(path: try folder.write([UInt8](), to: "empty")) == [])
    }

    @Test func missingFileNamesThePath() throws {
        let path = folder.path("no-such.csv.gz")
        let error = #expect(throws: DataError.self) { try GzipFile.read(path: path) }
        #expect(error?.message == "cannot read \(path): No such file or directory")
        let viaLoader = #expect(throws: DataError.self) { try Dataset.loadFER(path: path) }
        #expect(viaLoader?.message.contains(path) == true)
    }

    @Test func folderIsNotReadAsAFile() throws {
        let error = #expect(throws: DataError.self) { try GzipFile.read(path: folder.url.path) }
        #expect(error?.message == "cannot read \(folder.url.path): not a regular file")
    }

    @Test func corruptGzipNamesThePath() throws {
        // A valid gzip header (magic, deflate, no flags) followed by bytes that are not deflate data.
        let header: [UInt8] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]
        let path = try folder.write(header + [UInt8](repeating: 0xff, count: 64), to: "corrupt.csv.gz")
        let error = #expect(throws: DataError.self) { try GzipFile.read(path: path) }
        #expect(error?.message.hasPrefix("cannot read \(path): the compressed data is corrupt") == true)
    }

    @Test func truncatedGzipNamesThePath() throws {
        let whole = try Data(contentsOf: URL(fileURLWithPath: try folder.write(sample, to: "whole.gz", gzip: true)))
        let path = try folder.write(Array(whole.prefix(whole.count / 2)), to: "truncated.csv.gz")
        let error = #expect(throws: DataError.self) { try GzipFile.read(path: path) }
        #expect(error?.message == "cannot read \(path): the compressed data ends early (truncated file)")
    }
}
