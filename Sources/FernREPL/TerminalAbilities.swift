import Foundation
import Glibc

/// What the terminal on standard output can show, found once when the prompt starts: whether it
/// is a terminal at all, which picture protocol it speaks, its size in cells and a cell's size in pixels.
public struct TerminalAbilities: Equatable, Sendable {
    /// Standard output is a terminal that can take escape sequences (not a pipe, a file or TERM=dumb).
    public var isTerminal: Bool
    /// The best picture protocol it answers to; nil where it draws symbols only.
    public var pixels: TerminalGraphics?
    public var trueColor: Bool
    public var columns: Int
    public var rows: Int
    public var cell: CellSize

    public init(isTerminal: Bool, pixels: TerminalGraphics?, trueColor: Bool = true,
                columns: Int = 80, rows: Int = 24, cell: CellSize = .typical) {
        (self.isTerminal, self.pixels, self.trueColor) = (isTerminal, pixels, trueColor)
        (self.columns, self.rows, self.cell) = (columns, rows, cell)
    }

    /// Neither pixels nor symbols: paths only.
    public static let none = TerminalAbilities(isTerminal: false, pixels: nil)

    /// Detects the terminal on `output`: from the environment, then, where that does not settle
    /// the protocol, by asking the terminal (kitty's graphics query and the primary device
    /// attributes, whose 4 means sixels) with a short timeout.
    /// `asking` false skips the question (tests; a terminal known from the environment).
    public static func detect(output: Int32 = STDOUT_FILENO, input: Int32 = STDIN_FILENO,
                              environment: [String: String] = ProcessInfo.processInfo.environment,
                              asking: Bool = true, queryTimeout: Duration = .milliseconds(250)) -> TerminalAbilities {
        guard isatty(output) == 1, isatty(input) == 1, canTakeEscapes(environment) else { return .none }
        var abilities = TerminalAbilities(isTerminal: true, pixels: pixelsFromEnvironment(environment),
                                          trueColor: trueColorFromEnvironment(environment))
        var size = winsize()
        if ioctl(output, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0, size.ws_row > 0 {
            (abilities.columns, abilities.rows) = (Int(size.ws_col), Int(size.ws_row))
            if size.ws_xpixel > 0, size.ws_ypixel > 0 {
                abilities.cell = CellSize(width: Int(size.ws_xpixel) / Int(size.ws_col), height: Int(size.ws_ypixel) / Int(size.ws_row))
            }
        }
        // Inside tmux or screen pictures are dropped unless wrapped for passthrough: symbols only.
        guard environment["TMUX"] == nil, !(environment["TERM"] ?? "").hasPrefix("screen") else {
            abilities.pixels = nil
            return abilities
        }
        guard asking else { return abilities }
        if let reply = TerminalQuery.askControllingTerminal(TerminalQuery.abilitiesQuestion, timeout: queryTimeout) {
            let answer = TerminalQuery.Answer(parsing: reply)
            if abilities.pixels == nil { abilities.pixels = answer.kitty ? .kitty : answer.sixel ? .sixel : nil }
            if let cell = answer.cell, size.ws_xpixel == 0 { abilities.cell = cell }
        }
        return abilities
    }

    /// False for TERM=dumb and an unset TERM: no colour, no cursor movement.
    static func canTakeEscapes(_ environment: [String: String]) -> Bool {
        guard let term = environment["TERM"], !term.isEmpty else { return false }
        return term != "dumb"
    }

    /// Protocols a terminal announces through its environment.
    static func pixelsFromEnvironment(_ environment: [String: String]) -> TerminalGraphics? {
        let term = environment["TERM"] ?? "", program = environment["TERM_PROGRAM"] ?? ""
        if environment["KITTY_WINDOW_ID"] != nil || term == "xterm-kitty" || term == "xterm-ghostty" || program == "ghostty" {
            return .kitty
        }
        if environment["KONSOLE_VERSION"] != nil { return .kitty }
        if program == "iTerm.app" || program == "WezTerm" || environment["WEZTERM_EXECUTABLE"] != nil { return .iterm2 }
        if term.hasPrefix("mlterm") || environment["MLTERM"] != nil { return .sixel }
        if term.hasPrefix("foot") || environment["WT_SESSION"] != nil { return .sixel }
        return nil
    }

    static func trueColorFromEnvironment(_ environment: [String: String]) -> Bool {
        if let colors = environment["COLORTERM"], colors == "truecolor" || colors == "24bit" { return true }
        let term = environment["TERM"] ?? ""
        // Terminals old enough to lack 24-bit colour say so by their names.
        return !(term == "linux" || term == "vt100" || term.hasPrefix("vt2") || term == "xterm-color")
    }
}

/// A question written to the controlling terminal and its answer read back in raw mode.
enum TerminalQuery {
    /// kitty's graphics query (a 1x1 image it only checks), the text area's cell size (CSI 16 t),
    /// and the primary device attributes, which every terminal answers, so the reply ends there.
    static let abilitiesQuestion = "\u{1B}_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\u{1B}\\" + "\u{1B}[16t" + "\u{1B}[c"

    /// What the terminal said to `abilitiesQuestion`.
    struct Answer: Equatable {
        var kitty = false
        var sixel = false
        var cell: CellSize?

        init(parsing reply: String) {
            kitty = reply.contains("\u{1B}_Gi=31;OK")
            if let range = reply.range(of: #"\x1B\[6;(\d+);(\d+)t"#, options: .regularExpression) {
                let numbers = reply[range].dropFirst(4).dropLast().split(separator: ";").compactMap { Int($0) }
                if numbers.count == 2, numbers[0] > 0, numbers[1] > 0 { cell = CellSize(width: numbers[1], height: numbers[0]) }
            }
            if let range = reply.range(of: #"\x1B\[\?[0-9;]*c"#, options: .regularExpression) {
                sixel = reply[range].dropFirst(3).dropLast().split(separator: ";").contains("4")
            }
        }
    }

    /// Asks the process's controlling terminal (/dev/tty); nil when it has none.
    static func askControllingTerminal(_ question: String, timeout: Duration) -> String? {
        let fd = open("/dev/tty", O_RDWR | O_NOCTTY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return ask(question, on: fd, timeout: timeout)
    }

    /// Writes `question` to the terminal `fd` and reads, with echo and line editing off, until the
    /// device attributes' closing `c` or `timeout`. Nil when it said nothing.
    static func ask(_ question: String, on fd: Int32, timeout: Duration) -> String? {
        var saved = termios()
        guard tcgetattr(fd, &saved) == 0 else { return nil }
        var raw = saved
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO)
        guard tcsetattr(fd, TCSANOW, &raw) == 0 else { return nil }
        defer { tcsetattr(fd, TCSANOW, &saved) }
        guard write(fd, question, question.utf8.count) == question.utf8.count else { return nil }
        var reply = [UInt8]()
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let left = deadline - ContinuousClock.now
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let milliseconds = Int32(max(1, left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000))
            guard poll(&poller, 1, milliseconds) > 0 else { break }
            var chunk = [UInt8](repeating: 0, count: 256)
            let count = read(fd, &chunk, chunk.count)
            guard count > 0 else { break }
            reply += chunk[0..<count]
            let text = String(decoding: reply, as: UTF8.self)
            if text.range(of: #"\x1B\[\?[0-9;]*c"#, options: .regularExpression) != nil { return text }
        }
        return reply.isEmpty ? nil : String(decoding: reply, as: UTF8.self)
    }
}
