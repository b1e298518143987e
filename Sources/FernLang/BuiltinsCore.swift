import Foundation

/// General-purpose built-ins: printing, help, conversions and list helpers.
extension Builtins {
    static let core: [Builtin] = [
        Builtin("print(values...)", "Prints the values separated by spaces.") { args, interpreter in
            interpreter.output(args.rest.map(\.description).joined(separator: " "))
            return .none
        },
        Builtin("help(topic=none)", "Shows how to call a function and what it does; help(\"@\") explains an operator, help(\"append\") a method, help(\"np.dot\") a Python name; help() lists all built-ins.") { args, interpreter in
            interpreter.output(helpText(for: args.optional("topic")))
            return .none
        },
        Builtin("len(x)", "Number of elements of a list, dict, string, range, tensor (first axis) or dataset.") { args, _ in
            let x = args.value("x")
            switch x {
            case .list(let items): return .number(Double(items.count))
            case .dict(let d): return .number(Double(d.count))
            case .string(let s): return .number(Double(s.count))
            case .range: return .number(Double(x.rangeCount))
            case .tensor(let t) where t.rank > 0: return .number(Double(t.shape[0]))
            case .dataset(let d): return .number(Double(d.count))
            default: throw args.failure("x", expected: "a list, dict, string, range, tensor or dataset", got: x)
            }
        },
        Builtin("range(start, end=none, step=1)", "Numbers from start up to (not including) end; range(n) counts 0..n-1.") { args, _ in
            let first = try args.number("start")
            let step = try args.number("step")
            guard step != 0 else { throw FernError.runtime("range: 'step' must not be 0") }
            guard let end = args.optional("end") else { return .range(start: 0, end: first, step: step) }
            return .range(start: first, end: try args.number("end"), step: step)
        },
        Builtin("list(x)", "The elements of a range, string, list, dict (its keys) or tensor (first axis) as a list.") { args, _ in
            .list(try listElements(of: args.value("x")))
        },
        Builtin("dict(pairs=[])", "A dictionary from [key, value] pairs, e.g. dict(zip(names, counts)); a copy of a dict.") { args, _ in
            let pairs = args.value("pairs")
            if case .dict = pairs { return pairs }
            return .dict(try FernDictionary(try listElements(of: pairs).map { pair in
                guard case .list(let items) = pair, items.count == 2 else {
                    throw FernError.runtime("dict: each pair must be a [key, value] list, got \(pair.repr.prefix(40))")
                }
                return (items[0], items[1])
            }))
        },
        Builtin("str(x)", "The value as text, as print shows it.") { args, _ in
            .string(args.value("x").description)
        },
        Builtin("num(x)", "The value as a number: parses a string, converts a bool or a one-element tensor.") { args, _ in
            let x = args.value("x")
            switch x {
            case .number: return x
            case .bool(let b): return .number(b ? 1 : 0)
            case .string(let s):
                guard let n = Double(s.trimmingCharacters(in: .whitespaces)) else {
                    throw FernError.runtime("num: '\(s)' is not a number")
                }
                return .number(n)
            case .tensor(let t): return .number(Double(try t.item()))
            default: throw args.failure("x", expected: "a string, bool, number or one-element tensor", got: x)
            }
        },
        Builtin("abs(x)", "Absolute value of a number, or of each element of a tensor.") { args, _ in
            switch args.value("x") {
            case .tensor(let t): return .tensor(t.abs())
            default: return .number(Swift.abs(try args.number("x")))
            }
        },
        Builtin("round(x, digits=0)", "The number rounded to the given number of decimal digits.") { args, _ in
            let scale = pow(10, Double(try args.int("digits")))
            return .number((try args.number("x") * scale).rounded() / scale)
        },
        Builtin("type(x)", "The name of the value's type: number, string, bool, none, list, tensor, function, ...") { args, _ in
            .string(args.value("x").typeName)
        },
        Builtin("table(rows, header=none, digits=3)",
                "Rows (lists) as an aligned text table with an optional header; numbers right-aligned, columns with fractions at digits decimals, none as -.") { args, _ in
            guard case .list(let rows) = args.value("rows") else { throw args.failure("rows", expected: "a list of rows", got: args.value("rows")) }
            let header = try args.optional("header").map { _ in try args.strings("header") }
            return .string(try textTable(rows, header: header, digits: try args.int("digits")))
        },
    ]

    /// Columns padded to their widest cell, numbers on the right.
    private static func textTable(_ rows: [Value], header: [String]?, digits: Int) throws -> String {
        guard (0...12).contains(digits) else { throw FernError.runtime("table: 'digits' must be between 0 and 12, got \(digits)") }
        let values: [[Value]] = try rows.map { row in
            guard case .list(let items) = row else { throw FernError.runtime("table: each row must be a list, got a \(row.typeName)") }
            return items
        }
        // A column with any fraction shows every number with `digits` decimals.
        let fractional = Set(values.flatMap { row in row.indices.filter { i in
            if case .number(let n) = row[i] { return n != n.rounded() && n.isFinite } else { return false }
        } })
        let cells: [[(text: String, number: Bool)]] = values.map { row in
            row.enumerated().map { column, item in
                if case .none = item { return ("-", true) }
                guard case .number(let n) = item else { return (item.description, false) }
                return (fractional.contains(column) ? String(format: "%.\(digits)f", n) : Value.number(n).description, true)
            }
        }
        let all = (header.map { [$0.map { ($0, false) }] } ?? []) + cells
        let columns = all.map(\.count).max() ?? 0
        let widths = (0..<columns).map { c in all.map { c < $0.count ? $0[c].text.count : 0 }.max() ?? 0 }
        func line(_ row: [(text: String, number: Bool)]) -> String {
            row.enumerated().map { c, cell in
                let pad = String(repeating: " ", count: widths[c] - cell.text.count)
                return cell.number ? pad + cell.text : cell.text + pad
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        var lines = cells.map(line)
        if let header {
            lines.insert(contentsOf: [line(header.map { ($0, false) }), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")], at: 0)
        }
        return lines.joined(separator: "\n")
    }

    /// The help text for a value passed to `help`: a function's signature
    /// and doc, or the list of all built-ins.
    static func helpText(for topic: Value?) -> String {
        switch topic {
        case .builtin(let builtin)?:
            return "\(builtin.signature)\n    \(builtin.doc)"
        case .string(let name)? where named[name] != nil:
            return helpText(for: .builtin(named[name]!))
        case .string(let name)? where Methods.help(for: name) != nil:
            return Methods.help(for: name)!
        case .string(let symbol)? where PythonNames.operators[symbol] != nil:
            return PythonNames.operators[symbol]!
        case .string(let name)? where PythonNames.names[name] != nil:
            return "\(name) is Python's; in Fern: \(PythonNames.names[name]!)"
        case .function(let function)?:
            return "\(function.name)(\(function.parameterNames.joined(separator: ", "))): a function defined in Fern"
        case let other?:
            return "no help for a \(other.typeName); try help() for the list of built-ins"
        case nil:
            // Long signatures keep their doc on the next line rather than being cut.
            return all.map { builtin in
                builtin.signature.count < 44 ? "\(builtin.signature.padding(toLength: 44, withPad: " ", startingAt: 0)) \(builtin.doc)"
                    : "\(builtin.signature)\n\(String(repeating: " ", count: 45))\(builtin.doc)"
            }
            .joined(separator: "\n")
        }
    }
}
