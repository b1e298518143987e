import CChafa
import FernPlot
import Foundation

/// How a terminal is told to draw a picture.
public enum TerminalGraphics: String, CaseIterable, Sendable {
    /// kitty's graphics protocol (kitty, konsole, WezTerm, ghostty): RGBA pixels in base64 chunks.
    case kitty
    /// iTerm2's inline images (iTerm2, WezTerm, mlterm, konsole): an image file in base64.
    case iterm2
    /// DEC sixels (xterm -ti vt340, mlterm, foot, konsole, Windows Terminal): a 256-colour palette.
    case sixel
    /// Unicode block and line symbols in 24-bit colour: any colour terminal, at a few dots per cell.
    case symbols

    var chafaPixelMode: ChafaPixelMode {
        switch self {
        case .kitty: CHAFA_PIXEL_MODE_KITTY
        case .iterm2: CHAFA_PIXEL_MODE_ITERM2
        case .sixel: CHAFA_PIXEL_MODE_SIXELS
        case .symbols: CHAFA_PIXEL_MODE_SYMBOLS
        }
    }
}

/// The size of a terminal's character cell in pixels.
public struct CellSize: Equatable, Sendable {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        (self.width, self.height) = (width, height)
    }

    /// What most terminals use at their default font when they do not say.
    public static let typical = CellSize(width: 10, height: 20)
}

/// Escape sequences that draw an image in a terminal, made by libchafa.
public enum TerminalPicture {
    /// The cells an image takes: its own size in pixels where that fits in `maxColumns` x `maxRows`,
    /// else scaled down with its aspect kept. Never less than one cell either way.
    public static func cells(for image: RGBAImage, cell: CellSize, maxColumns: Int, maxRows: Int) -> (columns: Int, rows: Int) {
        let naturalColumns = Double(image.width) / Double(cell.width)
        let naturalRows = Double(image.height) / Double(cell.height)
        let shrink = min(1, Double(max(1, maxColumns)) / naturalColumns, Double(max(1, maxRows)) / naturalRows)
        return (max(1, Int((naturalColumns * shrink).rounded())), max(1, Int((naturalRows * shrink).rounded())))
    }

    /// kitty's graphics protocol, written here rather than by libchafa: libchafa 1.12 (Debian 12)
    /// closes each 512-byte chunk's base64 with wrong low bits, so every 128th pixel's alpha
    /// arrives as 243. The PNG goes as it is (f=100: a tenth of the RGBA bytes) and kitty scales it
    /// to the cells; q=2 keeps kitty's replies out of the prompt's input.
    public static func kitty(png: Data, columns: Int, rows: Int) -> [UInt8] {
        let payload = Array(png.base64EncodedString().utf8)
        let chunkSize = 4096
        var bytes = [UInt8]()
        for start in stride(from: 0, to: max(payload.count, 1), by: chunkSize) {
            let end = min(start + chunkSize, payload.count)
            let more = end < payload.count ? 1 : 0
            let control = start == 0 ? "a=T,f=100,q=2,c=\(columns),r=\(rows),m=\(more)" : "m=\(more)"
            bytes += Array("\u{1B}_G\(control);".utf8) + payload[start..<end] + Array("\u{1B}\\".utf8)
        }
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    /// The bytes that draw `image` over `columns` x `rows` cells of `cell` pixels, as `graphics`.
    /// Pixel protocols get the image scaled to exactly the cells' pixels; `trueColor` false gives
    /// symbols in the 256-colour palette. The cursor ends on the line below the picture.
    public static func encode(_ image: RGBAImage, as graphics: TerminalGraphics, columns: Int, rows: Int,
                              cell: CellSize = .typical, trueColor: Bool = true) -> [UInt8] {
        let config = chafa_canvas_config_new()!
        defer { chafa_canvas_config_unref(config) }
        chafa_canvas_config_set_pixel_mode(config, graphics.chafaPixelMode)
        chafa_canvas_config_set_canvas_mode(config, trueColor ? CHAFA_CANVAS_MODE_TRUECOLOR : CHAFA_CANVAS_MODE_INDEXED_240)
        chafa_canvas_config_set_geometry(config, Int32(columns), Int32(rows))
        chafa_canvas_config_set_cell_geometry(config, Int32(cell.width), Int32(cell.height))
        // Plots are flat colours and thin lines: no dithering noise on them.
        chafa_canvas_config_set_dither_mode(config, CHAFA_DITHER_MODE_NONE)
        let canvas = chafa_canvas_new(config)!
        defer { chafa_canvas_unref(canvas) }
        image.bytes.withUnsafeBufferPointer { pixels in
            chafa_canvas_draw_all_pixels(canvas, CHAFA_PIXEL_RGBA8_UNASSOCIATED, pixels.baseAddress,
                                         Int32(image.width), Int32(image.height), Int32(image.width * 4))
        }
        // The fallback description knows every protocol's sequences; which one is used is ours to say.
        let termInfo = chafa_term_db_get_fallback_info(chafa_term_db_get_default())!
        defer { chafa_term_info_unref(termInfo) }
        let printed = chafa_canvas_print(canvas, termInfo)!
        defer { g_string_free(printed, 1) }
        var bytes = [UInt8](UnsafeRawBufferPointer(start: printed.pointee.str, count: Int(printed.pointee.len)))
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }
}
