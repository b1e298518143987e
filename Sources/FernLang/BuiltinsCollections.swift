import FernTensor

/// The list helpers Python users reach for: enumerate, zip, map, filter, sorted, any, all,
/// argmin and argmax of a list. Each takes any sequence `list()` takes (lists, ranges,
/// strings, tensors by their first axis).
extension Builtins {
    static let collections: [Builtin] = [
        Builtin("enumerate(xs, start=0)", "[[index, element], ...] for each element, counting from start: for i, x in enumerate(xs) { }.") { args, _ in
            let start = try args.int("start")
            return .list(try elements(args, "xs").enumerated().map { .list([.number(Double(start + $0)), $1]) })
        },
        Builtin("zip(lists...)", "[[a0, b0], [a1, b1], ...] from the lists side by side, as long as the shortest: for a, b in zip(as, bs) { }.") { args, _ in
            let lists = try args.rest.map { try listElements(of: $0) }
            guard let shortest = lists.map(\.count).min() else { return .list([]) }
            return .list((0..<shortest).map { i in .list(lists.map { $0[i] }) })
        },
        Builtin("map(f, xs)", "[f(x) for x in xs].") { args, interpreter in
            let f = args.value("f")
            return .list(try elements(args, "xs").map { try interpreter.call(f, [$0], at: nil) })
        },
        Builtin("filter(f, xs)", "The elements x of xs for which f(x) is true.") { args, interpreter in
            let f = args.value("f")
            return .list(try elements(args, "xs").filter { try interpreter.call(f, [$0], at: nil).isTruthy })
        },
        Builtin("sorted(xs, key=none, reverse=false)", "The elements in ascending order (numbers, strings, or lists element by element), by key(x) when given; stable, so equal elements keep their order.") { args, interpreter in
            let items = try elements(args, "xs")
            let key = args.optional("key")
            let keys = try items.map { item in try key.map { try interpreter.call($0, [item], at: nil) } ?? item }
            let descending = args.bool("reverse")
            var failure: Error?
            // Stable either way, as Python's: equal keys keep their original order.
            let order = items.indices.sorted { i, j in
                do {
                    let (a, b) = descending ? (keys[j], keys[i]) : (keys[i], keys[j])
                    if try Interpreter.sortsBefore(a, b) { return true }
                    if try Interpreter.sortsBefore(b, a) { return false }
                    return i < j
                } catch {
                    failure = failure ?? error
                    return i < j
                }
            }
            if let failure { throw failure }
            return .list(order.map { items[$0] })
        },
        Builtin("any(xs)", "Whether any element is true (non-zero, non-empty).") { args, _ in
            .bool(try elements(args, "xs").contains { $0.isTruthy })
        },
        Builtin("all(xs)", "Whether every element is true (all([]) is true).") { args, _ in
            .bool(try elements(args, "xs").allSatisfy { $0.isTruthy })
        },
        Builtin("argmax(t, axis=-1)", "The position of the largest element of a list (the first of equals), or a tensor's indices of the largest values along an axis.") { args, _ in
            try extremum(args, largest: true)
        },
        Builtin("argmin(t, axis=-1)", "The position of the smallest element of a list (the first of equals), or a tensor's indices of the smallest values along an axis.") { args, _ in
            try extremum(args, largest: false)
        },
    ]

    /// The elements of the sequence argument `name`, with the function named in errors.
    private static func elements(_ args: Arguments, _ name: String) throws -> [Value] {
        do {
            return try listElements(of: args.value(name))
        } catch {
            throw args.failure(name, expected: "a list, range, string or tensor", got: args.value(name))
        }
    }

    private static func extremum(_ args: Arguments, largest: Bool) throws -> Value {
        guard case .list(let items) = args.value("t") else {
            let t = try args.tensor("t"), axis = try args.int("axis")
            return .tensor(largest ? try t.argmax(axis: axis) : try (-t).argmax(axis: axis))
        }
        guard !items.isEmpty else { throw FernError.runtime("\(args.function): the list is empty") }
        var best = 0
        for i in items.indices.dropFirst() {
            let better = largest ? try Interpreter.sortsBefore(items[best], items[i]) : try Interpreter.sortsBefore(items[i], items[best])
            if better { best = i }
        }
        return .number(Double(best))
    }
}
