import Testing
@testable import FernLang

@Suite struct ScannerTests {
    private func kinds(_ source: String) throws -> [TokenKind] {
        try Scanner.tokens(of: source).map(\.kind)
    }

    @Test func numbersIncludeDecimalsAndExponents() throws {
        let tokens = try Scanner.tokens(of: "42 0.5 1e-3 2.5E2 .25 1_000")
        #expect(tokens.dropLast().map(\.number) == [42, 0.5, 0.001, 250, 0.25, 1000])
    }

    @Test func aNumberFollowedByDotDotIsARange() throws {
        #expect(try kinds("0..5") == [.number, .dotDot, .number, .eof])
    }

    @Test func stringsResolveEscapesInEitherQuote() throws {
        let tokens = try Scanner.tokens(of: #""a\nb\t\"q\"\\" 'it\'s'"#)
        #expect(tokens[0].text == "a\nb\t\"q\"\\")
        #expect(tokens[1].text == "it's")
    }

    @Test func multiCharacterOperatorsAreOneToken() throws {
        #expect(try kinds("** -> .. @ == != <= >= * - .")
                == [.starStar, .arrow, .dotDot, .at, .equalEqual, .bangEqual, .lessEqual, .greaterEqual,
                    .star, .minus, .dot, .eof])
    }

    @Test func commentsAreSkippedAndKeywordsRecognized() throws {
        #expect(try kinds("x = none # a comment\nnot true") == [.identifier, .equal, .none, .newline, .not, .true, .eof])
    }

    @Test func newlinesInsideParenthesesAndBracketsAreIgnored() throws {
        #expect(try kinds("f(1,\n2)\n[3,\n4]") == [.identifier, .leftParen, .number, .comma, .number, .rightParen,
                                                  .newline, .leftBracket, .number, .comma, .number, .rightBracket, .eof])
    }

    @Test func newlinesInsideBracesAreStatementEnds() throws {
        #expect(try kinds("{\nx\n}") == [.leftBrace, .newline, .identifier, .newline, .rightBrace, .eof])
    }

    @Test func tokensRecordLineAndColumn() throws {
        let tokens = try Scanner.tokens(of: "a = 1\n  bb + 2")
        let bb = tokens.first { $0.lexeme == "bb" }!
        #expect(bb.location == SourceLocation(line: 2, column: 3))
        #expect(tokens[2].location == SourceLocation(line: 1, column: 5))
    }

    @Test func anUnknownCharacterIsASyntaxError() {
        #expect(throws: FernError.self) { try Scanner.tokens(of: "a $ b") }
    }
}
