import Foundation
import Testing
@testable import FernLang

/// A built-in's signature is the one place its defaults are written; these
/// check that every signature parses and that every implementation accepts
/// the defaults it is handed.
@Suite struct BuiltinSignatureTests {
    @Test func signatureDefaultsAreReadAsFernLiterals() throws {
        let (name, parameters) = try BuiltinParameter.parse(
            signature: "f(a, b=[1, 2], c=\"x\", d=-1.5, e=none, g=true, rest...)")
        #expect(name == "f")
        #expect(parameters.map(\.name) == ["a", "b", "c", "d", "e", "g", "rest"])
        #expect(parameters.map { $0.defaultValue?.repr ?? "-" } == ["-", "[1, 2]", "\"x\"", "-1.5", "none", "true", "-"])
        #expect(parameters.map(\.variadic) == [false, false, false, false, false, false, true])
    }

    @Test func aSignatureWithADefaultThatIsNotALiteralDoesNotParse() {
        for signature in ["f(x=y)", "f(x=1 +)", "f(x=[1, y])", "f(x, x)", "f(x", "f(x) g"] {
            #expect(throws: FernError.self, "\(signature)") { try BuiltinParameter.parse(signature: signature) }
        }
    }

    @Test func everyBuiltinsSignatureParsesWithRequiredParametersFirst() throws {
        for builtin in Builtins.all {
            let (name, parameters) = try BuiltinParameter.parse(signature: builtin.signature)
            #expect(name == builtin.name)
            // Positional arguments fill parameters in order, so a required one cannot follow an optional one.
            let firstOptional = parameters.firstIndex(where: \.optional) ?? parameters.count
            #expect(!parameters[firstOptional...].contains { !$0.optional && !$0.variadic }, "\(builtin.signature)")
        }
    }

    @Test func anOmittedOrNoneArgumentTakesTheSignaturesDefault() throws {
        let arguments = try Arguments(for: Builtins.named["conv2d"]!, [.number(8)], [("padding", .none)])
        #expect(try arguments.int("kernel_size") == 3)
        #expect(try arguments.string("padding") == "valid")
        #expect(arguments.bool("use_bias"))
        #expect(arguments.optional("name") == nil)
    }

    /// One call per built-in with optional parameters, giving only what it
    /// requires; the rest comes from its signature.
    static func callsWithDefaults(figurePath: String) -> [String: String] {
        [
            "help": "help()", "range": "range(3)", "round": "round(2.5)", "table": "table([[1, 2.5]])",
            "synthetic_faces": "synthetic_faces(2)", "split": "split(ds)", "normalize": "normalize(ds)", "shuffle": "shuffle(ds)",
            "conv2d": "conv2d(4)", "dense": "dense(4)", "maxpool": "maxpool()", "avgpool": "avgpool()",
            "batchnorm": "batchnorm()", "dropout": "dropout()", "flatten": "flatten()", "activation": "activation(\"relu\")",
            "sequential": "sequential([flatten(), dense(2)])", "params": "params(m)", "weights": "weights(m, \"conv2d\")",
            "seed_cnn": "seed_cnn()", "seed_dnn": "seed_dnn()", "tuned_cnn": "tuned_cnn()", "resnet": "resnet()", "vgg": "vgg()",
            "model_named": "model_named(\"vgg\")",
            "residual": "residual([dense(2)])", "global_avgpool": "global_avgpool()",
            "softmax": "softmax([1, 2])", "argmax": "argmax([1, 3, 2])", "argmin": "argmin(tensor([1, 3]))", "enumerate": "enumerate([4])",
            "sorted": "sorted([2, 1])", "dict": "dict()", "arange": "arange(3)", "randn": "randn([2])",
            "rand": "rand([2])", "transpose": "transpose(ones([2, 3]))", "sum": "sum(ones([2]))", "mean": "mean(ones([2]))",
            "max": "max(ones([2]))", "min": "min(ones([2]))", "relu": "relu()", "sigmoid": "sigmoid()", "tanh": "tanh()",
            "fit": "fit(m, ds)", "evaluate": "evaluate(m, ds)", "predict": "predict(m, ds)", "predict_proba": "predict_proba(m, ds)",
            "confusion_matrix": "confusion_matrix([0, 1], [1, 1])",
            "bar_chart": "bar_chart([1, 2])", "line_chart": "line_chart([1, 2])", "plot_history": "plot_history(h)",
            "histogram": "histogram([1, 2, 3])", "heatmap": "heatmap([[1, 2], [3, 4]])", "plot_confusion": "plot_confusion(cm)",
            "image": "image(x[0])", "image_grid": "image_grid(take(ds, 4))", "overlay": "overlay(x[0], x[0])",
            "filter_grid": "filter_grid(weights(m, \"conv2d\"))",
            "feature_grid": "feature_grid(layer_output(m, x[0:1], \"conv2d\"))",
            "figure": "figure(bar_chart([1]))", "show": "show(bar_chart([1]))",
            "save_figure": "save_figure(bar_chart([1]), \"\(figurePath)\")",
            "classification_report": "classification_report(cm)", "most_confused": "most_confused(cm)",
            "plot_misclassified": "plot_misclassified(ds, p)", "saliency": "saliency(m, take(ds, 2))",
            "plot_saliency": "plot_saliency(m, ds)", "faithfulness": "faithfulness(m, take(ds, 2), points=4)", "maximize_activation": "maximize_activation(m, \"conv2d\")",
            "plot_filters": "plot_filters(m, \"conv2d\")",
        ]
    }

    @Test func everyBuiltinRunsWithTheDefaultsOfItsSignature() throws {
        let session = try Session()
        try session.run("""
            ds = synthetic_faces(14, seed=1)
            x = ds.images / 255
            m = sequential([conv2d(2, 3, activation="relu"), maxpool(4), flatten(), dense(7), softmax])
            h = fit(m, ds, epochs=1)
            p = predict(m, ds)
            cm = confusion_matrix(ds.labels, p, classes=7)
            """)
        let calls = Self.callsWithDefaults(figurePath: session.path("figure.png"))
        let withDefaults = Builtins.all.filter { $0.parameters.contains(where: \.optional) }.map(\.name)
        #expect(Set(calls.keys) == Set(withDefaults))
        for name in withDefaults {
            guard let call = calls[name] else { continue }
            #expect(session.error(call) == "no error", "\(call)")
        }
    }
}
