import Testing
@testable import FernLang

@Suite struct DataBuiltinTests {
    @Test func syntheticFacesExposeImagesLabelsAndCounts() throws {
        let source = "ds = synthetic_faces(20, seed=1)\n[ds.count, ds.images.shape, len(ds.labels), len(ds.class_names), sum(class_counts(ds))]"
        #expect(try evaluate(source) == "[20, [20, 48, 48, 1], 20, 7, 20]")
    }

    @Test func unknownMembersSuggestTheCloseOne() {
        #expect(errorText("ds = synthetic_faces(2)\nds.imags").contains("did you mean 'images'?"))
    }
}
