/// The methods of lists, dictionaries and strings that Python users call: `xs.append(x)`,
/// `d.items()`, `", ".join(names)`. A method that changes its list or dictionary changes the
/// variable that holds it (or the item `name[key]` that does), as Python changes the one object.
struct Method: Sendable {
    let name: String
    /// How it is called, e.g. `xs.pop(i=-1)`; its parameters are read as a built-in's are.
    let signature: String
    let doc: String
    let parameters: [BuiltinParameter]
    /// Whether it changes its list or dictionary (what a variable holding it must learn).
    let changes: Bool
    /// The result, and the changed list or dictionary when the method changes it.
    let apply: @Sendable (Value, inout Arguments) throws -> (result: Value, changed: Value?)

    init(_ signature: String, _ doc: String, changes: Bool = false,
         _ apply: @escaping @Sendable (Value, inout Arguments) throws -> (result: Value, changed: Value?)) {
        let call = String(signature.drop { $0 != "." }.dropFirst())
        do {
            (name, parameters) = try BuiltinParameter.parse(signature: call)
        } catch {
            preconditionFailure("the method signature \(signature) does not parse: \(error)")
        }
        self.signature = signature
        self.doc = doc
        self.changes = changes
        self.apply = apply
    }
}

enum Methods {
    /// The names of the methods that change their list or dictionary.
    static let changing = Set((Array(list.values) + dict.values).filter(\.changes).map(\.name))

    static let list: [String: Method] = table([
        Method("xs.append(x)", "Adds x at the end.", changes: true) { base, args in
            (.none, .list(try items(base) + [args.value("x")]))
        },
        Method("xs.extend(ys)", "Adds the elements of ys (a list, range, string or tensor) at the end.", changes: true) { base, args in
            let ys = args.value("ys")
            guard let elements = try? listElements(of: ys) else {
                throw args.failure("ys", expected: "a list, range, string, dict or tensor", got: ys)
            }
            return (.none, .list(try items(base) + elements))
        },
        Method("xs.insert(i, x)", "Puts x before position i (negative counts from the end; past the end appends).", changes: true) { base, args in
            var items = try items(base)
            let i = try args.int("i")
            items.insert(args.value("x"), at: min(max(i < 0 ? i + items.count : i, 0), items.count))
            return (.none, .list(items))
        },
        Method("xs.pop(i=-1)", "Removes and returns the element at i, the last by default.", changes: true) { base, args in
            var items = try items(base)
            let i = try args.int("i")
            let position = i < 0 ? i + items.count : i
            guard items.indices.contains(position) else {
                throw FernError.runtime(items.isEmpty ? "pop from an empty list" : "pop index \(i) is out of range for a list of length \(items.count)")
            }
            return (items.remove(at: position), .list(items))
        },
        Method("xs.index(x)", "The position of the first element equal to x; an error when there is none.") { base, args in
            let x = args.value("x")
            guard let position = try items(base).firstIndex(where: { $0.equals(x) }) else {
                throw FernError.runtime("\(x.repr) is not in the list")
            }
            return (.number(Double(position)), nil)
        },
        Method("xs.count(x)", "How many elements equal x.") { base, args in
            let x = args.value("x")
            return (.number(Double(try items(base).filter { $0.equals(x) }.count)), nil)
        },
    ])

    static let dict: [String: Method] = table([
        Method("d.keys()", "The keys, in the order they were added.") { base, _ in
            (.list(try dictionary(base).keys), nil)
        },
        Method("d.values()", "The values, in the order of their keys.") { base, _ in
            (.list(try dictionary(base).values), nil)
        },
        Method("d.items()", "[[key, value], ...]: for key, value in d.items() { }.") { base, _ in
            (.list(try dictionary(base).items.map { .list([$0.key, $0.value]) }), nil)
        },
        Method("d.get(key, default=none)", "The value at key, or default when the dictionary has no such key.") { base, args in
            (try dictionary(base).value(at: args.value("key")) ?? args.value("default"), nil)
        },
        Method("d.pop(key)", "Removes key and returns its value; an error when it is missing.", changes: true) { base, args in
            var d = try dictionary(base)
            let key = args.value("key")
            let value = try d.lookup(key)
            _ = try d.remove(key)
            return (value, .dict(d))
        },
        Method("d.update(other)", "Adds other's keys and values, replacing the values of keys both have.", changes: true) { base, args in
            var d = try dictionary(base)
            guard case .dict(let other) = args.value("other") else { throw args.failure("other", expected: "a dict", got: args.value("other")) }
            for (key, value) in other.items { try d.set(key, value) }
            return (.none, .dict(d))
        },
    ])

