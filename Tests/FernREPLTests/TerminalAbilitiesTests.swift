import Foundation
import Glibc
import Testing
@testable import FernREPL

@Suite struct TerminalAbilitiesTests {
    /// A pseudo-terminal: `terminal` is what a program writes to, `screen` what the terminal reads.
    struct PseudoTerminal {
        let terminal: Int32, screen: Int32
        init() throws {
            var (screen, terminal): (Int32, Int32) = (-1, -1)
            guard openpty(&screen, &terminal, nil, nil, nil) == 0 else { throw CocoaError(.fileNoSuchFile) }
            (self.screen, self.terminal) = (screen, terminal)
        }
        func close() { Glibc.close(terminal); Glibc.close(screen) }
    }

    @Test func aPipeGetsNoTerminalAbilitiesWhateverTheEnvironment() throws {
        var ends: [Int32] = [-1, -1]
        #expect(pipe(&ends) == 0)
        defer { ends.forEach { close($0) } }
        let abilities = TerminalAbilities.detect(output: ends[1], input: ends[1], environment: ["TERM": "xterm-kitty", "KITTY_WINDOW_ID": "1"])
        #expect(abilities == .none)
        #expect(FigureDisplay(mode: .inline, terminal: abilities).graphics == nil)
    }

    @Test func dumbAndUnsetTermGetNoEscapes() throws {
        let tty = try PseudoTerminal()
        defer { tty.close() }
        for environment in [["TERM": "dumb"], [:], ["TERM": ""]] {
            #expect(TerminalAbilities.detect(output: tty.terminal, input: tty.terminal, environment: environment) == .none)
        }
    }

    @Test func aTerminalsSizeComesFromTheKernel() throws {
        let tty = try PseudoTerminal()
        defer { tty.close() }
        var size = winsize(ws_row: 40, ws_col: 120, ws_xpixel: 1200, ws_ypixel: 960)
        #expect(ioctl(tty.terminal, UInt(TIOCSWINSZ), &size) == 0)
        let abilities = TerminalAbilities.detect(output: tty.terminal, input: tty.terminal,
                                                 environment: ["TERM": "xterm-kitty"], asking: false)
        #expect(abilities.isTerminal && abilities.pixels == .kitty)
        #expect(abilities.columns == 120 && abilities.rows == 40)
        #expect(abilities.cell == CellSize(width: 10, height: 24))
    }

    @Test func theEnvironmentNamesTheProtocol() {
        #expect(TerminalAbilities.pixelsFromEnvironment(["TERM": "xterm-kitty"]) == .kitty)
        #expect(TerminalAbilities.pixelsFromEnvironment(["TERM": "xterm-256color", "KONSOLE_VERSION": "221203"]) == .kitty)
        #expect(TerminalAbilities.pixelsFromEnvironment(["TERM": "xterm-256color", "TERM_PROGRAM": "iTerm.app"]) == .iterm2)
        #expect(TerminalAbilities.pixelsFromEnvironment(["TERM": "mlterm"]) == .sixel)
        #expect(TerminalAbilities.pixelsFromEnvironment(["TERM": "xterm"]) == nil)
    }

    @Test func insideTmuxOnlySymbols() throws {
        let tty = try PseudoTerminal()
        defer { tty.close() }
        let abilities = TerminalAbilities.detect(output: tty.terminal, input: tty.terminal,
                                                 environment: ["TERM": "tmux-256color", "TMUX": "/tmp/tmux-0/default,1,0", "KITTY_WINDOW_ID": "1"])
        #expect(abilities.isTerminal && abilities.pixels == nil)
        #expect(FigureDisplay(mode: .inline, terminal: abilities).graphics == .symbols)
        #expect(FigureDisplay(mode: .path, terminal: abilities).graphics == nil)
    }

    @Test func repliesOfRealTerminalsAreRead() {
        // xterm -ti vt340: DA1 lists 4 (sixels); CSI 16 t gives the cell as height;width.
        let xterm = TerminalQuery.Answer(parsing: "\u{1B}[6;17;9t\u{1B}[?63;1;2;4;6;9;15;16;22;28c")
        #expect(xterm.sixel && !xterm.kitty && xterm.cell == CellSize(width: 9, height: 17))
        // kitty answers the graphics query before DA1, which has no 4.
        let kitty = TerminalQuery.Answer(parsing: "\u{1B}_Gi=31;OK\u{1B}\\\u{1B}[6;20;10t\u{1B}[?62;c")
        #expect(kitty.kitty && !kitty.sixel)
        // xterm as a vt420 (its default): no sixels.
        #expect(!TerminalQuery.Answer(parsing: "\u{1B}[?64;1;2;6;9;15;16;17;18;21;22;28c").sixel)
        #expect(TerminalQuery.Answer(parsing: "garbage") == TerminalQuery.Answer(parsing: ""))
    }

    /// The question goes to the terminal and a sixel terminal's answer comes back through raw mode.
    @Test func theQueryIsAskedAndAnsweredOverARealTerminal() async throws {
        let tty = try PseudoTerminal()
        defer { tty.close() }
        let screen = tty.screen
        let answering = Thread {
            var asked = [UInt8]()
            var chunk = [UInt8](repeating: 0, count: 256)
            while !String(decoding: asked, as: UTF8.self).hasSuffix("\u{1B}[c") {
                let count = read(screen, &chunk, chunk.count)
                if count <= 0 { return }
                asked += chunk[0..<count]
            }
            let reply = "\u{1B}[6;16;8t\u{1B}[?63;1;4c"
            _ = write(screen, reply, reply.utf8.count)
        }
        answering.start()
        let reply = TerminalQuery.ask(TerminalQuery.abilitiesQuestion, on: tty.terminal, timeout: .seconds(5))
        let answer = TerminalQuery.Answer(parsing: reply ?? "")
        #expect(answer.sixel && answer.cell == CellSize(width: 8, height: 16))
    }

    @Test func aSilentTerminalTimesOut() throws {
        let tty = try PseudoTerminal()
        defer { tty.close() }
        #expect(TerminalQuery.ask("\u{1B}[c", on: tty.terminal, timeout: .milliseconds(100)) == nil)
    }

    @Test func displayModesParseAndUnknownOnesSayTheChoices() throws {
        #expect(try DisplayMode(parsing: "Symbols", source: "x") == .symbols)
        #expect(try DisplayMode.fromEnvironment(["FERN_DISPLAY": "path"]) == .path)
        #expect(try DisplayMode.fromEnvironment([:]) == nil)
        #expect(throws: DisplayError.self) { try DisplayMode.fromEnvironment(["FERN_DISPLAY": "sixels"]) }
        do {
            _ = try DisplayMode(parsing: "sixels", source: "FERN_DISPLAY")
        } catch {
            #expect("\(error)" == "FERN_DISPLAY: unknown display 'sixels'; choose inline, symbols, path")
        }
    }
}
