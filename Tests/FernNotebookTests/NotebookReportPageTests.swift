import FernNotebook
import Foundation
import Testing

/// The HTML report as a page people navigate: contents, folding code,
/// figures full size, and nothing fetched from elsewhere.
@Suite struct NotebookReportPageTests {
    static let notebook = """
        #%% md
        # Faces
        Intro with a [link](https://example.org) that stays a link.

        #%%  Count
        print("20 faces")

        #%% md
        ## 1. Data *analysis*
        ### Details & `code`

        #%% Plot
        fig

        #%% md
        ## 1. Data analysis
        #### Too deep for the contents
        """

    /// report.html of `notebook`, run.
    static func page() throws -> String {
        let fixture = try NotebookFixture(notebook)
        #expect(try fixture.run().succeeded)
        return try fixture.report("report.html")
    }

    /// The `<nav>` of the page.
    static func contents(_ html: String) throws -> Substring {
        let start = try #require(html.range(of: "<nav class=\"contents\""))
        let end = try #require(html.range(of: "</nav>", range: start.upperBound..<html.endIndex))
        return html[start.lowerBound..<end.upperBound]
    }

    /// The values of `attribute="..."` in `html`, in order.
    static func values(of attribute: String, in html: some StringProtocol) -> [String] {
        html.components(separatedBy: " \(attribute)=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
    }

    @Test func contentsListTheProseHeadingsAndLinkToThem() throws {
        let html = try Self.page()
        let nav = try Self.contents(html)
        #expect(nav.contains("<li class=\"depth-0\"><a href=\"#faces\">Faces</a></li>"))
        #expect(nav.contains("<li class=\"depth-1\"><a href=\"#1-data-analysis\">1. Data analysis</a></li>"))
        #expect(nav.contains("<li class=\"depth-2\"><a href=\"#details--code\">Details &amp; code</a></li>"))
        #expect(nav.contains("<li class=\"depth-1\"><a href=\"#1-data-analysis-1\">1. Data analysis</a></li>"))
        #expect(!nav.contains("Too deep"))
        #expect(html.contains("<h4 id=\"too-deep-for-the-contents\">"))

        let targets = Self.values(of: "href", in: nav).filter { $0.hasPrefix("#") }.map { String($0.dropFirst()) }
        #expect(targets == ["top", "faces", "1-data-analysis", "details--code", "1-data-analysis-1"])
        let ids = Self.values(of: "id", in: html)
        for target in targets { #expect(ids.filter { $0 == target }.count == 1, "#\(target) has no single target") }
        #expect(Set(ids).count == ids.count, "ids repeat: \(ids)")
    }

    @Test func contentsLinkToTheFailingCell() throws {
        let fixture = try NotebookFixture("#%% md\n# Steps\n#%%\nx = missing_name\n")
        #expect(try fixture.run().failure != nil)
        let nav = try Self.contents(try fixture.report("report.html"))
        #expect(nav.contains("<li class=\"failed\"><a href=\"#cell2\">failed in cell 2 (line 4)</a></li>"))
    }

    @Test func codeFoldsUnderTheCellsCaption() throws {
        let html = try Self.page()
        let cells = html.components(separatedBy: "<section class=\"cell\"").dropFirst()
        #expect(cells.count == 2)
        for cell in cells {
            let details = try #require(cell.range(of: "<details open>\n<summary class=\"caption\">cell "))
            let source = try #require(cell.range(of: "<pre class=\"source\">"))
            let end = try #require(cell.range(of: "</details>"))
            #expect(details.upperBound < source.lowerBound && source.upperBound < end.lowerBound)
        }
        #expect(html.contains("Count · line 6 · "))
        // What a cell printed stays visible when its code is folded.
        #expect(html.contains("</details>\n<pre class=\"output\">20 faces</pre>"))
    }

    @Test func figuresOpenFullSizeOnClick() throws {
        let html = try Self.page()
        let figures = html.components(separatedBy: "<figure>").dropFirst()
        #expect(figures.count == 1)
        for figure in figures {
            #expect(figure.hasPrefix("<img class=\"zoomable\" tabindex=\"0\" src=\"data:image/png;base64,"))
        }
        #expect(html.contains("<div class=\"lightbox\" id=\"lightbox\" hidden><img alt=\"\"></div>"))
        #expect(html.contains("node.matches(\"figure img, .prose img\")"))
        #expect(html.contains("large.src = image.src"))
        #expect(html.contains("figure img, .prose img { max-width: 100%; height: auto;"))
    }

    @Test func thePageNeedsNothingFromElsewhere() throws {
        let html = try Self.page()
        #expect(Self.values(of: "src", in: html).allSatisfy { $0.hasPrefix("data:") })
        #expect(!html.contains("<link") && !html.contains("@import") && !html.contains("url("))
        #expect(!html.contains("<script src"))
        // The prose's one address is a link to follow, not something the page loads.
        #expect(html.replacingOccurrences(of: "<a href=\"https://example.org\">", with: "").range(of: "https?://",
                                                                                                 options: .regularExpression) == nil)
    }

    @Test func anotherProgramCanAddToThePage() throws {
        let fixture = try NotebookFixture(Self.notebook)
        let run = try fixture.run()
        let html = NotebookReport(run: run).html(extraHead: "<script>reload()</script>", extraBody: "<p id=\"live\">live</p>")
        let head = try #require(html.range(of: "</head>"))
        let added = try #require(html.range(of: "<script>reload()</script>"))
        #expect(added.upperBound < head.lowerBound)
        let body = try #require(html.range(of: "<p id=\"live\">live</p>\n</body>"))
        #expect(head.upperBound < body.lowerBound)
        #expect(NotebookReport(run: run).html() == (try String(contentsOf: run.htmlReport, encoding: .utf8)))
    }
}
