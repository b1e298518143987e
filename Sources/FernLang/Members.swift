import FernData
import FernNN

/// Member access (`t.shape`, `ds.images`) on tensors and host objects.
extension Interpreter {
    func member(_ base: Value, _ name: String) throws -> Value {
        let members = Interpreter.members(of: base)
        guard let value = members[name] else {
            if let method = Methods.of(base)[name] {
                throw FernError.runtime("'\(name)' is a method of a \(base.typeName); call it: \(method.signature)")
            }
            let methods = Methods.of(base)
            let shown = { (known: String) in methods[known] == nil ? known : "\(known)()" }
            let known = (Array(members.keys) + methods.keys).sorted()
            let python = { if case .model = base { PythonNames.modelMethods[name] } else { PythonNames.valueMethods[name] } }()
            let hint = python.map { "; in Fern: \($0)" }
                ?? closestName(to: name, among: Set(known)).map { "; did you mean '\(shown($0))'?" }
                ?? (known.isEmpty ? "" : "; members: " + known.map(shown).joined(separator: ", "))
            throw FernError.runtime("a \(base.typeName) has no member '\(name)'\(hint)")
        }
        return value
    }

    /// The names `value.name` accepts, sorted (for the REPL's tab completion).
    public static func memberNames(of value: Value) -> [String] {
        (Array(members(of: value).keys) + Methods.of(value).keys).sorted()
    }

    private static func members(of value: Value) -> [String: Value] {
        func numbers<T: BinaryFloatingPoint>(_ xs: [T]) -> Value { .list(xs.map { .number(Double($0)) }) }
        switch value {
        case .tensor(let t):
            return ["shape": .list(t.shape.map { .number(Double($0)) }), "rank": .number(Double(t.rank))]
        case .dataset(let d):
            var members: [String: Value] = [
                "images": .tensor(d.images), "labels": .list(d.labels.map { .number(Double($0)) }),
                "count": .number(Double(d.count)), "class_names": .list(d.classNames.map(Value.string)),
                "ids": .list(d.ids.map { .number(Double($0)) })]
            // Synthetic faces know where their brows, eyes and mouth are.
            if let masks = d.featureMasks { members["masks"] = .tensor(masks) }
            return members
        case .model(let m):
            return ["layers": .list(m.layers.map { .string($0.name) }),
                    "feature_layers": .list(m.featureMapLayers.map { .string(m.layers[$0].name) }),
                    "parameter_count": .number(Double(m.trainableCount)),
                    "input_shape": .list(m.inputShape.map { .number(Double($0)) }),
                    "output_shape": .list(m.outputShape.map { .number(Double($0)) })]
        case .history(let h):
            return ["loss": numbers(h.loss), "accuracy": numbers(h.accuracy),
                    "val_loss": numbers(h.validationLoss), "val_accuracy": numbers(h.validationAccuracy),
                    "epochs": .number(Double(h.epochs)), "learning_rate": numbers(h.learningRate),
                    "seconds": numbers(h.seconds), "stopped_early": .bool(h.stoppedEarly),
                    "best_val_accuracy": h.bestValidationAccuracy.map { .number(Double($0)) } ?? .none,
                    "plain_val_accuracy": h.plainValidationAccuracy.map { numbers($0) } ?? .none]
        case .figure(let f):
            return ["width": .number(Double(f.width)), "height": .number(Double(f.height)),
                    "title": f.title.map(Value.string) ?? .none, "panels": .number(Double(f.panels.count))]
        default:
            return [:]
        }
    }
}
