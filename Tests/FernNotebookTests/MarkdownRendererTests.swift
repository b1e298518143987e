import FernNotebook
import Testing

@Suite struct MarkdownRendererTests {
    let renderer = MarkdownRenderer()

    @Test func indentedCodeIsACodeBlock() {
        #expect(renderer.html("Run it:\n\n    fern run a.fernb \\\n        -p epochs=3\n\nThen look.")
            == "<p>Run it:</p>\n<pre><code>fern run a.fernb \\\n    -p epochs=3\n</code></pre>\n<p>Then look.</p>")
    }

    /// The first cell of notebooks/hw3.fernb: the indented command once ran into the paragraph.
    @Test func theAssignmentNotebooksFirstCellShowsItsCommandAsCode() {
        let cell = """
            # Image Sentiment Classification

            By default it runs on Fern's built-in synthetic faces, so it works out of the
            box in a few minutes. On FER2013:

                fern run notebooks/hw3.fernb -p data=path/train.csv.gz -p test=path/test.csv.gz \\
                    -p epochs=30 -p dnn_epochs=30 -p cnn=tuned_cnn -p augment=true

            Labels: 0 angry, 1 disgust, 2 fear, 3 happy, 4 sad, 5 surprise, 6 neutral.
            """
        #expect(renderer.html(cell) == """
            <h1 id="image-sentiment-classification">Image Sentiment Classification</h1>
            <p>By default it runs on Fern's built-in synthetic faces, so it works out of the
            box in a few minutes. On FER2013:</p>
            <pre><code>fern run notebooks/hw3.fernb -p data=path/train.csv.gz -p test=path/test.csv.gz \\
                -p epochs=30 -p dnn_epochs=30 -p cnn=tuned_cnn -p augment=true
            </code></pre>
            <p>Labels: 0 angry, 1 disgust, 2 fear, 3 happy, 4 sad, 5 surprise, 6 neutral.</p>
            """)
    }

    @Test func fencedCodeKeepsItsTextAndLanguage() {
        #expect(renderer.html("```fern\nx = 1\n\n# not a heading\n```\nafter")
            == "<pre><code class=\"language-fern\">x = 1\n\n# not a heading\n</code></pre>\n<p>after</p>")
    }

    @Test func headingsAndEmphasis() {
        #expect(renderer.html("# Title\n\nSome *em*, **strong**, `code`, __bold__ and ~~gone~~.")
            == "<h1 id=\"title\">Title</h1>\n<p>Some <em>em</em>, <strong>strong</strong>, <code>code</code>, "
            + "<strong>bold</strong> and <del>gone</del>.</p>")
        #expect(renderer.html("### Third ###") == "<h3 id=\"third\">Third</h3>")
        #expect(renderer.html("#hashtag") == "<p>#hashtag</p>")
        #expect(renderer.html("snake_case_name and 2*3*4") == "<p>snake_case_name and 2<em>3</em>4</p>")
    }

    @Test func headingsGetUniqueAnchorsAcrossOnePage() {
        var anchors = HeadingAnchors(reserved: ["cell1"])
        let first = renderer.render("# 1. Data *analysis*\n\n## Cell1\n\n## `fit()` & co", anchors: &anchors)
        #expect(first.headings == [
            MarkdownHeading(level: 1, title: "1. Data analysis", id: "1-data-analysis"),
            MarkdownHeading(level: 2, title: "Cell1", id: "cell1-1"),
            MarkdownHeading(level: 2, title: "fit() & co", id: "fit--co"),
        ])
        #expect(first.html.contains("<h2 id=\"fit--co\"><code>fit()</code> &amp; co</h2>"))
        let second = renderer.render("# 1. Data analysis", anchors: &anchors)
        #expect(second.html == "<h1 id=\"1-data-analysis-1\">1. Data analysis</h1>")
    }

    @Test func gitHubTablesWithAlignment() {
        #expect(renderer.html("| name | n |\n|:-----|--:|\n| `happy` | 3 |\n| a \\| b | 4 |") == """
            <table>
            <thead>
            <tr>
            <th style="text-align: left">name</th>
            <th style="text-align: right">n</th>
            </tr>
            </thead>
            <tbody>
            <tr>
            <td style="text-align: left"><code>happy</code></td>
            <td style="text-align: right">3</td>
            </tr>
            <tr>
            <td style="text-align: left">a | b</td>
            <td style="text-align: right">4</td>
            </tr>
            </tbody>
            </table>
            """)
        #expect(renderer.html("a | b without a delimiter row") == "<p>a | b without a delimiter row</p>")
    }

    @Test func addressesBecomeLinks() {
        #expect(renderer.html("See https://fern.dev/docs, www.example.com and <https://x.org>.")
            == "<p>See <a href=\"https://fern.dev/docs\">https://fern.dev/docs</a>, "
            + "<a href=\"http://www.example.com\">www.example.com</a> and <a href=\"https://x.org\">https://x.org</a>.</p>")
        #expect(renderer.html("[the *spec*](https://x.org/a?b=1&c=2 \"Spec\")")
            == "<p><a href=\"https://x.org/a?b=1&amp;c=2\" title=\"Spec\">the <em>spec</em></a></p>")
    }

    @Test func rawHTMLShowsAsWrittenAndScriptLinksGoNowhere() {
        #expect(renderer.html("<script>alert('x')</script> & \"q\"")
            == "<p>&lt;script&gt;alert('x')&lt;/script&gt; &amp; &quot;q&quot;</p>")
        #expect(renderer.html("<div>\n<b>bold?</b>\n</div>") == "<p>&lt;div&gt;\n&lt;b&gt;bold?&lt;/b&gt;\n&lt;/div&gt;</p>")
        #expect(renderer.html("a <!-- a note --> b\n\n<!--\nhidden\n-->") == "<p>a  b</p>")
        #expect(renderer.html("`<b>`") == "<p><code>&lt;b&gt;</code></p>")
        #expect(renderer.html("```\nif a < b && c > d\n```") == "<pre><code>if a &lt; b &amp;&amp; c &gt; d\n</code></pre>")
        #expect(renderer.html("[x](javascript:alert(1))") == "<p><a href=\"\">x</a></p>")
        #expect(renderer.html("\\*not em\\*") == "<p>*not em*</p>")
    }

    @Test func listsQuotesAndRules() {
        #expect(renderer.html("- a\n  - a1\n- b") == "<ul>\n<li>a\n<ul>\n<li>a1</li>\n</ul>\n</li>\n<li>b</li>\n</ul>")
        #expect(renderer.html("3. three\n4. four") == "<ol start=\"3\">\n<li>three</li>\n<li>four</li>\n</ol>")
        #expect(renderer.html("> quoted *text*") == "<blockquote>\n<p>quoted <em>text</em></p>\n</blockquote>")
        #expect(renderer.html("---") == "<hr />")
    }

    @Test func imagesTakeTheirSourceFromImageSource() {
        #expect(renderer.html("![a <face>](faces/happy.png \"Happy\")")
            == "<p><img src=\"faces/happy.png\" alt=\"a &lt;face&gt;\" title=\"Happy\" /></p>")
        let embedding = MarkdownRenderer { $0.hasSuffix(".svg") ? "data:image/svg+xml;base64,PHN2Zz4=" : "data:image/png;base64,AAAA" }
        #expect(embedding.html("![x](y.png) ![d](diagram.svg)")
            == "<p><img src=\"data:image/png;base64,AAAA\" alt=\"x\" /> <img src=\"data:image/svg+xml;base64,PHN2Zz4=\" alt=\"d\" /></p>")
        let unsafe = MarkdownRenderer { _ in "javascript:alert(1)" }
        #expect(unsafe.html("![x](y.png)") == "<p><img src=\"\" alt=\"x\" /></p>")
    }
}
