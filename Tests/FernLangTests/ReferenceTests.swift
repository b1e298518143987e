import Foundation
import Testing
@testable import FernLang

@Suite struct ReferenceTests {
    @Test func everyBuiltinAppearsInExactlyOneSectionOfTheReference() {
        let listed = Builtins.sections.flatMap { $0.builtins.map(\.name) }
        #expect(listed.sorted() == Builtins.all.map(\.name).sorted())
        #expect(Set(listed).count == listed.count)
    }

    @Test func everyBuiltinHasASignatureAndADocSentence() {
        for builtin in Builtins.all {
            #expect(builtin.signature.hasPrefix(builtin.name + "("), "\(builtin.signature)")
            #expect(builtin.signature.hasSuffix(")"), "\(builtin.signature)")
            #expect(builtin.doc.count > 10 && builtin.doc.hasSuffix("."), "\(builtin.name): \(builtin.doc)")
        }
    }

    /// docs/reference.md is generated (`fern help --all > docs/reference.md`);
    /// this fails when the table changed and the page was not regenerated.
    @Test func committedReferencePageMatchesTheTable() throws {
        let page = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/reference.md")
        let committed = try String(contentsOf: page, encoding: .utf8)
        #expect(committed == Builtins.referenceMarkdown() + "\n",
                "docs/reference.md is stale: run `swift run fern help --all > docs/reference.md`")
    }

    @Test func helpForAnUnknownNameSuggestsTheClosestBuiltin() {
        #expect(Builtins.help(for: "zeros").hasPrefix("zeros(shape)"))
        #expect(Builtins.help(for: "zero") == "no built-in named 'zero'; did you mean 'zeros'?")
    }
}
