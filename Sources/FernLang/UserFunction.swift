/// A function written in Fern (`def` or a lambda) with the environment it
/// was defined in, which it captures.
public final class UserFunction {
    public let name: String
    let parameters: [FunctionParameter]
    /// A `def` body; lambdas have `expression` instead.
    let body: [Stmt]
    let expression: Expr?
    let closure: Environment
    /// The source the function was written in, so that an error inside it
    /// shows the right file and line even when called from a later run.
    let origin: SourceText

    init(name: String, parameters: [FunctionParameter], body: [Stmt], expression: Expr?, closure: Environment,
         origin: SourceText) {
        self.name = name
        self.parameters = parameters
        self.body = body
        self.expression = expression
        self.closure = closure
        self.origin = origin
    }

    /// Parameter names, for signatures and messages.
    public var parameterNames: [String] { parameters.map(\.name) }
}

/// A program's text and the file it came from.
struct SourceText {
    var text: String
    var file: String
}
