import FernNotebook
import Testing

@Suite struct MarkdownRendererTests {
    let renderer = MarkdownRenderer()

    @Test func headingsParagraphsAndInlineMarkup() {
        #expect(renderer.html("# Title\n\nSome *em*, **strong**, `code` and __bold__.")
            == "<h1>Title</h1>\n<p>Some <em>em</em>, <strong>strong</strong>, <code>code</code> and <strong>bold</strong>.</p>")
        #expect(renderer.html("### Third ###") == "<h3>Third</h3>")
        #expect(renderer.html("#hashtag") == "<p>#hashtag</p>")
        #expect(renderer.html("snake_case_name and 2*3*4") == "<p>snake_case_name and 2<em>3</em>4</p>")
    }

    @Test func htmlIsEscapedEverywhere() {
        #expect(renderer.html("<script>alert('x')</script> & \"q\"")
            == "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;</p>")
        #expect(renderer.html("`<b>`") == "<p><code>&lt;b&gt;</code></p>")
        #expect(renderer.html("```\nif a < b && c > d\n```") == "<pre><code>if a &lt; b &amp;&amp; c &gt; d</code></pre>")
        #expect(renderer.html("[x](javascript:alert(1))") == "<p><a href=\"#\">x</a></p>")
        #expect(renderer.html("\\*not em\\*") == "<p>*not em*</p>")
    }

    @Test func fencedCodeKeepsItsTextAndLanguage() {
        #expect(renderer.html("```fern\nx = 1\n\n# not a heading\n```\nafter")
            == "<pre><code class=\"language-fern\">x = 1\n\n# not a heading</code></pre>\n<p>after</p>")
    }

    @Test func bulletNumberedAndNestedLists() {
        #expect(renderer.html("- one\n- *two*\n") == "<ul>\n<li>one</li>\n<li><em>two</em></li>\n</ul>")
        #expect(renderer.html("3. three\n4. four") == "<ol start=\"3\">\n<li>three</li>\n<li>four</li>\n</ol>")
        #expect(renderer.html("- a\n  - a1\n  - a2\n- b")
            == "<ul>\n<li>a\n<ul>\n<li>a1</li>\n<li>a2</li>\n</ul></li>\n<li>b</li>\n</ul>")
        #expect(renderer.html("Intro:\n\n- x\n\nAfter.") == "<p>Intro:</p>\n<ul>\n<li>x</li>\n</ul>\n<p>After.</p>")
    }

    @Test func pipeTablesWithAlignment() {
        let html = renderer.html("| name | n |\n|:-----|--:|\n| `happy` | 3 |\n| a \\| b | 4 |")
        #expect(html == """
            <table>
            <thead>
            <tr><th style="text-align:left">name</th><th style="text-align:right">n</th></tr>
            </thead>
            <tbody>
            <tr><td style="text-align:left"><code>happy</code></td><td style="text-align:right">3</td></tr>
            <tr><td style="text-align:left">a | b</td><td style="text-align:right">4</td></tr>
            </tbody>
            </table>
            """)
        #expect(renderer.html("a | b without a delimiter row") == "<p>a | b without a delimiter row</p>")
    }

    @Test func linksImagesQuotesAndRules() {
        #expect(renderer.html("See [the *spec*](https://x.org/a?b=1&c=2 \"Spec\").")
            == "<p>See <a href=\"https://x.org/a?b=1&amp;c=2\" title=\"Spec\">the <em>spec</em></a>.</p>")
        #expect(renderer.html("![a <face>](faces/happy.png)") == "<p><img src=\"faces/happy.png\" alt=\"a &lt;face&gt;\"></p>")
        let embedding = MarkdownRenderer { "data:image/png;base64,AAAA" + $0.prefix(0) }
        #expect(embedding.html("![x](y.png)") == "<p><img src=\"data:image/png;base64,AAAA\" alt=\"x\"></p>")
        #expect(renderer.html("> quoted *text*") == "<blockquote>\n<p>quoted <em>text</em></p>\n</blockquote>")
        #expect(renderer.html("---") == "<hr>")
        #expect(renderer.html("<https://fern.dev>") == "<p><a href=\"https://fern.dev\">https://fern.dev</a></p>")
    }
}
