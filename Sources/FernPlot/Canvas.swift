import CCairo
import Foundation

/// Where panels draw: a Cairo context measured in figure units (the figure's
/// scale factor is applied underneath). This is the only file that calls Cairo.
///
/// Axis-aligned lines and filled rectangles are snapped to whole device pixels,
/// so spines, grid lines, bars and heatmap cells come out sharp and exactly
/// colored; images are scaled with nearest-neighbour sampling so small faces
/// keep crisp pixels. Text uses DejaVu Sans with gray anti-aliasing.
public final class Canvas {
    private let context: OpaquePointer
    private let format: Format
    /// Device pixels per figure unit (1 for SVG).
    let scale: Double

    private init(context: OpaquePointer, format: Format, scale: Double) {
        self.context = context
        self.format = format
        self.scale = scale
        cairo_select_font_face(context, Theme.fontFamily, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL)
        let options = cairo_font_options_create()
        cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY)
        // Unhinted metrics keep text widths, and so layouts, identical at every scale.
        cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
        cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_SLIGHT)
        cairo_set_font_options(context, options)
        cairo_font_options_destroy(options)
        cairo_set_line_join(context, CAIRO_LINE_JOIN_ROUND)
        cairo_set_line_cap(context, CAIRO_LINE_CAP_BUTT)
    }

    // MARK: Rendering a whole drawing

    enum Format: String { case png = "PNG", svg = "SVG" }

    /// Renders a white drawing of `width` x `height` figure units to PNG
    /// (`scale` device pixels per unit) or SVG bytes.
    static func render(_ format: Format, width: Double, height: Double, scale: Double,
                       draw: (Canvas) -> Void) throws -> Data {
        let sink = ByteSink()
        let closure = Unmanaged.passUnretained(sink).toOpaque()
        let surface: OpaquePointer = switch format {
        case .png: cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32((width * scale).rounded()), Int32((height * scale).rounded()))
        case .svg: cairo_svg_surface_create_for_stream(appendToSink, closure, width, height)
        }
        defer { cairo_surface_destroy(surface) }
        try check(cairo_surface_status(surface), "could not create the \(format.rawValue) surface")
        let context = cairo_create(surface)!
        defer { cairo_destroy(context) }
        let deviceScale = format == .png ? scale : 1
        cairo_scale(context, deviceScale, deviceScale)
        let canvas = Canvas(context: context, format: format, scale: deviceScale)
        canvas.fill(CGRect(x: 0, y: 0, width: width, height: height), color: .white)
        draw(canvas)
        try check(cairo_status(context), "drawing failed")
        switch format {
        case .png:
            try check(cairo_surface_write_to_png_stream(surface, appendToSink, closure), "could not encode the PNG")
        case .svg:
            cairo_surface_finish(surface)
            try check(cairo_surface_status(surface), "could not write the SVG")
        }
        return withExtendedLifetime(sink) { sink.data }
    }

    private static func check(_ status: cairo_status_t, _ what: String) throws {
        guard status == CAIRO_STATUS_SUCCESS else {
            throw PlotError("\(what): \(String(cString: cairo_status_to_string(status)))")
        }
    }

    // MARK: Shapes

    /// Fills a rectangle whose edges are snapped to device pixels.
    func fill(_ rect: CGRect, color: Color) {
        let snapped = snap(rect)
        cairo_rectangle(context, snapped.minX, snapped.minY, snapped.width, snapped.height)
        fill(color)
    }

    /// Outlines a rectangle with crisp lines.
    func stroke(_ rect: CGRect, color: Color, width: Double) {
        let left = crisp(rect.minX, width), right = crisp(rect.maxX, width)
        let top = crisp(rect.minY, width), bottom = crisp(rect.maxY, width)
        cairo_rectangle(context, left, top, right - left, bottom - top)
        stroke(color, width: crispWidth(width))
    }

    /// A straight line; horizontal and vertical ones are snapped to device pixels.
    func line(from start: CGPoint, to end: CGPoint, color: Color, width: Double) {
        var (start, end) = (start, end)
        let axisAligned = start.x == end.x || start.y == end.y
        if start.x == end.x { (start.x, end.x) = (crisp(start.x, width), crisp(end.x, width)) }
        if start.y == end.y { (start.y, end.y) = (crisp(start.y, width), crisp(end.y, width)) }
        cairo_move_to(context, start.x, start.y)
        cairo_line_to(context, end.x, end.y)
        stroke(color, width: axisAligned ? crispWidth(width) : width)
    }

    /// Connected line segments through `points`.
    func polyline(_ points: [CGPoint], color: Color, width: Double) {
        guard let first = points.first else { return }
        cairo_move_to(context, first.x, first.y)
        for point in points.dropFirst() { cairo_line_to(context, point.x, point.y) }
        stroke(color, width: width)
    }

    func fillCircle(center: CGPoint, radius: Double, color: Color) {
        cairo_new_sub_path(context)
        cairo_arc(context, center.x, center.y, radius, 0, 2 * Double.pi)
        fill(color)
    }

    private func fill(_ color: Color) {
        setSource(color)
        cairo_fill(context)
    }

    private func stroke(_ color: Color, width: Double) {
        setSource(color)
        cairo_set_line_width(context, width)
        cairo_stroke(context)
    }

    private func setSource(_ color: Color) {
        cairo_set_source_rgba(context, color.red, color.green, color.blue, color.alpha)
    }

    /// `rect` with its edges moved to the nearest device pixel boundaries.
    func snap(_ rect: CGRect) -> CGRect {
        func device(_ value: Double) -> Double { (value * scale).rounded() / scale }
        let left = device(rect.minX), top = device(rect.minY)
        return CGRect(x: left, y: top, width: device(rect.maxX) - left, height: device(rect.maxY) - top)
    }

    /// A line width that covers whole device pixels (at least one).
    private func crispWidth(_ width: Double) -> Double {
        max(1, (width * scale).rounded()) / scale
    }

    /// A line coordinate that puts a line of `width` exactly on device pixels:
    /// odd device widths are centred on a pixel, even ones on a boundary.
    private func crisp(_ value: Double, _ width: Double) -> Double {
        let deviceWidth = (crispWidth(width) * scale).rounded()
        let device = value * scale
        let snapped = deviceWidth.truncatingRemainder(dividingBy: 2) == 1 ? device.rounded(.down) + 0.5 : device.rounded()
        return snapped / scale
    }

    // MARK: Text

    enum HorizontalAlignment { case left, center, right }
    enum VerticalAlignment { case top, middle, bottom }

    /// Height of one line of text, baseline to baseline.
    func lineHeight(size: Double) -> Double {
        fontExtents(size: size).height
    }

    /// Width and height of `text` (lines separated by "\n").
    func measure(_ text: String, size: Double, bold: Bool = false) -> CGSize {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        selectFont(size: size, bold: bold)
        let width = lines.map { line -> Double in
            var extents = cairo_text_extents_t()
            cairo_text_extents(context, String(line), &extents)
            return extents.x_advance
        }.max() ?? 0
        return CGSize(width: width, height: Double(lines.count) * lineHeight(size: size))
    }

    /// The largest size up to `size` (and not below the theme's smallest) at
    /// which `text` fits in `width`.
    func fittingSize(_ text: String, size: Double, width: Double, bold: Bool = false) -> Double {
        let natural = measure(text, size: size, bold: bold).width
        guard natural > width, natural > 0 else { return size }
        return max(Theme.smallestTextSize, size * width / natural)
    }

    /// Draws `text` (lines separated by "\n") aligned to `point`; with an
    /// angle (radians, clockwise) the block turns around that point.
    func text(_ text: String, at point: CGPoint, size: Double, bold: Bool = false, color: Color = Theme.text,
              horizontal: HorizontalAlignment = .left, vertical: VerticalAlignment = .top, angle: Double = 0) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let font = fontExtents(size: size)
        selectFont(size: size, bold: bold)
        let blockHeight = Double(lines.count) * font.height
        var top: Double = switch vertical {
        case .top: 0
        case .middle: -blockHeight / 2
        case .bottom: -blockHeight
        }
        // Each line sits in the middle of its line box.
        let baselineInLine = (font.height + font.ascent - font.descent) / 2
        cairo_save(context)
        cairo_translate(context, point.x, point.y)
        cairo_rotate(context, angle)
        setSource(color)
        for line in lines {
            var extents = cairo_text_extents_t()
            cairo_text_extents(context, line, &extents)
            let x: Double = switch horizontal {
            case .left: 0
            case .center: -extents.x_advance / 2
            case .right: -extents.x_advance
            }
            cairo_move_to(context, x, top + baselineInLine)
            cairo_show_text(context, line)
            top += font.height
        }
        cairo_restore(context)
    }

    private func selectFont(size: Double, bold: Bool) {
        cairo_select_font_face(context, Theme.fontFamily, CAIRO_FONT_SLANT_NORMAL,
                               bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(context, size)
    }

    private func fontExtents(size: Double) -> cairo_font_extents_t {
        selectFont(size: size, bold: false)
        var extents = cairo_font_extents_t()
        cairo_font_extents(context, &extents)
        return extents
    }

    // MARK: Images

    /// Draws `raster` stretched over `rect` (snapped to device pixels) with
    /// nearest-neighbour sampling. SVG viewers smooth scaled images whatever
    /// the filter, so for SVG each pixel is first repeated to about its drawn size.
    func image(_ raster: Raster, in rect: CGRect) {
        let target = snap(rect)
        let repeats = format == .svg ? max(1, Int((target.width / Double(raster.width)).rounded(.up))) : 1
        let (width, height) = (raster.width * repeats, raster.height * repeats)
        let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(width), Int32(height))!
        defer { cairo_surface_destroy(surface) }
        guard cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS, let data = cairo_image_surface_get_data(surface) else { return }
        let stride = Int(cairo_image_surface_get_stride(surface))
        for y in 0..<height {
            let row = UnsafeMutableRawPointer(data + y * stride).assumingMemoryBound(to: UInt32.self)
            let source = (y / repeats) * raster.width
            for x in 0..<width { row[x] = raster.pixels[source + x / repeats] }
        }
        cairo_surface_mark_dirty(surface)
        cairo_save(context)
        cairo_translate(context, target.minX, target.minY)
        cairo_scale(context, target.width / Double(width), target.height / Double(height))
        cairo_set_source_surface(context, surface, 0, 0)
        cairo_pattern_set_filter(cairo_get_source(context), CAIRO_FILTER_NEAREST)
        cairo_pattern_set_extend(cairo_get_source(context), CAIRO_EXTEND_PAD)
        cairo_rectangle(context, 0, 0, Double(width), Double(height))
        cairo_fill(context)
        cairo_restore(context)
    }
}

/// Collects the bytes Cairo streams out.
private final class ByteSink {
    var data = Data()
}

private let appendToSink: cairo_write_func_t = { closure, bytes, length in
    guard let closure, let bytes else { return CAIRO_STATUS_WRITE_ERROR }
    Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue().data.append(bytes, count: Int(length))
    return CAIRO_STATUS_SUCCESS
}
