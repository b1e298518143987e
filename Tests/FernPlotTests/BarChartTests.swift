import Foundation
import Testing
@testable import FernPlot

/// Bar charts: bars in the palette color where their values put them, value labels, errors.
@Suite struct BarChartTests {
    let folder: TemporaryFolder
    let barColor = Pixel(Color.palette(0))

    init() throws {
        folder = try TemporaryFolder()
    }

    func render(_ chart: BarChart, name: String) throws -> DecodedPNG {
        try renderPNG(Figure(width: 400, height: 300, panels: [chart]), to: folder.path(name))
    }

    /// Length of the run of bar-colored pixels through the middle of each bar.
    func barLengths(_ png: DecodedPNG, bars: [Range<Int>], vertical: Bool) -> [Int] {
        bars.map { bar in
            let middle = (bar.lowerBound + bar.upperBound) / 2
            let line = vertical ? (0..<png.height).map { png[middle, $0] } : (0..<png.width).map { png[$0, middle] }
            return line.filter { $0 == barColor }.count
        }
    }

    @Test func verticalBarsHaveThePaletteColorAndHeightsProportionalToValues() throws {
        let png = try render(BarChart(labels: ["angry", "disgust", "fear"], values: [10, 2, 7]), name: "bars.png")
        let bars = png.runs(alongX: true) { $0 == barColor }
        try #require(bars.count == 3)
        let heights = barLengths(png, bars: bars, vertical: true)
        #expect(abs(Double(heights[0]) / Double(heights[2]) - 10.0 / 7) < 0.03)
        #expect(abs(Double(heights[0]) / Double(heights[1]) - 5) < 0.3)
        // Bars are equally wide and equally spaced.
        #expect(Set(bars.map(\.count)).count == 1)
        #expect(abs((bars[1].lowerBound - bars[0].lowerBound) - (bars[2].lowerBound - bars[1].lowerBound)) <= 1)

        let tall = try #require(png.boundingBox(of: barColor, in: (x: bars[0], y: 0..<png.height)))
        let middleY = (tall.y.lowerBound + tall.y.upperBound) / 2
        #expect(png[(bars[0].lowerBound + bars[0].upperBound) / 2, middleY] == barColor)
        let gap = (bars[0].upperBound + bars[1].lowerBound) / 2
        #expect(png[gap, middleY] != barColor)
        #expect(png[gap, middleY].red > 200)
    }

    @Test func valueLabelsSitJustAboveEachBar() throws {
        let png = try render(BarChart(labels: ["a", "b"], values: [4772, 436]), name: "labels.png")
        for bar in png.runs(alongX: true, where: { $0 == barColor }) {
            let top = try #require(png.boundingBox(of: barColor, in: (x: bar, y: 0..<png.height))).y.lowerBound
            let above = png.boundingBox(of: Pixel(Theme.text), tolerance: 60, in: (x: bar, y: max(0, top - 18)..<top))
            #expect(above != nil)
        }
    }

    @Test func horizontalBarsPutTheFirstCategoryOnTop() throws {
        let png = try render(BarChart(labels: ["angry", "disgust", "fear"], values: [10, 2, 7], horizontal: true), name: "h.png")
        let bars = png.runs(alongX: false) { $0 == barColor }
        try #require(bars.count == 3)
        let widths = barLengths(png, bars: bars, vertical: false)
        #expect(widths[0] > widths[2] && widths[2] > widths[1])
        #expect(abs(Double(widths[0]) / Double(widths[2]) - 10.0 / 7) < 0.03)
    }

    @Test func mismatchedEmptyOrNonFiniteValuesAreErrors() {
        #expect(throws: PlotError("bar chart: 3 labels but 2 values")) { try BarChart(labels: ["a", "b", "c"], values: [1, 2]) }
        #expect(throws: PlotError("bar chart: no bars to draw")) { try BarChart(labels: [], values: []) }
        #expect(throws: PlotError("bar chart: value nan for 'b' is not a finite number")) {
            try BarChart(labels: ["a", "b"], values: [1, .nan])
        }
    }
}
