import ArgumentParser
import FernNotebook
import Foundation

/// `fern export`: a notebook as Jupyter's .ipynb, without outputs (`fern run --ipynb` writes
/// one with them).
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a notebook in another format: a .fernb as Jupyter's .ipynb (nbformat 4, no outputs).",
        discussion: """
            The .ipynb opens in JupyterLab, nbviewer and on GitHub; its code cells show as plain text \
            (there is no Fern kernel). For one with the outputs of a run, use fern run NOTEBOOK --ipynb.
            """)

    @Argument(help: "The notebook (.fernb) to export.")
    var source: String

    @Option(help: "The format to write: ipynb.")
    var to: String

    @Option(name: [.customShort("o"), .long], help: "Where to write it (default: SOURCE with the format's extension, in the working directory).")
    var output: String?

    func validate() throws {
        guard to == "ipynb" else { throw ValidationError("--to must be ipynb, not '\(to)'") }
        guard source.hasSuffix(".fernb") else { throw ValidationError("\(source) is not a .fernb notebook") }
    }

    func run() throws {
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
