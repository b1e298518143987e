import FernLang
import FernNotebook
import Foundation
import Testing

@Suite struct NotebookRunTests {
    @Test func tinyNotebookRunsEndToEndAndWritesReportsAndFigures() throws {
        let fixture = try NotebookFixture()
        let run = try fixture.run()
        #expect(run.succeeded)
        #expect(run.cells.count == 5)
        #expect(run.outcome(3)?.output.contains("faces 20") == true)
        #expect(run.parameters.map(\.name) == ["n", "seed", "label"])
        #expect(run.parameters.last?.value == "\"faces\"")

        let png = try Data(contentsOf: fixture.output.appendingPathComponent("cell05-1.png"))
        #expect(png.count > 100)
        #expect(png.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        #expect(run.outcome(5)?.figures == ["cell05-1.png"])

        let markdown = try fixture.report()
        #expect(markdown.contains("# Tiny notebook"))
        #expect(markdown.contains("ds = synthetic_faces(n, seed)"))
        #expect(markdown.contains("faces 20"))
        #expect(markdown.contains("![cell05-1.png](cell05-1.png)"))
        #expect(markdown.contains("`n = 20`"))

        let html = try fixture.report("report.html")
        #expect(html.contains("<h1 id=\"tiny-notebook\">Tiny notebook</h1>"))
        #expect(html.contains("<em>synthetic</em>"))
        #expect(html.contains("<code>class_counts</code> &amp; &lt;b&gt;escaping&lt;/b&gt;"))
        #expect(html.contains("<th style=\"text-align: left\">class</th>"))
        #expect(html.contains("ds = synthetic_faces(n, seed)"))
        #expect(html.contains("total is"))
        #expect(html.contains(" src=\"data:image/png;base64,iVBORw0KGgo"))
        #expect(html.contains(" s</div>") || html.contains(" s<"))
        #expect(!html.contains("<link") && !html.contains("<script src"))
        #expect(html.contains("Total time"))
    }

    @Test func eachCellShowsItsRunTime() throws {
        let fixture = try NotebookFixture()
        let run = try fixture.run()
        let caption = try #require(run.outcome(3).map { _ in try fixture.report() })
        #expect(caption.contains("cell 3 · Data · line 15 · "))
        #expect(run.cells.filter { $0.cell.kind != .markdown }.allSatisfy { $0.seconds > 0 })
    }

    @Test func parametersFromTheCommandLineReplaceTheParametersCell() throws {
        let fixture = try NotebookFixture()
        let run = try fixture.run(["n=12", "label=../some/path.csv"])
        #expect(run.succeeded)
        #expect(run.outcome(3)?.output.contains("../some/path.csv 12") == true)
        #expect(run.parameters.first { $0.name == "n" } == ParameterValue(name: "n", value: "12", overridden: true))
        #expect(run.parameters.first { $0.name == "seed" }?.overridden == false)
        #expect(try fixture.report().contains("`n = 12` (from -p)"))
    }

    @Test func parameterValuesReadAsLiteralsWhenTheyAreLiterals() throws {
        func value(_ text: String) throws -> String { try ParameterOverride(parsing: "x=" + text).value.description }
        #expect(try value("30") == "30")
        #expect(try value("-0.5") == "-0.5")
        #expect(try value("true") == "true")
        #expect(try value("[32, 64]") == "[32, 64]")
        #expect(try value("\"quoted text\"") == "quoted text")
        #expect(try value("../x/train.csv") == "../x/train.csv")
        #expect(try value("cnn") == "cnn")
        #expect(try value("zeros(3)") == "zeros(3)")
        #expect(throws: NotebookError.self) { try ParameterOverride(parsing: "no-equals") }
        #expect(throws: NotebookError.self) { try ParameterOverride(parsing: "1x=3") }
    }

    @Test func anUnknownParameterIsAnErrorNamingTheKnownOnes() throws {
        let fixture = try NotebookFixture()
        let error = try #require(throws: NotebookError.self) { try fixture.run(["epochs=3"]) }
        #expect(error.description.contains("unknown parameter 'epochs'"))
        #expect(error.description.contains("n, seed, label"))
        #expect(!FileManager.default.fileExists(atPath: fixture.output.appendingPathComponent("report.md").path))
    }

    @Test func aFailingCellStopsTheRunAndTheReportShowsTheError() throws {
        let fixture = try NotebookFixture("""
            #%% md
            Intro.
            #%%
            a = 1
            print("before")
            #%%
            b = a + 1
            c = b + missing_name
            #%%
            print("never")
            """)
        let run = try fixture.run()
        let failure = try #require(run.failure)
        #expect(failure.cellNumber == 3)
        #expect(failure.line == 8)
        #expect(failure.message.hasPrefix("\(fixture.path):8:9: error:"))
        #expect(failure.message.contains("c = b + missing_name\n            ^"))
        #expect(failure.description.hasPrefix("cell 3 of \(fixture.path), line 8:\n"))
        #expect(run.cells.count == 3)
        let markdown = try fixture.report()
        #expect(markdown.contains("**Error**"))
        #expect(markdown.contains("missing_name"))
        #expect(markdown.contains("before"))
        #expect(!markdown.contains("never\n"))
        let html = try fixture.report("report.html")
        #expect(html.contains("<pre class=\"error\">"))
        #expect(html.contains("failed in cell 3 (line 8)"))
    }

    @Test func errorsInsideFunctionsPointAtTheLineWhereTheFunctionIsWritten() throws {
        let fixture = try NotebookFixture("""
            #%%
            def f(x) {
                return x + nothing
            }
            #%%
            f(1)
            """)
        let failure = try #require(try fixture.run().failure)
        #expect(failure.cellNumber == 2)
        #expect(failure.line == 3)
        #expect(failure.message.contains("return x + nothing"))
    }
}

/// Runs that use the plot and training built-ins, where the interpreter has them.
@Suite struct NotebookBuiltinsTests {
    static func has(_ names: String...) -> Bool {
        names.allSatisfy { name in Builtins.all.contains { $0.name == name } }
    }

    @Test(.enabled(if: has("show", "bar_chart")))
    func showSavesFiguresUnderTheGivenNameOrANumberedOne() throws {
        let fixture = try NotebookFixture("""
            #%%
            show(bar_chart([1, 2, 3], labels=["a", "b", "c"]), "class counts")
            bar_chart([3, 2, 1])
            """)
        let run = try fixture.run()
        #expect(run.succeeded)
        #expect(run.outcome(1)?.figures == ["class-counts.png", "cell01-1.png"])
        for name in ["class-counts.png", "cell01-1.png"] {
            let data = try Data(contentsOf: fixture.output.appendingPathComponent(name))
            #expect(data.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]))
        }
    }

    @Test(.enabled(if: has("fit", "sequential", "dense", "flatten", "evaluate")))
    func aModelTrainedInACachedCellComesBackTrained() throws {
        let fixture = try NotebookFixture("""
            #%%
            model = sequential([flatten(), dense(7)], input_shape=[48, 48, 1])
            ds = synthetic_faces(32, 1)
            #%% cache
            h = fit(model, ds, epochs=2, batch=16)
            #%%
            print(evaluate(model, ds))
            """)
        let first = try fixture.run()
        let second = try fixture.run()
        #expect(first.succeeded && second.succeeded)
        #expect(second.outcome(2)?.ran == false)
        #expect(second.outcome(2)?.output.contains("Epoch 2/2") == true)
        #expect(second.outcome(3)?.output == first.outcome(3)?.output)
    }
}
