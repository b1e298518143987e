import Foundation

/// Standard output and error for the prompt, flushed line by line so that
/// values, printed text and errors appear in the order they happen.
enum Console {
    static func out(_ text: String) {
        print(text)
        fflush(nil)
    }

    static func error(_ text: String) {
        fflush(nil)
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
