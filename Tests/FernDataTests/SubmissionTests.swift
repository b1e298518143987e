import Foundation
import Testing
@testable import FernData

/// The `id,label` submission file.
@Suite struct SubmissionTests {
    let folder: TemporaryFolder

    init() throws {
        folder = try TemporaryFolder()
    }

    @Test func writesHeaderAndOneRowPerImage() throws {
        let path = folder.path("submission.csv")
        try writeSubmission(ids: [0, 1, 7], labels: [3, 0, 6], to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "id,label\n0,3\n1,0\n7,6\n")
        #expect(folder.contents == ["submission.csv"])
    }

    @Test func replacesAnExistingFileLeavingNoTemporaryFile() throws {
        let path = try folder.write("old contents that are longer than the new ones\n", to: "submission.csv")
        try writeSubmission(ids: [5], labels: [2], to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "id,label\n5,2\n")
        #expect(folder.contents == ["submission.csv"])
    }

    @Test func mismatchedCountsAreAnErrorAndWriteNothing() throws {
        let path = folder.path("submission.csv")
        let error = #expect(throws: DataError.self) { try writeSubmission(ids: [0, 1], labels: [3], to: path) }
        #expect(error?.message == "writeSubmission: 2 ids but 1 labels")
        #expect(folder.contents == [])
    }
}
