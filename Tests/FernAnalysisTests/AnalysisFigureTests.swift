import FernAnalysis
import FernNN
import FernPlot
import FernTensor
import FernTestSupport
import Testing

@Suite struct AnalysisFigureTests {
    @Test func saliencyFigureShowsImageMapAndOverlayInColor() throws {
        let folder = try TemporaryFolder()
        var generator = SeededGenerator(seed: 1)
        let images = try Tensor.randomUniform([2, 12, 12, 1], using: &generator)
        let maps = try Tensor.randomUniform([2, 12, 12], using: &generator)
        let figure = try AnalysisFigures.saliency(images: images, maps: maps, labels: [0, 3], predicted: [0, 4],
                                                  classNames: ["angry", "disgust", "fear", "happy", "sad"])
        let path = folder.path("saliency.png")
        try figure.save(to: path)
        let png = try DecodedPNG(path: path)
        #expect(png.width == figure.width && png.height == figure.height)
        #expect(png.inkedFraction > 0.2)
        let colorful = (0..<png.height).contains { y in (0..<png.width).contains { x in !png[x, y].isGray } }
        #expect(colorful)
    }

    @Test func confusionAndMisclassifiedFiguresRender() throws {
        let folder = try TemporaryFolder()
        let names = ["a", "b", "c"]
        let matrix = try ConfusionMatrix(predicted: [0, 1, 2, 1], labels: [0, 1, 2, 2], classNames: names)
        let confusion = try AnalysisFigures.confusion(matrix)
        try confusion.save(to: folder.path("confusion.png"))
        #expect(try DecodedPNG(path: folder.path("confusion.png")).width == 1200)

        var generator = SeededGenerator(seed: 2)
        let images = try Tensor.randomUniform([4, 10, 10, 1], using: &generator)
        let grid = try AnalysisFigures.misclassified(images: images, labels: [0, 1, 2, 2], predicted: [0, 1, 1, 1],
                                                     classNames: names, trueClass: 2, predictedClass: 1)
        try grid.save(to: folder.path("wrong.png"))
        #expect(try DecodedPNG(path: folder.path("wrong.png")).inkedFraction > 0.05)
        #expect(throws: AnalysisError.self) {
            try AnalysisFigures.misclassified(images: images, labels: [0, 1, 2, 2], predicted: [0, 1, 1, 1],
                                              classNames: names, trueClass: 0)
        }
    }
}
