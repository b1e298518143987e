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
