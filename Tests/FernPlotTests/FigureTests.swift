import FernTensor
import Foundation
import FoundationXML
import Testing
@testable import FernPlot

/// Figures: size and scale, grid layout, PNG and SVG files, atomic writes, errors.
@Suite struct FigureTests {
    let folder: TemporaryFolder

    init() throws {
        folder = try TemporaryFolder()
    }

    func classCounts() throws -> BarChart {
        try BarChart(labels: ["angry", "disgust", "fear"], values: [3995, 436, 4097], title: "images per class")
    }

    @Test func pngHasTheFigureSizeTimesTheScale() throws {
        let png = try renderPNG(Figure(width: 320, height: 200, scale: 2, panels: [classCounts()]), to: folder.path("bars.png"))
        #expect(png.width == 640)
        #expect(png.height == 400)
        #expect(png.distinctColors > 20)
        #expect(png.inkedFraction > 0.05)
    }

    @Test func panelsFillTheGridRowByRow() throws {
        let red = Color(red: 1, green: 0, blue: 0), blue = Color(red: 0, green: 0, blue: 1)
        var left = try classCounts(), right = try classCounts()
        left.colors = [red]
        right.colors = [blue]
        let png = try renderPNG(Figure(width: 600, height: 240, columns: 2, panels: [left, right]), to: folder.path("two.png"))
        let redBars = try #require(png.boundingBox(of: Pixel(red)))
        let blueBars = try #require(png.boundingBox(of: Pixel(blue)))
        #expect(redBars.x.upperBound <= 300)
        #expect(blueBars.x.lowerBound >= 300)
    }

    @Test func titleIsDrawnAboveThePanelsWhichMoveDown() throws {
        let bars = try BarChart(labels: ["a", "b"], values: [1, 2])
        let plain = try renderPNG(Figure(width: 300, height: 200, panels: [bars]), to: folder.path("plain.png"))
        let titled = try renderPNG(Figure(width: 300, height: 200, title: "Class counts", panels: [bars]), to: folder.path("titled.png"))
        let barColor = Pixel(Color.palette(0))
        let plainTop = try #require(plain.boundingBox(of: barColor)).y.lowerBound
        let titledTop = try #require(titled.boundingBox(of: barColor)).y.lowerBound
        #expect(titledTop > plainTop + 10)
        let title = try #require(titled.boundingBox(of: Pixel(Theme.text), tolerance: 40, in: (x: 0..<300, y: 0..<30)))
        #expect(abs((title.x.lowerBound + title.x.upperBound) / 2 - 150) <= 3)
    }

    @Test func svgNameWritesWellFormedSVGWithShapesTextAndImages() throws {
        let face = try ImagePanel(cartoonFace(smile: 1), title: "happy")
        let path = folder.path("figure.svg")
        try Figure(width: 500, height: 250, columns: 2, panels: [classCounts(), face]).save(to: path)
        let collector = ElementCollector()
        let parser = try #require(XMLParser(contentsOf: URL(fileURLWithPath: path)))
        parser.delegate = collector
        #expect(parser.parse())
        #expect(collector.names.first == "svg")
        #expect(collector.names.contains("path"))
        #expect(collector.names.contains("use") || collector.names.contains("text"))
        #expect(collector.names.contains("image"))
    }

    @Test func savingReplacesTheFileAndLeavesNoTemporaryFile() throws {
        let path = folder.path("plot.png")
        try Data("old".utf8).write(to: URL(fileURLWithPath: path))
        try Figure(panels: [classCounts()]).save(to: path)
        #expect(folder.contents == ["plot.png"])
        #expect(try DecodedPNG(path: path).width == 640)
    }

    @Test func savingCreatesMissingFolders() throws {
        try Figure(panels: [classCounts()]).save(to: folder.path("report/figures/bars.png"))
        #expect(FileManager.default.fileExists(atPath: folder.path("report/figures/bars.png")))
    }

    @Test func unwritablePathIsAnErrorNamingThePath() throws {
        try Data("a file, not a folder".utf8).write(to: URL(fileURLWithPath: folder.path("blocker")))
        let path = folder.path("blocker/plot.png")
        let error = #expect(throws: PlotError.self) { try Figure(panels: [classCounts()]).save(to: path) }
        #expect(error?.message.hasPrefix("figure: cannot write \(path)") == true)
        #expect(folder.contents == ["blocker"])
    }

    @Test func badSizesAndOverfullGridsAreErrors() throws {
        #expect(throws: PlotError("figure: size 0x480 must be positive")) { try Figure(width: 0) }
        #expect(throws: PlotError("figure: scale -1.0 must be a positive number")) { try Figure(scale: -1) }
        #expect(throws: PlotError.self) { try Figure(width: 20000, scale: 2) }
        #expect(throws: PlotError("figure: all 1x1 cells are taken; make the figure with more rows or columns")) {
            try Figure(panels: [classCounts(), classCounts()])
        }
        #expect(throws: PlotError("figure: nothing to draw; add a panel first")) { try Figure().pngData() }
    }
}

/// Records the names of the elements an XML parser meets, in order.
final class ElementCollector: NSObject, XMLParserDelegate {
    var names: [String] = []

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        names.append(elementName)
    }
}
