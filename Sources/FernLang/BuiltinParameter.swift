/// A parameter of a built-in, as its signature declares it: `name`
/// (required), `name=default` (optional; the default is a literal: a
/// number, a string in quotes, true, false, none or a list of these) or
/// `name...` (takes the remaining positional arguments).
///
/// Sendable although `Value` is not: a literal holds no references.
struct BuiltinParameter: @unchecked Sendable {
    var name: String
    /// What the parameter is when a call omits it (or passes none); nil when it is required or variadic.
    var defaultValue: Value?
    var variadic = false

    var optional: Bool { defaultValue != nil }

    /// The name and parameters of a signature such as
    /// `sum(values..., axis=none, keepdims=false)`, read with the language's
    /// own scanner and parser so that defaults mean what they would in Fern.
    static func parse(signature: String) throws -> (name: String, parameters: [BuiltinParameter]) {
        var parser = Parser(tokens: try Scanner.tokens(of: signature))
        let name = try parser.consume(.identifier, "expected the built-in's name").lexeme
        try parser.consume(.leftParen, "expected '(' after the built-in's name")
        var parameters: [BuiltinParameter] = []
        while !parser.check(.rightParen) {
            var parameter = BuiltinParameter(name: try parser.consume(.identifier, "expected a parameter name").lexeme)
            if parser.match(.dotDot) {
                try parser.consume(.dot, "expected '...' after '\(parameter.name)'")
                parameter.variadic = true
            } else if parser.match(.equal) {
                let expression = try parser.expression()
                guard let value = Value.literal(expression) else {
                    throw parser.error("the default of '\(parameter.name)' must be a literal", at: parser.previous)
                }
                parameter.defaultValue = value
            }
            guard !parameters.contains(where: { $0.name == parameter.name }) else {
                throw parser.error("'\(parameter.name)' is declared twice", at: parser.previous)
            }
            parameters.append(parameter)
            if !parser.match(.comma) { break }
        }
        try parser.consume(.rightParen, "expected ')' after the parameters")
        try parser.consume(.eof, "expected nothing after ')'")
        return (name, parameters)
    }
}
