import Foundation
import Testing
@testable import FernPlot

/// Annotated heatmaps (confusion matrices): cell colors, contrasting values, row normalization, errors.
@Suite struct HeatmapTests {
    let folder: TemporaryFolder

    init() throws {
        folder = try TemporaryFolder()
    }

    @Test func cellsHaveTheColormapColorOfTheirValue() throws {
        var heatmap = try Heatmap.confusionMatrix([[0, 3], [6, 9]], classNames: ["happy", "sad"])
        heatmap.showsColorBar = false
        let png = try renderPNG(Figure(width: 400, height: 400, panels: [heatmap]), to: folder.path("cells.png"))
        let cells = try [0.0, 1.0 / 3, 2.0 / 3, 1].map { fraction in
            try #require(png.boundingBox(of: Pixel(Colormap.viridis.color(at: fraction))))
        }
        // Row 0 on top, column 0 on the left; square cells of equal size.
        #expect(cells[0].x == cells[2].x && cells[1].x == cells[3].x)
        #expect(cells[0].y == cells[1].y && cells[2].y == cells[3].y)
        #expect(cells[0].x.upperBound <= cells[1].x.lowerBound && cells[0].y.upperBound <= cells[2].y.lowerBound)
        #expect(abs(cells[0].x.count - cells[0].y.count) <= 1 && cells[0].x.count > 100)
        for (cell, fraction) in zip(cells, [0.0, 1.0 / 3, 2.0 / 3, 1]) {
            // A quarter of the way in from the left edge, well away from the value in the middle.
            let probe = png[cell.x.lowerBound + cell.x.count / 4, (cell.y.lowerBound + cell.y.upperBound) / 2]
            #expect(probe.isClose(to: Pixel(Colormap.viridis.color(at: fraction))))
        }
    }

    @Test func valuesAreWhiteOnDarkCellsAndDarkOnLightCells() throws {
        var heatmap = try Heatmap(values: [[0, 9]])
        heatmap.showsColorBar = false
        let png = try renderPNG(Figure(width: 400, height: 250, panels: [heatmap]), to: folder.path("text.png"))
        let dark = try #require(png.boundingBox(of: Pixel(Colormap.viridis.color(at: 0))))
        let light = try #require(png.boundingBox(of: Pixel(Colormap.viridis.color(at: 1))))
        #expect(png.boundingBox(of: .white, tolerance: 30, in: dark) != nil)
        #expect(png.boundingBox(of: Pixel(Theme.text), tolerance: 60, in: light) != nil)
        #expect(png.boundingBox(of: .white, tolerance: 30, in: light) == nil)
    }

    @Test func rowNormalizationDividesEachRowByItsSum() throws {
        let heatmap = try Heatmap(values: [[8, 2], [0, 0], [1, 3]], normalizeRows: true)
        #expect(heatmap.shownValues == [[0.8, 0.2], [0, 0], [0.25, 0.75]])
    }

    @Test func colorBarShowsTheColormapBesideTheCells() throws {
        var heatmap = try Heatmap(values: [[0, 1], [2, 3]])
        heatmap.colormap = .turbo
        let png = try renderPNG(Figure(width: 400, height: 300, panels: [heatmap]), to: folder.path("bar.png"))
        let cells = try #require(png.boundingBox(of: Pixel(Colormap.turbo.color(at: 1))))
        // Right of the cells, a column holds many distinct colors of the colormap.
        let column = (cells.x.upperBound + 20..<png.width).map { x in Set((0..<png.height).map { png[x, $0] }).count }
        #expect((column.max() ?? 0) > 100)
    }

    @Test func emptyRaggedOrMislabelledMatricesAreErrors() {
        #expect(throws: PlotError("heatmap: the matrix is empty")) { try Heatmap(values: []) }
        #expect(throws: PlotError("heatmap: row 1 has 1 values but row 0 has 2")) { try Heatmap(values: [[1, 2], [3]]) }
        #expect(throws: PlotError("heatmap: 1 row labels for 2 rows")) { try Heatmap(values: [[1], [2]], rowLabels: ["a"]) }
        #expect(throws: PlotError("heatmap: values must be finite numbers")) { try Heatmap(values: [[.infinity]]) }
    }
}
