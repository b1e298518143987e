/// The look shared by every plot: font sizes, line widths and neutral colors,
/// in figure units (pixels at scale 1). Sizes follow matplotlib's defaults at
/// 100 dpi, so a 640x480 figure looks like `plt.figure()` output.
enum Theme {
    static let fontFamily = "DejaVu Sans"

    static let figureTitleSize = 16.0
    static let titleSize = 13.0
    static let labelSize = 12.0
    static let tickSize = 10.5
    static let annotationSize = 10.5
    static let captionSize = 10.5
    static let legendSize = 10.5
    /// Captions and cell values shrink to fit, but never below this.
    static let smallestTextSize = 6.0

    static let text = Color(rgb: 0x222222)
    static let spine = Color(rgb: 0x333333)
    static let grid = Color(rgb: 0xd9d9d9)
    static let legendBorder = Color(rgb: 0xcccccc)

    static let spineWidth = 0.8
    static let gridWidth = 0.8
    static let lineWidth = 1.8
    static let markerRadius = 3.0
    static let tickLength = 3.5
    /// Space between a tick and its label, and between stacked labels.
    static let padding = 4.0
    /// Empty border around every panel.
    static let panelMargin = 8.0
    /// Room aimed at per tick interval along a horizontal axis (labels side
    /// by side) and a vertical one (labels stacked).
    static let xTickSpacing = 70.0
    static let yTickSpacing = 45.0
    /// Fraction of the data span added beyond the data on continuous axes.
    static let dataMargin = 0.05
}
