import Testing
@testable import FernLang

@Suite struct SourceLocationTests {
    @Test func locationPrintsAsLineColonColumn() {
        #expect(SourceLocation(line: 3, column: 9).description == "3:9")
    }
}
