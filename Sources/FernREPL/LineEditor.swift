@preconcurrency import CReadline
import Glibc

/// GNU readline behind a small interface: one line per call with editing,
/// history (kept in a file across sessions, searched with Ctrl-R) and tab
/// completion. The only file that touches readline.
///
/// readline installs no signal handlers of its own (`rl_catch_signals = 0`)
/// and reads keys through `nextKey`, which waits on standard input and on
/// the Ctrl-C pipe (see `Interrupts`) together: a Ctrl-C while typing
/// marks the line `^C`, ends it, and `readLine` returns `.interrupted`.
final class LineEditor {
    enum Input: Equatable {
        case line(String)
        /// Ctrl-C: the line was abandoned.
        case interrupted
        /// Ctrl-D on an empty line, or standard input closed.
        case endOfInput
    }

    /// The most lines kept in memory and in the history file.
    static let historyLimit: Int32 = 2000

    private let historyPath: String?
    private var lastHistoryLine: String?

    /// `completer` maps the line and the cursor (a UTF-8 offset) to the
    /// candidates for the word before the cursor.
    init(historyPath: String?, completer: @escaping (String, Int) -> Completions) {
        self.historyPath = historyPath
        completionProvider = completer
        rl_readline_name = UnsafePointer(strdup("fern"))
        rl_catch_signals = 0
        rl_catch_sigwinch = 0 // the size is read again before each line instead
        rl_getc_function = { stream in LineEditor.nextKey(stream.map(fileno) ?? 0) }
        // Everything that can end a word of Fern code (not '.', so `ds.im` stays one word).
        rl_completer_word_break_characters = UnsafePointer(strdup(" \t\n\"'`()[]{},;:+-*/%@=<>!&|"))
        rl_attempted_completion_function = { _, start, end in
            LineEditor.attemptCompletion(start: Int(start), end: Int(end))
        }
        stifle_history(LineEditor.historyLimit)
        if let historyPath {
            _ = read_history(historyPath)
            _ = history_truncate_file(historyPath, LineEditor.historyLimit)
            lastHistoryLine = history_get(history_base + history_length - 1).map { String(cString: $0.pointee.line) }
        }
    }

    /// Reads one line, showing `prompt`.
    func readLine(prompt: String) -> Input {
        lineAbandoned = false
        if rl_instream != nil { rl_reset_screen_size() } // nil until readline first starts
        let line = readline(prompt)
        defer { free(line) }
        if lineAbandoned { return .interrupted }
        return line.map { .line(String(cString: $0)) } ?? .endOfInput
    }

    /// readline's source of keys: the next byte of standard input, or, on
    /// Ctrl-C, a newline that ends the line after marking it abandoned. Should
    /// readline want more keys after that (it was asking "Display all
    /// possibilities?"), Ctrl-G (abort) and newline alternate until the line ends.
    private static func nextKey(_ descriptor: Int32) -> Int32 {
        let newline: Int32 = 10, abort: Int32 = 7
        if lineAbandoned {
            abandonedKeys += 1
            return abandonedKeys % 2 == 1 ? abort : newline
        }
        while true {
            if Interrupts.isPending {
                Interrupts.clear()
                lineAbandoned = true
                abandonedKeys = 0
                rl_point = rl_end
                rl_redisplay()
                print("^C", terminator: "")
                fflush(nil)
                return newline
            }
            var descriptors = [pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0),
                               pollfd(fd: Interrupts.wakeDescriptor, events: Int16(POLLIN), revents: 0)]
            let ready = poll(&descriptors, nfds_t(descriptors.count), -1)
            if ready < 0 && errno != EINTR { return EOF }
            guard ready > 0, descriptors[0].revents != 0, !Interrupts.isPending else { continue }
            var byte: UInt8 = 0
            let count = read(descriptor, &byte, 1)
            if count == 1 { return Int32(byte) }
            if count == 0 || errno != EINTR { return EOF }
        }
    }

    /// Adds a line to the history and appends it to the history file,
    /// skipping blank lines and repeats of the previous line.
    func addToHistory(_ line: String) {
        guard !line.allSatisfy(\.isWhitespace), line != lastHistoryLine else { return }
        lastHistoryLine = line
        add_history(line)
        guard let historyPath else { return }
        if append_history(1, historyPath) != 0 { _ = write_history(historyPath) }
    }

    /// readline's completion hook: asks the completer, converts its
    /// candidates to replacements of readline's own word (`start..<end`),
    /// and returns them as the malloc'ed array readline frees.
    private static func attemptCompletion(start: Int, end: Int) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
        rl_attempted_completion_over = 1 // never fall back to readline's file names
        guard let provider = completionProvider, let buffer = rl_line_buffer else { return nil }
        let line = String(cString: buffer)
        let completions = provider(line, Int(rl_point))
        let bytes = Array(line.utf8)
        guard !completions.candidates.isEmpty, completions.start <= end, end <= bytes.count else { return nil }
        // Rebase each candidate from the completer's word start onto readline's.
        func rebased(_ text: String) -> String? {
            var candidate = Array(text.utf8)
            if completions.start < start {
                let typed = bytes[completions.start..<start]
                guard candidate.starts(with: typed) else { return nil }
                candidate.removeFirst(typed.count)
            } else {
                candidate = Array(bytes[start..<completions.start]) + candidate
            }
            return String(decoding: candidate, as: UTF8.self)
        }
        let matches = completions.candidates.compactMap { candidate in rebased(candidate.text).map { ($0, candidate.suffix) } }
        guard !matches.isEmpty else { return nil }
        rl_filename_completion_desired = completions.arePaths ? 1 : 0 // lists show file names only
        rl_filename_quoting_desired = 0
        rl_completion_suppress_append = 1
        let texts: [String]
        if matches.count == 1 {
            texts = [matches[0].0 + matches[0].1]
        } else {
            texts = [commonPrefix(matches.map(\.0))] + matches.map(\.0)
        }
        guard let raw = malloc((texts.count + 1) * MemoryLayout<UnsafeMutablePointer<CChar>?>.stride) else { return nil }
        let result = raw.bindMemory(to: UnsafeMutablePointer<CChar>?.self, capacity: texts.count + 1)
        for (i, text) in texts.enumerated() { result[i] = strdup(text) }
        result[texts.count] = nil
        return result
    }

    /// The longest prefix, in whole characters, that all texts share.
    private static func commonPrefix(_ texts: [String]) -> String {
        guard var prefix = texts.first else { return "" }
        for text in texts.dropFirst() {
            prefix = String(zip(prefix, text).prefix { $0 == $1 }.map(\.0))
        }
        return prefix
    }
}

/// State for readline's C callbacks, which cannot capture context. Only
/// the main thread, which runs the prompt, touches it.
private nonisolated(unsafe) var lineAbandoned = false
private nonisolated(unsafe) var abandonedKeys = 0
private nonisolated(unsafe) var completionProvider: ((String, Int) -> Completions)?
