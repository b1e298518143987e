import Foundation

/// Python's format mini-language for an f-string's `{value:spec}`:
/// `[[fill]align][sign][0][width][,][.precision][type]`, align `<` `>` `^` `=`, sign `+` `-`
/// or space, type `f` `e` `g` `%` `d` `s` (none: as `str`, or `g` when a precision is given).
struct FormatSpec: Sendable {
    var text: String
    var location: SourceLocation
    var fill: Character = " "
    var align: Character?
    var sign: Character = "-"
    var width = 0
    var grouping = false
    var precision: Int?
    var type: Character?

    init(parsing text: String, at location: SourceLocation) throws {
        (self.text, self.location) = (text, location)
        let c = Array(text)
        var i = 0
        func fail(_ message: String) -> FernError {
            FernError.syntax(message, at: SourceLocation(line: location.line, column: location.column + min(i, max(c.count - 1, 0))))
        }
        let aligns: Set<Character> = ["<", ">", "^", "="]
        if c.count >= 2, aligns.contains(c[1]) {
            (fill, align, i) = (c[0], c[1], 2)
        } else if let first = c.first, aligns.contains(first) {
            (align, i) = (first, 1)
        }
        if i < c.count, "+- ".contains(c[i]) { (sign, i) = (c[i], i + 1) }
        if i < c.count, c[i] == "0" {
            if align == nil { (fill, align) = ("0", "=") }
            i += 1
        }
        var digits = ""
        while i < c.count, c[i].isASCII, c[i].isNumber { digits.append(c[i]); i += 1 }
        width = Int(digits) ?? 0
        guard width <= 1000 else { throw fail("a width of at most 1000 characters, got \(digits)") }
        if i < c.count, c[i] == "," { (grouping, i) = (true, i + 1) }
        if i < c.count, c[i] == "." {
            i += 1
            var places = ""
            while i < c.count, c[i].isASCII, c[i].isNumber { places.append(c[i]); i += 1 }
            guard let value = Int(places), value <= 100 else { throw fail("expected a precision of 0 to 100 after '.' in the format") }
            precision = value
        }
        if i < c.count {
            guard "fFeEgG%ds".contains(c[i]) else {
                throw fail("unknown format type '\(c[i])'; expected f, e, g, %, d or s")
            }
            type = c[i]
            i += 1
        }
        guard i == c.count else { throw fail("unexpected '\(c[i])' in the format '\(text)'") }
    }

    /// The value formatted; a number type on a value that is not a number is an error here.
    func format(_ value: Value) throws -> String {
        var number: Double?
        switch value {
        case .number(let n): number = n
        case .bool(let b) where type != nil && type != "s": number = b ? 1 : 0
        case .tensor(let t) where t.scalars.count == 1 && type != "s": number = Double(t.scalars[0])
        default: break
        }
        guard let number, type != "s" else {
            if let type, type != "s" {
                throw FernError.runtime("the format '\(text)' needs a number, got a \(value.typeName)", at: location)
            }
            var text = value.description
            if let precision { text = String(text.prefix(precision)) }
            return pad(text, defaultAlign: "<")
        }
        return pad(try digits(number), defaultAlign: ">")
    }

    private func digits(_ n: Double) throws -> String {
        var body: String
        switch type {
        case "f", "F": body = String(format: "%.\(precision ?? 6)f", abs(n))
        case "e", "E": body = String(format: type == "e" ? "%.\(precision ?? 6)e" : "%.\(precision ?? 6)E", abs(n))
        case "g", "G": body = String(format: "%.\(max(precision ?? 6, 1))g", abs(n))
        case "%": body = String(format: "%.\(precision ?? 6)f", abs(n) * 100) + "%"
        case "d":
            guard n == n.rounded(), abs(n) < 1e18 else {
                throw FernError.runtime("the format '\(text)' needs a whole number, got \(Value.number(n).description)", at: location)
            }
            body = String(Int(abs(n)))
        default:
            body = precision.map { String(format: "%.\(max($0, 1))g", abs(n)) } ?? Value.number(abs(n)).description
        }
        if grouping { body = grouped(body) }
        let negative = n < 0 || (n == 0 && n.sign == .minus && type != "d")
        let prefix = negative ? "-" : sign == "+" ? "+" : sign == " " ? " " : ""
        return prefix + body
    }

    /// Thousands separated by commas in the whole part.
    private func grouped(_ body: String) -> String {
        let digitsEnd = body.firstIndex { !$0.isNumber } ?? body.endIndex
        let whole = Array(body[..<digitsEnd])
        var out = ""
        for (k, d) in whole.enumerated() {
            if k > 0 && (whole.count - k) % 3 == 0 { out.append(",") }
            out.append(d)
        }
        return out + body[digitsEnd...]
    }

    private func pad(_ text: String, defaultAlign: Character) -> String {
        let missing = width - text.count
        guard missing > 0 else { return text }
        let padding = { (n: Int) in String(repeating: fill, count: n) }
        switch align ?? defaultAlign {
        case "<": return text + padding(missing)
        case "^": return padding(missing / 2) + text + padding(missing - missing / 2)
        case "=":
            let signed = text.first.map { "+- ".contains($0) } ?? false
            return signed ? String(text.first!) + padding(missing) + text.dropFirst() : padding(missing) + text
        default: return padding(missing) + text
        }
    }
}
