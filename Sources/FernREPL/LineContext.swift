/// Where the cursor is in a line of Fern code, for completion and for
/// noticing a string that can never be closed.
enum LineContext: Equatable {
    case code
    /// Inside a string literal opened with `quote`; its text starts at this UTF-8 offset.
    case string(quote: Character, contentStart: Int)
    case comment

    /// The context at the end of `text`, one line of Fern: strings are
    /// delimited by `"` or `'`, take backslash escapes and end at the line's end;
    /// `#` outside a string starts a comment.
    init(endOf text: Substring) {
        var context = LineContext.code
        var escaped = false
        var offset = 0
        for character in text {
            offset += character.utf8.count
            switch context {
            case .comment:
                self = .comment
                return
            case .string(let quote, _):
                if escaped {
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == quote {
                    context = .code
                }
            case .code:
                if character == "#" {
                    context = .comment
                } else if character == "\"" || character == "'" {
                    context = .string(quote: character, contentStart: offset)
                }
            }
        }
        self = context
    }
}
