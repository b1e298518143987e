import Foundation
import Testing
@testable import FernPlot

/// Histograms: bins from the data, bars as tall as the counts, errors.
@Suite struct HistogramTests {
    @Test func binsSpanTheDataAndTheLastBinIncludesItsUpperEdge() throws {
        let histogram = try Histogram(values: [0, 0.5, 1, 1, 2, .nan], bins: 2)
        #expect(histogram.edges == [0, 1, 2])
        #expect(histogram.counts == [2, 3])
    }

    @Test func valuesOutsideAGivenRangeAreNotCounted() throws {
        let histogram = try Histogram(values: [-5, 0.1, 0.2, 0.9, 7], bins: 4, range: 0...1)
        #expect(histogram.edges == [0, 0.25, 0.5, 0.75, 1])
        #expect(histogram.counts == [2, 0, 0, 1])
    }

    @Test func barsAreAsTallAsTheirCounts() throws {
        let folder = try TemporaryFolder()
        let histogram = try Histogram(values: [0, 0.5, 1, 1, 2], bins: 2)
        let png = try renderPNG(Figure(width: 400, height: 300, panels: [histogram]), to: folder.path("histogram.png"))
        let color = Pixel(histogram.color)
        let bars = png.runs(alongX: true) { $0 == color }
        try #require(bars.count == 2)
        let heights = try bars.map { try #require(png.boundingBox(of: color, in: (x: $0, y: 0..<png.height))).y.count }
        #expect(abs(Double(heights[1]) / Double(heights[0]) - 1.5) < 0.03)
    }

    @Test func noBinsOrNoFiniteValuesAreErrors() {
        #expect(throws: PlotError("histogram: bins must be positive (got 0)")) { try Histogram(values: [1], bins: 0) }
        #expect(throws: PlotError("histogram: no finite values to count")) { try Histogram(values: [.nan]) }
    }
}
