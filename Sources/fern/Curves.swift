import ArgumentParser
import FernNN
import FernPlot

/// `fern curves`: the loss and accuracy curves of a training checkpoint as a
/// figure (train and validation per epoch), for runs made with `fern train`.
struct Curves: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Plot the loss and accuracy curves stored in a training checkpoint.")

    @Argument(help: "A checkpoint written by `fern train --checkpoint`.")
    var checkpoint: String

    @Option(help: "The figure to write (.png or .svg).")
    var output = "curves.png"

    @Option(help: "Figure title.")
    var title: String?

    func run() throws {
        let history = try Trainer.resume(from: checkpoint, progress: ProgressReporter(style: .silent) { _ in }).history
        try curvesFigure(history, title: title ?? "Training curves").save(to: output)
        print("wrote \(output) (\(history.epochs) epochs)")
    }
}

/// Loss and accuracy side by side, train and validation.
func curvesFigure(_ history: History, title: String) throws -> Figure {
    func series(_ name: String, _ values: [Float]) throws -> [Series] {
        values.isEmpty ? [] : [try Series(name: name, y: values.map(Double.init), markers: values.count <= 30)]
    }
    let loss = try LineChart(series: series("train", history.loss) + series("validation", history.validationLoss),
                             title: "Loss", xLabel: "epoch", yLabel: "cross-entropy")
    let accuracy = try LineChart(series: series("train", history.accuracy) + series("validation", history.validationAccuracy),
                                 title: "Accuracy", xLabel: "epoch", yLabel: "accuracy")
    return try Figure(width: 1000, height: 400, title: title, rows: 1, columns: 2, panels: [loss, accuracy])
}
