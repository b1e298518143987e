import FernTensor
import Foundation
import Testing
@testable import FernPlot

/// Image grids with captions and filter grids normalized per image.
@Suite struct ImageGridTests {
    let folder: TemporaryFolder

    init() throws {
        folder = try TemporaryFolder()
    }

    @Test func captionsAreWrittenBelowEachImage() throws {
        let constant = try Tensor(shape: [8, 8], scalars: [Float](repeating: 3, count: 64))
        let grid = try ImageGrid(images: [constant, constant, constant],
                                 captions: ["true: sad\npred: neutral", "true: happy\npred: happy", "true: fear\npred: sad"],
                                 colormap: .viridis)
        let png = try renderPNG(Figure(width: 600, height: 260, panels: [grid]), to: folder.path("grid.png"))
        // A constant image takes the middle of the colormap.
        let middle = Pixel(Colormap.viridis.color(at: 0.5))
        let images = png.runs(alongX: true) { $0 == middle }
        try #require(images.count == 3)
        for columns in images {
            let image = try #require(png.boundingBox(of: middle, in: (x: columns, y: 0..<png.height)))
            #expect(png.boundingBox(of: Pixel(Theme.text), tolerance: 60,
                                    in: (x: columns, y: image.y.upperBound..<min(png.height, image.y.upperBound + 30))) != nil)
            #expect(png.boundingBox(of: Pixel(Theme.text), tolerance: 60, in: (x: columns, y: 0..<image.y.lowerBound)) == nil)
        }
    }

    @Test func stackOfImagesIsSplitAlongItsFirstAxis() throws {
        let stack = try Tensor(shape: [5, 6, 6, 1], scalars: (0..<180).map(Float.init))
        let grid = try ImageGrid(stack: stack)
        #expect(grid.images.count == 5)
        #expect(grid.images[1].values == (36..<72).map(Float.init))
        #expect(throws: PlotError("image grid: expected a stack of images of shape [N, H, W] or [N, H, W, 1], got [5, 6, 6, 3]")) {
            try ImageGrid(stack: Tensor(shape: [5, 6, 6, 3], scalars: [Float](repeating: 0, count: 540)))
        }
    }

    @Test func captionCountMustMatchTheImages() throws {
        let image = try Tensor(shape: [2, 2], scalars: [0, 1, 2, 3])
        #expect(throws: PlotError("image grid: 1 captions for 2 images")) { try ImageGrid(images: [image, image], captions: ["one"]) }
        #expect(throws: PlotError("image grid: no images to show")) { try ImageGrid(images: []) }
    }

    @Test func firstLayerFiltersFormAnEightByEightGridEachNormalizedSeparately() throws {
        // Filter k ramps from k to k + 24 * (k + 1): its own scaling sends each ramp from black to white.
        var weights = [Float](repeating: 0, count: 5 * 5 * 64)
        for position in 0..<25 {
            for filter in 0..<64 { weights[position * 64 + filter] = Float(filter + position * (filter + 1)) }
        }
        let grid = try FilterGrid(filters: Tensor(shape: [5, 5, 1, 64], scalars: weights), colormap: .viridis)
        #expect(grid.grid.images.count == 64)
        let png = try renderPNG(Figure(width: 400, height: 400, panels: [grid]), to: folder.path("filters.png"))
        let lowest = Pixel(Colormap.viridis.color(at: 0)), highest = Pixel(Colormap.viridis.color(at: 1))
        #expect(png.runs(alongX: true) { $0 == lowest }.count == 8)
        #expect(png.runs(alongX: false) { $0 == lowest }.count == 8)
        #expect(png.runs(alongX: false) { $0 == highest }.count == 8)
    }

    /// A channel that is 0 everywhere (a ReLU dead for this input) is a pale crossed-out cell, not a
    /// flat square of the colormap's middle colour, and the title counts such channels.
    @Test func aConstantFeatureMapChannelIsCrossedOutAndCounted() throws {
        var values = [Float](repeating: 0, count: 4 * 4 * 3)
        for p in 0..<16 { (values[p * 3], values[p * 3 + 2]) = (Float(p), Float(15 - p)) }
        let grid = try FilterGrid(featureMaps: Tensor(shape: [1, 4, 4, 3], scalars: values), title: "conv2d")
        #expect(grid.grid.title == "conv2d: 1 of 3 channels constant (crossed out)")
        // Two columns: channels 0 and 1 on top, channel 2 below.
        let png = try renderPNG(Figure(width: 640, height: 640, panels: [grid]), to: folder.path("dead.png"))
        let cells = (x: 0..<png.width, y: 40..<png.height)  // below the title, whose anti-aliasing has pale grays too
        let pale = try #require(png.boundingBox(of: Pixel(ImageGrid.deadFill), tolerance: 0, in: cells))
        #expect(pale.x.lowerBound > png.width / 2 && pale.y.upperBound < png.height / 2 + 20, "\(pale)")
        #expect(pale.x.count > 200, "\(pale)")
        // Crossed: the cross's gray runs through the cell's centre (the search cut the cell's top edge by at most 12 rows).
        let (cx, cy) = (pale.x.lowerBound + pale.x.count / 2, pale.y.lowerBound + pale.y.count / 2)
        #expect(png.boundingBox(of: Pixel(ImageGrid.deadCross), tolerance: 40, in: (x: cx - 10..<cx + 10, y: cy - 10..<cy + 10)) != nil)
        // What a constant image used to be drawn as appears nowhere.
        #expect(png.boundingBox(of: Pixel(Colormap.viridis.color(at: 0.5)), tolerance: 0) == nil)
        let untitled = try FilterGrid(featureMaps: Tensor(shape: [1, 2, 2, 1], scalars: [1, 1, 1, 1]))
        #expect(untitled.grid.title == "1 of 1 channels constant (crossed out)")
        #expect(try FilterGrid(featureMaps: Tensor(shape: [1, 2, 2, 1], scalars: [1, 2, 3, 4]), title: "t").grid.title == "t")
    }

    @Test func featureMapsAreSplitByChannel() throws {
        let maps = try Tensor(shape: [1, 2, 2, 3], scalars: (0..<12).map(Float.init))
        let grid = try FilterGrid(featureMaps: maps)
        #expect(grid.grid.images.map(\.values) == [[0, 3, 6, 9], [1, 4, 7, 10], [2, 5, 8, 11]])
        #expect(throws: PlotError("filter grid: expected feature maps [1, H, W, C] or [H, W, C], got [2, 2, 2, 3]")) {
            try FilterGrid(featureMaps: Tensor(shape: [2, 2, 2, 3], scalars: [Float](repeating: 0, count: 24)))
        }
        #expect(throws: PlotError.self) { try FilterGrid(filters: Tensor(shape: [5, 5], scalars: [Float](repeating: 0, count: 25))) }
    }
}
