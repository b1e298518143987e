import ArgumentParser
import FernNN
import FernNotebook
import FernONNX
import Foundation

/// `fern export`: a saved model as ONNX, or a notebook as Jupyter's .ipynb without outputs
/// (`fern run --ipynb` writes one with them).
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a model as ONNX, or a notebook as Jupyter's .ipynb (nbformat 4, no outputs).",
        discussion: """
            fern export MODEL --to onnx reads a model saved by save() or fern train --output (NAME, \
            NAME.json or NAME.safetensors) and writes NAME.onnx (opset 17, input [N, channels, height, width]). \
            fern export NOTEBOOK.fernb --to ipynb writes NOTEBOOK.ipynb, which opens in JupyterLab, nbviewer \
            and on GitHub; its code cells show as plain text (there is no Fern kernel). For one with the \
            outputs of a run, use fern run NOTEBOOK --ipynb.
            """)

    @Argument(help: "The saved model, or the notebook (.fernb), to export.")
    var source: String

    @Option(help: "The format to write: onnx (a model) or ipynb (a notebook).")
    var to: String

    @Option(name: [.customShort("o"), .long], help: "Where to write it (default: SOURCE with the format's extension, in the working directory).")
    var output: String?

    func validate() throws {
        switch to {
        case "ipynb": guard source.hasSuffix(".fernb") else { throw ValidationError("--to ipynb exports a .fernb notebook, not \(source)") }
        case "onnx": guard !source.hasSuffix(".fernb") else { throw ValidationError("--to onnx exports a saved model, not a notebook") }
        default: throw ValidationError("--to must be onnx or ipynb, not '\(to)'")
        }
    }

    func run() throws {
        if to == "onnx" {
            let model = try Sequential.load(from: source)
            let name = URL(fileURLWithPath: source).deletingPathExtension().lastPathComponent
            let destination = output ?? name + ".onnx"
            try ONNXExport.write(model, to: destination)
            print("wrote \(destination): \(model.layers.count) layers, \(model.trainableCount + model.nonTrainableCount) parameters, opset \(ONNXExport.opset)")
            return
        }
        let notebook: NotebookFile
        do {
            notebook = try NotebookFile.read(path: source)
        } catch let error as NotebookError {
            FileHandle.standardError.write(Data("fern export: error: \(error.description)\n".utf8))
            throw ExitCode.validationFailure
        }
        let name = URL(fileURLWithPath: source).deletingPathExtension().lastPathComponent
        let destination = URL(fileURLWithPath: output ?? name + ".ipynb")
        try JupyterNotebook(notebook: notebook).write(to: destination)
        print("wrote \(destination.path): \(notebook.cells.count) cells")
    }
}
