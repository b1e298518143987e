import FernLang
import FernTestSupport
import Foundation
import Testing
@testable import FernREPL

/// Figures at the prompt: saved and their path printed always; drawn below the line only where
/// the terminal can draw, in the mode `:display` chose.
@Suite struct FigureDisplayTests {
    final class Screen: @unchecked Sendable {
        var bytes: [UInt8] = []
        var output: [String] = []
        var errors: [String] = []
    }

    static func session(terminal: TerminalAbilities, mode: DisplayMode, folder: TemporaryFolder) -> (Session, Screen) {
        let screen = Screen()
        let interpreter = Interpreter(output: { screen.output.append($0) })
        interpreter.display = Interpreter.saving(in: FigureFolder(path: folder.path("figures")))
        let display = FigureDisplay(mode: mode, terminal: terminal) { screen.bytes += $0 }
        let session = Session(interpreter: interpreter, figureDisplay: display,
                              out: { screen.output.append($0) }, error: { screen.errors.append($0) })
        return (session, screen)
    }

    static let sixelTerminal = TerminalAbilities(isTerminal: true, pixels: .sixel, columns: 100, rows: 40, cell: CellSize(width: 10, height: 20))

    @Test func aFigureValueIsDrawnAndItsPathPrinted() throws {
        let folder = try TemporaryFolder()
        let (session, screen) = Self.session(terminal: Self.sixelTerminal, mode: .inline, folder: folder)
        _ = session.handle("bar_chart([3, 1, 2], title=\"counts\")")
        #expect(screen.errors.isEmpty)
        #expect(screen.output == ["saved \(folder.path("figures/figure-1.png"))"])
        #expect(String(decoding: screen.bytes.prefix(2), as: UTF8.self) == "\u{1B}P")
        // 640x480 at 10x20 cells fits 99 columns whole: 64 x 24 cells, drawn at the figure's own pixels.
        #expect(try PictureDecoder.sixel(screen.bytes).width == 640)
    }

    @Test func showDrawsToo() throws {
        let folder = try TemporaryFolder()
        let (session, screen) = Self.session(terminal: Self.sixelTerminal, mode: .symbols, folder: folder)
        _ = session.handle("show(bar_chart([3, 1, 2]), name=\"counts\")")
        #expect(screen.output == ["\"\(folder.path("figures/counts.png"))\""] || screen.output == [folder.path("figures/counts.png")])
        let text = String(decoding: screen.bytes, as: UTF8.self)
        #expect(text.contains("\u{1B}[38;2;") && !text.contains("\u{1B}P"))
    }

    @Test func displayCommandSwitchesModes() throws {
        let folder = try TemporaryFolder()
        let (session, screen) = Self.session(terminal: Self.sixelTerminal, mode: .inline, folder: folder)
        _ = session.handle(":display path")
        #expect(screen.output.last?.hasPrefix("display: path — paths only") == true)
        _ = session.handle("bar_chart([1, 2])")
        #expect(screen.bytes.isEmpty)
        #expect(screen.output.last == "saved \(folder.path("figures/figure-1.png"))")
        _ = session.handle(":display")
        #expect(screen.output.last?.hasPrefix("display: path") == true)
        _ = session.handle(":display inline")
        #expect(screen.output.last == "display: inline — pixels through the sixel protocol; :display inline|symbols|path changes it")
        _ = session.handle(":display sixels")
        #expect(screen.errors.last == "error: :display: unknown display 'sixels'; choose inline, symbols, path")
    }

    @Test func noTerminalMeansNoEscapesInAnyMode() throws {
        let folder = try TemporaryFolder()
        for mode in DisplayMode.allCases {
            let (session, screen) = Self.session(terminal: .none, mode: mode, folder: folder)
            _ = session.handle("bar_chart([1, 2])")
            #expect(screen.bytes.isEmpty)
            #expect(screen.output.last?.hasPrefix("saved ") == true)
        }
    }
}
