import CCmark
import Foundation

/// Renders the Markdown of notebook prose as HTML with cmark-gfm, the
/// CommonMark reference library: CommonMark plus GitHub's tables,
/// strikethrough, autolinks and tag filter.
///
/// Raw HTML shows as written (a `<script>` in a notebook is text, escaped),
/// links to `javascript:` and the like lose their target, every heading gets
/// an `id` to link to, and images take their source from `imageSource`.
public struct MarkdownRenderer {
    /// Maps an image's source as written to the one to use, e.g. a data URI
    /// for a local file so that the page needs no other files.
    public var imageSource: (String) -> String

    public init(imageSource: @escaping (String) -> String = { $0 }) {
        self.imageSource = imageSource
    }

    /// The HTML of `markdown`, its headings' ids unique on this page.
    public func html(_ markdown: String) -> String {
        var anchors = HeadingAnchors()
        return render(markdown, anchors: &anchors).html
    }

    /// The HTML of `markdown` and its headings, whose ids `anchors` keeps
    /// unique across the Markdown of one page.
    public func render(_ markdown: String, anchors: inout HeadingAnchors) -> RenderedMarkdown {
        // cmark-gfm 0.29 switches the extensions' characters on and off in a
        // table shared by every parser while it parses, so one parse at a time.
        MarkdownRenderer.lock.lock()
        defer { MarkdownRenderer.lock.unlock() }

        cmark_gfm_core_extensions_ensure_registered()
        let parser = cmark_parser_new(MarkdownRenderer.options)
        defer { cmark_parser_free(parser) }
        for name in ["table", "strikethrough", "autolink", "tagfilter"] {
            cmark_parser_attach_syntax_extension(parser, cmark_find_syntax_extension(name))
        }
        var text = markdown
        text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { cmark_parser_feed(parser, $0.baseAddress, $0.count) }
        }
        let document = cmark_parser_finish(parser)
        defer { cmark_node_free(document) }

        let nodes = Nodes(document)
        nodes.rawHTML.forEach(showAsText)
        var embedded: [(placeholder: String, source: String)] = []
        for image in nodes.images {
            let source = imageSource(String(cString: cmark_node_get_url(image)))
            // cmark keeps data URIs of PNG, GIF, JPEG and WebP only; an embedded
            // SVG is as harmless in an <img>, so embedded images skip that check.
            if source.hasPrefix("data:image/") {
                let placeholder = "fern-embedded-image-\(embedded.count)"
                embedded.append((placeholder, source))
                cmark_node_set_url(image, placeholder)
            } else {
                cmark_node_set_url(image, source)
            }
        }
        let headings = nodes.headings.map { heading in
            let title = owned(cmark_render_plaintext(heading, CMARK_OPT_DEFAULT, 0))
                .split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces)
            return MarkdownHeading(level: Int(cmark_node_get_heading_level(heading)), title: title,
                                   id: anchors.anchor(for: title))
        }

        let rendered = owned(cmark_render_html(document, MarkdownRenderer.options, cmark_parser_get_syntax_extensions(parser)))
        // Raw HTML is text by now, so each `<hN>` is a heading, in document order.
        var html = ""
        var rest = rendered[...]
        for heading in headings {
            guard let tag = rest.range(of: "<h\(heading.level)>") else { break }
            html += rest[..<tag.lowerBound] + "<h\(heading.level) id=\"\(escape(heading.id))\">"
            rest = rest[tag.upperBound...]
        }
        html += rest
        for image in embedded {
            html = html.replacingOccurrences(of: "src=\"\(image.placeholder)\"", with: "src=\"\(escape(image.source))\"")
        }
        return RenderedMarkdown(html: html.trimmingCharacters(in: .newlines), headings: headings)
    }

    private static let lock = NSLock()

    /// Safe mode (raw HTML and dangerous link targets left out) stays on;
    /// table alignment as `style`, since HTML5 has no `align`.
    private static let options = CMARK_OPT_DEFAULT | CMARK_OPT_TABLE_PREFER_STYLE_ATTRIBUTES

    /// Replaces a raw HTML node with its text, so that it shows as written;
    /// an HTML comment, a note to the author, goes.
    private func showAsText(_ node: OpaquePointer) {
        let literal = String(cString: cmark_node_get_literal(node)).trimmingCharacters(in: .newlines)
        let trimmed = literal.trimmingCharacters(in: .whitespaces)
        if !(trimmed.hasPrefix("<!--") && trimmed.hasSuffix("-->")) {
            let text = cmark_node_new(CMARK_NODE_TEXT)
            cmark_node_set_literal(text, literal)
            if cmark_node_get_type(node) == CMARK_NODE_HTML_BLOCK {
                let paragraph = cmark_node_new(CMARK_NODE_PARAGRAPH)
                cmark_node_append_child(paragraph, text)
                cmark_node_insert_before(node, paragraph)
            } else {
                cmark_node_insert_before(node, text)
            }
        }
        cmark_node_unlink(node)
        cmark_node_free(node)
    }

    /// A string cmark allocated, copied into Swift and freed.
    private func owned(_ pointer: UnsafeMutablePointer<CChar>?) -> String {
        guard let pointer else { return "" }
        defer { free(pointer) }
        return String(cString: pointer)
    }
}

/// The nodes of a parsed document that rendering changes, gathered before
/// any change because cmark's iterator must not see the tree change.
private struct Nodes {
    var rawHTML: [OpaquePointer] = []
    var images: [OpaquePointer] = []
    var headings: [OpaquePointer] = []

    init(_ document: OpaquePointer?) {
        let iterator = cmark_iter_new(document)
        defer { cmark_iter_free(iterator) }
        while cmark_iter_next(iterator) != CMARK_EVENT_DONE {
            guard cmark_iter_get_event_type(iterator) == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iterator) else { continue }
            switch cmark_node_get_type(node) {
            case CMARK_NODE_HTML_BLOCK, CMARK_NODE_HTML_INLINE: rawHTML.append(node)
            case CMARK_NODE_IMAGE: images.append(node)
            case CMARK_NODE_HEADING: headings.append(node)
            default: break
            }
        }
    }
}

/// Markdown rendered as HTML, with the headings found in it.
public struct RenderedMarkdown: Sendable, Equatable {
    public var html: String
    public var headings: [MarkdownHeading]
}

/// A heading of rendered Markdown: its level (1 for `#`), its text without
/// markup, and the `id` of its HTML element.
public struct MarkdownHeading: Sendable, Equatable {
    public var level: Int
    public var title: String
    public var id: String

    public init(level: Int, title: String, id: String) {
        (self.level, self.title, self.id) = (level, title, id)
    }
}

/// Ids for headings as GitHub makes them: lowercase words joined by `-`,
/// punctuation dropped, and `-1`, `-2`, ... after an id already used.
public struct HeadingAnchors: Sendable {
    private var used: Set<String>

    /// `reserved`: ids the page already uses for something else.
    public init(reserved: Set<String> = []) {
        used = reserved
    }

    public mutating func anchor(for title: String) -> String {
        var slug = String(title.lowercased().compactMap { character -> Character? in
            if character.isWhitespace { return "-" }
            return character.isLetter || character.isNumber || character == "-" || character == "_" ? character : nil
        })
        if slug.isEmpty { slug = "section" }
        var id = slug
        var number = 1
        while used.contains(id) {
            id = "\(slug)-\(number)"
            number += 1
        }
        used.insert(id)
        return id
    }
}
