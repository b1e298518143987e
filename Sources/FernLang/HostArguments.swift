import FernData
import FernNN
import FernPlot
import FernTensor

/// Typed accessors for the host objects built-ins take (models, data sets,
/// figures, histories) and for lists, with errors that name the function
/// and the parameter.
extension Arguments {
    func model(_ name: String) throws -> Sequential {
        guard case .model(let model) = value(name) else { throw failure(name, expected: "a model", got: value(name)) }
        return model
    }

    /// A model, or a non-empty list of models (an item that is not one is named by its position).
    func models(_ name: String) throws -> [Sequential] {
        switch value(name) {
        case .model(let model):
            return [model]
        case .list(let items) where !items.isEmpty:
            return try items.enumerated().map { index, item in
                guard case .model(let model) = item else { throw FernError.runtime("\(function): item \(index) is a \(item.typeName), not a model") }
                return model
            }
        case let other:
            throw failure(name, expected: "a model or a list of models", got: other)
        }
    }

    func dataset(_ name: String) throws -> Dataset {
        guard case .dataset(let dataset) = value(name) else { throw failure(name, expected: "a dataset", got: value(name)) }
        return dataset
    }

    func figure(_ name: String) throws -> Figure {
        guard case .figure(let figure) = value(name) else { throw failure(name, expected: "a figure", got: value(name)) }
        return figure
    }

    /// A string, or nil when the argument was not given or is `none`.
    func optionalString(_ name: String) throws -> String? {
        guard optional(name) != nil else { return nil }
        return try string(name)
    }

    /// A positive whole number.
    func positiveInt(_ name: String) throws -> Int {
        let n = try int(name)
        guard n > 0 else { throw FernError.runtime("\(function): '\(name)' must be at least 1, got \(n)") }
        return n
    }

    /// A positive whole number, or nil when not given.
    func optionalPositiveInt(_ name: String) throws -> Int? {
        guard optional(name) != nil else { return nil }
        return try positiveInt(name)
    }

    /// A list, range or 1-D tensor of numbers.
    func numbers(_ name: String) throws -> [Double] {
        let value = value(name)
        if case .tensor(let t) = value {
            guard t.rank <= 1 else {
                throw FernError.runtime("\(function): expected a list of numbers or a 1-D tensor for '\(name)', got a tensor of shape \(describeShape(t.shape))")
            }
            return t.scalars.map(Double.init)
        }
        let items: [Value]
        switch value {
        case .list, .range: items = try listElements(of: value)
        default: throw failure(name, expected: "a list of numbers", got: value)
        }
        return try items.map { item in
            switch item {
            case .number(let n): return n
            case .bool(let b): return b ? 1 : 0
            default: throw FernError.runtime("\(function): '\(name)' must hold numbers only, found a \(item.typeName)")
            }
        }
    }

    /// Whole numbers from a list, range or 1-D tensor (labels, indices).
    func wholeNumberList(_ name: String) throws -> [Int] {
        try numbers(name).map { n in
            guard n == n.rounded(), Swift.abs(n) < 1e15 else {
                throw FernError.runtime("\(function): '\(name)' must hold whole numbers, found \(Value.number(n))")
            }
            return Int(n)
        }
    }

    /// A list of strings; any value in the list is shown as text.
    func strings(_ name: String) throws -> [String] {
        guard case .list(let items) = value(name) else { throw failure(name, expected: "a list of strings", got: value(name)) }
        return items.map(\.description)
    }

    /// A batch of images: a tensor, or a data set's images.
    func images(_ name: String) throws -> Tensor {
        if case .dataset(let dataset) = value(name) { return dataset.images }
        guard case .tensor(let t) = value(name) else {
            throw failure(name, expected: "a tensor of images or a dataset", got: value(name))
        }
        return t
    }

    /// Runs work of a lower layer (tensor, model, data, plot), reporting its
    /// errors as errors of this built-in.
    func reporting<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as FernError {
            throw error
        } catch {
            let message = "\(error)"
            throw FernError.runtime(message.hasPrefix("\(function):") ? message : "\(function): \(message)")
        }
    }
}
