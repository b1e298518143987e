import FernTensor

/// One evaluated position inside `[...]`.
enum Subscript {
    case single(Int)
    case slice(Int?, Int?, Int)
}

/// Indexing, slicing and iteration of lists, strings, ranges and tensors.
/// Negative indices count from the end; slices clamp like Python's.
extension Interpreter {
    func index(_ base: Value, _ subscripts: [Subscript]) throws -> Value {
        switch base {
        case .list(let items):
            switch try indexSequence(items, subscripts, kind: "list") {
            case .element(let value): return value
            case .slice(let part): return .list(part)
            }
        case .string(let text):
            switch try indexSequence(Array(text).map { Value.string(String($0)) }, subscripts, kind: "string") {
            case .element(let value): return value
            case .slice(let part): return .string(part.map(\.description).joined())
            }
        case .tensor(let tensor):
            return .tensor(try indexTensor(tensor, subscripts))
        default:
            throw FernError.runtime("cannot index a \(base.typeName)")
        }
    }

    /// `container[key]` for one key: a dictionary's value or a list's, string's or tensor's element.
    func item(of container: Value, at key: Value) throws -> Value {
        if case .dict(let d) = container { return try d.lookup(key) }
        return try index(container, [.single(try wholeNumber(key, what: "an index"))])
    }

    /// An element (`.element`) or a sub-sequence (`.slice`) of `items`.
    private func indexSequence(_ items: [Value], _ subscripts: [Subscript], kind: String) throws -> SequencePart {
        guard subscripts.count == 1 else { throw FernError.runtime("a \(kind) takes one index, got \(subscripts.count)") }
        switch subscripts[0] {
        case .single(let i):
            let position = i < 0 ? i + items.count : i
            guard position >= 0 && position < items.count else {
                throw FernError.runtime("index \(i) is out of range for a \(kind) of length \(items.count)")
            }
            return .element(items[position])
        case .slice(let start, let end, let step):
            guard step > 0 else { throw FernError.runtime("slice step must be positive, got \(step)") }
            let n = items.count
            func clamp(_ i: Int?, _ fallback: Int) -> Int { i.map { min(max($0 < 0 ? $0 + n : $0, 0), n) } ?? fallback }
            let lo = clamp(start, 0), hi = clamp(end, n)
            return .slice(lo < hi ? Array(stride(from: lo, to: hi, by: step).map { items[$0] }) : [])
        }
    }

    private enum SequencePart {
        case element(Value)
        case slice([Value])
    }

    /// Applies one subscript per leading axis: an index drops its axis,
    /// a slice keeps it.
    private func indexTensor(_ tensor: Tensor, _ subscripts: [Subscript]) throws -> Tensor {
        guard subscripts.count <= tensor.rank else {
            throw TensorError(op: "index", "\(subscripts.count) indices for a tensor of shape \(describeShape(tensor.shape))")
        }
        var result = tensor
        var axis = 0
        for item in subscripts {
            switch item {
            case .single(let i):
                let size = result.shape[axis]
                let position = i < 0 ? i + size : i
                guard position >= 0 && position < size else {
                    throw TensorError(op: "index", "index \(i) is out of range for axis \(axis) of shape \(describeShape(result.shape))")
                }
                var shape = result.shape
                shape.remove(at: axis)
                result = try result.sliced(axis: axis, start: position, end: position + 1).reshaped(shape)
            case .slice(let start, let end, let step):
                result = try result.sliced(axis: axis, start: start, end: end, step: step)
                axis += 1
            }
        }
        return result
    }

    /// Calls `body` with each element of a list, range, string or a tensor's
    /// first axis, stopping early at a `break` or when it returns from a function.
    func forEachElement(of sequence: Value, at location: SourceLocation,
                        _ body: (Value) throws -> Completion) throws -> Completion {
        func each<S: Sequence>(_ elements: S, _ transform: (S.Element) throws -> Value) throws -> Completion {
            for element in elements {
                switch try body(try transform(element)) {
                case .returned(let value): return .returned(value)
                case .broke: return .normal
                case .normal, .continued: continue
                }
            }
            return .normal
        }
        switch sequence {
        case .list(let items):
            return try each(items) { $0 }
        case .range(let start, _, let step):
            return try each(0..<sequence.rangeCount) { .number(start + Double($0) * step) }
        case .string(let text):
            return try each(text) { .string(String($0)) }
        case .dict(let d):
            return try each(d.keys) { $0 }
        case .tensor(let tensor):
            guard tensor.rank > 0 else { throw FernError.runtime("cannot iterate over a scalar tensor", at: location) }
            return try each(0..<tensor.shape[0]) { i in try locating(location) { .tensor(try tensor.indexed(i)) } }
        default:
            throw FernError.runtime("cannot iterate over a \(sequence.typeName)", at: location)
        }
    }
}
