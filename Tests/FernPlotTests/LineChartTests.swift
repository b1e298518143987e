import Foundation
import Testing
@testable import FernPlot

/// Line charts: series in palette colors at their values, legends out of the data's way, gaps, errors.
@Suite struct LineChartTests {
    let folder: TemporaryFolder

    init() throws {
        folder = try TemporaryFolder()
    }

    @Test func seriesAreDrawnInPaletteColorsAtTheirValues() throws {
        var chart = try LineChart(series: [Series(name: "train", y: [0.9, 0.9, 0.9, 0.9]),
                                           Series(name: "validation", y: [0.5, 0.5, 0.5, 0.5])])
        chart.showsLegend = false
        let png = try renderPNG(Figure(width: 400, height: 300, panels: [chart]), to: folder.path("lines.png"))
        let train = try #require(png.boundingBox(of: Pixel(Color.palette(0))))
        let validation = try #require(png.boundingBox(of: Pixel(Color.palette(1))))
        #expect(train.y.upperBound < validation.y.lowerBound)
        #expect(train.x.count > 250)
        #expect(abs(train.x.lowerBound - validation.x.lowerBound) <= 1)
    }

    @Test func legendGoesToTheCornerTheCurvesLeaveEmpty() {
        let area = CGRect(x: 0, y: 0, width: 300, height: 200), size = CGSize(width: 80, height: 40)
        // Screen y grows downwards: a falling loss curve runs from top left to bottom right.
        let falling = [CGPoint(x: 0, y: 0), CGPoint(x: 100, y: 150), CGPoint(x: 300, y: 190)]
        let rising = [CGPoint(x: 0, y: 200), CGPoint(x: 100, y: 50), CGPoint(x: 300, y: 10)]
        let high = [CGPoint(x: 0, y: 10), CGPoint(x: 300, y: 10)]
        #expect(Legend.bestCorner(for: size, in: area, avoiding: [falling]).origin == CGPoint(x: 220, y: 0))
        #expect(Legend.bestCorner(for: size, in: area, avoiding: [rising]).origin == CGPoint(x: 0, y: 0))
        #expect(Legend.bestCorner(for: size, in: area, avoiding: [high]).origin == CGPoint(x: 0, y: 160))
    }

    @Test func nonFiniteValuesSplitTheLineIntoRuns() throws {
        let series = try Series(name: "loss", y: [1, 2, .nan, 2, 1, .infinity])
        #expect(series.runs.map { $0.map(\.x) } == [[1, 2], [4, 5]])
    }

    @Test func emptyOrMismatchedSeriesAreErrors() {
        #expect(throws: PlotError("series 'loss': no values")) { try Series(name: "loss", y: []) }
        #expect(throws: PlotError("series 'loss': 2 x values but 3 y values")) { try Series(name: "loss", y: [1, 2, 3], x: [1, 2]) }
        #expect(throws: PlotError("line chart: no series to draw")) { try LineChart(series: []) }
        #expect(throws: PlotError("line chart: no finite values to draw")) { try LineChart(series: [Series(name: "loss", y: [.nan])]) }
    }
}