    static let string: [String: Method] = table([
        Method("s.join(xs)", "The elements of xs (strings, or values as str shows them) with s between them.") { base, args in
            (.string(try listElements(of: args.value("xs")).map(\.description).joined(separator: try text(base))), nil)
        },
        Method("s.split(separator=none)", "The parts between separators; by default between runs of spaces, tabs and newlines.") { base, args in
            let s = try text(base)
            guard args.optional("separator") != nil else {
                return (.list(s.split(whereSeparator: \.isWhitespace).map { .string(String($0)) }), nil)
            }
            let sep = try args.string("separator")
            guard !sep.isEmpty else { throw FernError.runtime("split: the separator is empty") }
            return (.list(s.components(separatedBy: sep).map(Value.string)), nil)
        },
        Method("s.strip()", "Without the spaces, tabs and newlines at either end.") { base, _ in
            (.string(String(try text(base).drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())), nil)
        },
        Method("s.upper()", "In capitals.") { base, _ in (.string(try text(base).uppercased()), nil) },
        Method("s.lower()", "In small letters.") { base, _ in (.string(try text(base).lowercased()), nil) },
        Method("s.replace(old, new)", "With every occurrence of old replaced by new.") { base, args in
            let old = try args.string("old")
            guard !old.isEmpty else { throw FernError.runtime("replace: the text to replace is empty") }
            return (.string(try text(base).replacingOccurrences(of: old, with: try args.string("new"))), nil)
        },
        Method("s.startswith(prefix)", "Whether s begins with prefix.") { base, args in
            (.bool(try text(base).hasPrefix(try args.string("prefix"))), nil)
        },
        Method("s.endswith(suffix)", "Whether s ends with suffix.") { base, args in
            (.bool(try text(base).hasSuffix(try args.string("suffix"))), nil)
        },
    ])

    /// Every method, for help and the reference.
    static var all: [Method] {
        [list, dict, string].flatMap { $0.values.sorted { $0.name < $1.name } }
    }

    /// The methods of `value`'s type, by name (empty for types without methods).
    static func of(_ value: Value) -> [String: Method] {
        switch value {
        case .list: list
        case .dict: dict
        case .string: string
        default: [:]
        }
    }

    /// The signatures and docs of the methods called `name` (`append`, or `xs.append` as the
    /// reference writes it), or nil when there is none.
    static func help(for name: String) -> String? {
        let methods = all.filter { $0.name == name || $0.signature.hasPrefix(name + "(") }
        return methods.isEmpty ? nil : methods.map { "\($0.signature)\n    \($0.doc)" }.joined(separator: "\n")
    }

    static func has(_ value: Value, _ name: String) -> Bool {
        of(value)[name] != nil
    }

    private static func table(_ methods: [Method]) -> [String: Method] {
        Dictionary(uniqueKeysWithValues: methods.map { ($0.name, $0) })
    }

    private static func items(_ value: Value) throws -> [Value] {
        guard case .list(let items) = value else { throw FernError.runtime("expected a list, got a \(value.typeName)") }
        return items
    }

    private static func dictionary(_ value: Value) throws -> FernDictionary {
        guard case .dict(let d) = value else { throw FernError.runtime("expected a dict, got a \(value.typeName)") }
        return d
    }

    private static func text(_ value: Value) throws -> String {
        guard case .string(let s) = value else { throw FernError.runtime("expected a string, got a \(value.typeName)") }
        return s
    }
}

extension Interpreter {
    /// Calls method `name` of `base` (the value of `baseExpr`); a change goes back to where
    /// `baseExpr` says the value lives: a variable, or an item `name[key]` of one.
    func callMethod(_ name: String, of base: Value, _ baseExpr: Expr, _ arguments: [Value], _ keywords: [(String, Value)],
                    in scope: Environment, at location: SourceLocation) throws -> Value {
        guard let method = Methods.of(base)[name] else { throw FernError.runtime("a \(base.typeName) has no method '\(name)'", at: location) }
        let (result, changed) = try locating(location) {
            var arguments = try Arguments(function: "\(base.typeName).\(name)", method.parameters, usage: method.signature,
                                          arguments, keywords)
            return try method.apply(base, &arguments)
        }
        if let changed { try store(changed, at: baseExpr, in: scope, method: name) }
        return result
    }

    /// Puts a list or dictionary that a method changed back where it came from.
    private func store(_ value: Value, at place: Expr, in scope: Environment, method: String) throws {
        switch place {
        case .variable(let name, _):
            scope.update(name, value)
        case .index(.variable(let name, _), let items, let location):
            try setItem(of: name, key: try itemKey(items, in: scope, at: location), to: value, in: scope, at: location)
        default:
            throw FernError.runtime("\(method)() changes a list or dictionary held in a variable (xs.\(method)(...)) or in an item of one (d[key].\(method)(...)); this one would be lost",
                                    at: place.location)
        }
    }

    /// `name[key] = value`: replaces an element of the list, or sets a key of the dictionary,
    /// held in the variable `name`.
    func setItem(of name: String, key: Value, to value: Value, in scope: Environment, at location: SourceLocation) throws {
        guard let container = scope.lookup(name) else { throw FernError.runtime("unknown name '\(name)'", at: location) }
        switch container {
        case .dict(var d):
            try locating(location) { try d.set(key, value) }
            scope.update(name, .dict(d))
        case .list(var items):
            let i = try locating(location) { try wholeNumber(key, what: "a list index") }
            let position = i < 0 ? i + items.count : i
            guard items.indices.contains(position) else {
                throw FernError.runtime("index \(i) is out of range for a list of length \(items.count); append adds an element", at: location)
            }
            items[position] = value
            scope.update(name, .list(items))
        default:
            throw FernError.runtime("cannot assign to an item of a \(container.typeName); only lists and dictionaries change", at: location)
        }
    }
}
