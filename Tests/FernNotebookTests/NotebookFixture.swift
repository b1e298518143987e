import FernLang
import FernNotebook
import FernPlot
import FernTestSupport
import Foundation

/// A tiny notebook on the synthetic faces, written into a temporary folder
/// and run through the library, as `fern run` does.
final class NotebookFixture {
    let folder: TemporaryFolder
    let path: String
    var output: URL { folder.url.appendingPathComponent("out") }

    static let text = """
        #%% md
        # Tiny notebook
        Counts of *synthetic* faces, with `class_counts` & <b>escaping</b>.

        | class | note |
        |:------|-----:|
        | happy | many |

        #%% parameters
        n = 20
        seed = 1
        label = "faces"

        #%% Data
        ds = synthetic_faces(n, seed)
        print(label, len(ds))
        class_counts(ds)

        #%% cache  Expensive step
        w = randn([3, 3], seed=seed)
        total = sum(w * 2)
        print("computed total")
        total

        #%%
        print("total is", total)
        fig
        """

    init(_ text: String = NotebookFixture.text) throws {
        folder = try TemporaryFolder()
        path = folder.path("tiny.fernb")
        try write(text)
    }

    func write(_ text: String) throws {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    func run(_ parameters: [String] = [], useCache: Bool = true) throws -> NotebookRun {
        var options = NotebookRunOptions(outputFolder: output)
        options.parameters = try parameters.map(ParameterOverride.init(parsing:))
        options.useCache = useCache
        options.initialVariables = ["fig": .figure(try NotebookFixture.figure())]
        return try NotebookRunner.run(try NotebookFile.read(path: path), options: options)
    }

    func report(_ name: String = "report.md") throws -> String {
        try String(contentsOf: output.appendingPathComponent(name), encoding: .utf8)
    }

    /// A bar chart made in Swift, handed to the notebook as the variable `fig`.
    static func figure() throws -> Figure {
        try Figure(width: 160, height: 120, panels: [BarChart(labels: ["a", "b"], values: [1, 2])])
    }
}

extension NotebookRun {
    func outcome(_ number: Int) -> CellOutcome? { cells.first { $0.cell.number == number } }
}
