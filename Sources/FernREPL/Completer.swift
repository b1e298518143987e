import Foundation

/// One way to finish the word before the cursor; `suffix` is added only
/// when it is the sole candidate (`(` after a function, `/` is part of a
/// folder's text, the closing quote after a file name).
struct Candidate: Equatable {
    var text: String
    var suffix = ""
}

/// The candidates for the word that starts at UTF-8 offset `start` and ends at the cursor.
struct Completions: Equatable {
    var start: Int
    var candidates: [Candidate]
    /// Whether the candidates are file paths (a list then shows just their last part).
    var arePaths = false

    static let none = Completions(start: 0, candidates: [])
}

/// Tab completion for the prompt, independent of readline: built-ins,
/// keywords and variables; members after `name.`; meta commands after `:`;
/// file paths inside a string literal and after `:load`.
struct Completer {
    /// A name that can be completed, and whether it is called (gets `(`).
    struct Name {
        var name: String
        var isFunction: Bool
    }

    /// Built-ins, keywords and variables, looked up at each completion.
    var names: () -> [Name]
    /// Member names of the variable with the given name (none when it has none).
    var members: (String) -> [String]
    var files = FileLister()

    static let keywords = ["and", "or", "not", "true", "false", "none", "def", "return", "for", "in", "if", "else"]

    func complete(_ line: String, cursor: Int) -> Completions {
        let bytes = Array(line.utf8)
        guard cursor >= 0, cursor <= bytes.count,
              let before = String(validating: bytes[..<cursor], as: UTF8.self) else { return .none }
        if before.drop(while: \.isWhitespace).hasPrefix(":") { return completeMeta(before) }
        return completeCode(before, offset: 0)
    }

    /// Completes the code in `before`, which starts at UTF-8 offset `offset` of the line.
    private func completeCode(_ before: String, offset: Int) -> Completions {
        let end = offset + before.utf8.count
        switch LineContext(endOf: before[...]) {
        case .comment:
            return .none
        case .string(let quote, let contentStart):
            let typed = String(before.utf8.dropFirst(contentStart))!
            return paths(typed, at: offset + contentStart, closing: String(quote))
        case .code:
            break
        }
        if before.allSatisfy({ $0 == " " || $0 == "\t" }) {
            return Completions(start: end, candidates: [Candidate(text: "    ")]) // Tab indents
        }
        let word = String(before.reversed().prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }.reversed())
        guard let first = word.first, !first.isNumber, first != "." else { return .none }
        if let dot = word.lastIndex(of: ".") {
            let base = String(word[..<dot])
            let partial = String(word[word.index(after: dot)...])
            let candidates = members(base).filter { $0.hasPrefix(partial) }.sorted().map { Candidate(text: $0) }
            return Completions(start: end - partial.utf8.count, candidates: candidates)
        }
        return Completions(start: end - word.utf8.count, candidates: names(startingWith: word))
    }

    private func names(startingWith prefix: String) -> [Candidate] {
        var seen: [String: Bool] = [:]
        for name in Completer.keywords where name.hasPrefix(prefix) { seen[name] = false }
        for name in names() where name.name.hasPrefix(prefix) { seen[name.name] = name.isFunction }
        return seen.keys.sorted().map { Candidate(text: $0, suffix: seen[$0]! ? "(" : "") }
    }

    /// Meta command names after `:`; then, per command, paths (`:load`),
    /// built-in names (`:help`) or code (`:time`).
    private func completeMeta(_ before: String) -> Completions {
        let colon = before.utf8.firstIndex(of: UInt8(ascii: ":"))!
        let afterColon = before.utf8.distance(from: before.utf8.startIndex, to: colon) + 1
        let rest = String(before[before.index(after: colon)...])
        guard let space = rest.firstIndex(where: \.isWhitespace) else {
            let candidates = MetaCommand.specs.filter { $0.name.hasPrefix(rest) }
                .map { Candidate(text: $0.name, suffix: $0.takesArgument ? " " : "") }
            return Completions(start: afterColon, candidates: candidates)
        }
        let argument = rest[space...].drop(while: \.isWhitespace)
        let argumentStart = before.utf8.count - argument.utf8.count
        switch MetaCommand.spec(named: String(rest[..<space]))?.name {
        case "load":
            return paths(String(argument), at: argumentStart, closing: "")
        case "help":
            let candidates = names().filter { $0.isFunction && $0.name.hasPrefix(argument) }.map(\.name)
            return Completions(start: argumentStart, candidates: Set(candidates).sorted().map { Candidate(text: $0) })
        case "time":
            return completeCode(String(argument), offset: argumentStart)
        default:
            return .none
        }
    }

    /// Files and folders whose path starts with `typed` (`~/` is the home folder).
    private func paths(_ typed: String, at start: Int, closing: String) -> Completions {
        let slash = typed.lastIndex(of: "/")
        let folder = slash.map { String(typed[...$0]) } ?? ""
        let partial = slash.map { String(typed[typed.index(after: $0)...]) } ?? typed
        let candidates = files.entries(in: folder)
            .filter { $0.name.hasPrefix(partial) && (partial.hasPrefix(".") || !$0.name.hasPrefix(".")) }
            .sorted { $0.name < $1.name }
            .map { Candidate(text: folder + $0.name + ($0.isFolder ? "/" : ""), suffix: $0.isFolder ? "" : closing) }
        return Completions(start: start, candidates: candidates, arePaths: true)
    }
}

/// Lists a folder for path completion.
struct FileLister {
    struct Entry {
        var name: String
        var isFolder: Bool
    }

    /// The entries of `folder` as typed (empty: the working folder; `~/...`: under home).
    func entries(in folder: String) -> [Entry] {
        var path = folder.isEmpty ? "." : folder
        if path == "~" || path.hasPrefix("~/") { path = NSHomeDirectory() + path.dropFirst() }
        let manager = FileManager.default
        guard let names = try? manager.contentsOfDirectory(atPath: path) else { return [] }
        return names.map { name in
            var isFolder: ObjCBool = false
            _ = manager.fileExists(atPath: (path as NSString).appendingPathComponent(name), isDirectory: &isFolder)
            return Entry(name: name, isFolder: isFolder.boolValue)
        }
    }
}
