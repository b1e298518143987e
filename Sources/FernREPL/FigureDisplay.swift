import FernPlot
import Foundation

/// How a shown figure appears where the user works.
public enum DisplayMode: String, CaseIterable, Sendable {
    /// In pixels where the terminal speaks a picture protocol, else in symbols.
    case inline
    /// In Unicode symbols and colour, whatever the terminal.
    case symbols
    /// Only the saved file's path.
    case path

    /// `FERN_DISPLAY`'s mode; nil when unset. An unknown value is an error naming the choices.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> DisplayMode? {
        guard let value = environment["FERN_DISPLAY"], !value.isEmpty else { return nil }
        return try DisplayMode(parsing: value, source: "FERN_DISPLAY")
    }

    public init(parsing text: String, source: String) throws {
        guard let mode = DisplayMode(rawValue: text.lowercased()) else {
            throw DisplayError("\(source): unknown display '\(text)'; choose \(DisplayMode.choices)")
        }
        self = mode
    }

    public static var choices: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

public struct DisplayError: Error, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// Draws saved figures in the terminal on standard output, as `mode` and the terminal's abilities allow.
public final class FigureDisplay: @unchecked Sendable {
    public var mode: DisplayMode
    public let terminal: TerminalAbilities
    private let write: ([UInt8]) -> Void

    public init(mode: DisplayMode, terminal: TerminalAbilities, write: @escaping ([UInt8]) -> Void = FigureDisplay.writeToStandardOutput) {
        (self.mode, self.terminal, self.write) = (mode, terminal, write)
    }

    /// What `mode` gives on this terminal: never pixels or symbols where it cannot take escapes.
    public var graphics: TerminalGraphics? {
        guard terminal.isTerminal else { return nil }
        switch mode {
        case .path: return nil
        case .symbols: return .symbols
        case .inline: return terminal.pixels ?? .symbols
        }
    }

    /// What `:display` prints: the mode and what it gives here.
    public var summary: String {
        let giving: String = switch graphics {
        case nil: terminal.isTerminal ? "paths only" : "paths only (standard output is not a terminal that can draw)"
        case .symbols?: "Unicode symbols" + (mode == .inline ? " (this terminal answers to no picture protocol)" : "")
        case let pixels?: "pixels through the \(pixels.rawValue) protocol"
        }
        return "display: \(mode.rawValue) — \(giving); :display inline|symbols|path changes it"
    }

    /// Draws the PNG at `path` below the current line, at most the terminal's width and nearly its height.
    public func draw(pngAt path: String) throws {
        guard let graphics else { return }
        let image = try RGBAImage(pngAt: path)
        let cells = TerminalPicture.cells(for: image, cell: terminal.cell,
                                          maxColumns: terminal.columns - 1, maxRows: max(4, terminal.rows - 3))
        if graphics == .kitty {
            write(TerminalPicture.kitty(png: try Data(contentsOf: URL(fileURLWithPath: path)), columns: cells.columns, rows: cells.rows))
        } else {
            write(TerminalPicture.encode(image, as: graphics, columns: cells.columns, rows: cells.rows,
                                         cell: terminal.cell, trueColor: terminal.trueColor))
        }
    }

    public static func writeToStandardOutput(_ bytes: [UInt8]) {
        fflush(nil)
        FileHandle.standardOutput.write(Data(bytes))
    }
}
