import FernNN
import FernPlot
import FernTensor
import Foundation

/// Runs Fern programs. Variables persist between runs (a REPL session or a
/// notebook's cells) until `reset()`.
public final class Interpreter {
    /// Receives everything `print` and `help` write.
    let output: (String) -> Void
    /// Polled in every loop iteration and call; returning true stops the
    /// running program with an "interrupted" error (the REPL's Ctrl-C).
    public var shouldStop: () -> Bool = { false }
    /// Shows a figure: the REPL saves it into a folder and the notebook runner
    /// into its output folder, each under a stable name. `name` is the name the
    /// program asked for, if any; the result is the path written. Called by
    /// `show(figure)` and for a figure left as a statement's value.
    /// By default figures go to `fern-figures/` (see `FigureFolder`).
    public var display: (Figure, _ name: String?) throws -> String = Interpreter.saving(in: FigureFolder(path: "fern-figures"))
    /// Makes the progress reporter for each training run (live bar on a
    /// terminal, epoch lines otherwise; a notebook routes them into its report).
    public var makeProgress: () -> ProgressReporter = { .automatic() }
    let globalScope = Environment()
    private var callDepth = 0
    /// The source being run, recorded in the functions it defines.
    var currentSource = SourceText(text: "", file: "<input>")
    /// The files `use` has run (resolved paths), each run once; and those being run now, outermost
    /// first, to report a cycle.
    var usedFiles: Set<String> = []
    var filesInUse: [String] = []
    /// Deep enough for honest recursion, far below what the stack can hold.
    static let maxCallDepth = 200

    public init(output: @escaping (String) -> Void = { print($0) }) {
        self.output = output
    }

    /// The variables defined so far, by name. Setting it replaces them all
    /// (a notebook runner uses this to inject parameters).
    public var globals: [String: Value] {
        get { globalScope.values }
        set {
            globalScope.removeAll()
            for (name, value) in newValue { globalScope.define(name, value) }
        }
    }

    /// A `display` that saves each figure at the folder's next path.
    public static func saving(in folder: FigureFolder) -> (Figure, String?) throws -> String {
        { figure, name in
            let path = try folder.nextPath(named: name)
            try figure.save(to: path)
            return path
        }
    }

    /// Forgets every variable, and which files `use` has run.
    public func reset() {
        globalScope.removeAll()
        usedFiles.removeAll()
    }

    /// Runs `source` and returns the value of its last statement when that is
    /// an expression whose value is not `none`.
    public func run(_ source: String, file: String = "<input>") throws -> Value? {
        let enclosingSource = currentSource
        currentSource = SourceText(text: source, file: file)
        // A file that uses the one being run makes a cycle.
        let identity = Interpreter.identity(ofFile: file)
        if let identity { filesInUse.append(identity) }
        defer {
            currentSource = enclosingSource
            if identity != nil { filesInUse.removeLast() }
        }
        do {
            return try onLargeStack { try runProgram(source) }
        } catch let error as FernError {
            throw error.attached(to: source, file: file)
        }
    }

    /// Parses and runs `source` (the current source) at the top level.
    func runProgram(_ source: String) throws -> Value? {
        let program = try Parser.parse(source)
        var last: Value?
        for statement in program {
            last = nil
            if case .expression(let expr) = statement {
                last = try evaluate(expr, in: globalScope)
            } else {
                _ = try execute(statement, in: globalScope)
            }
        }
        if case .none? = last { return nil }
        return last
    }

    /// Parses `source` without running it, throwing its first syntax error.
    public func check(_ source: String, file: String = "<input>") throws {
        do {
            _ = try onLargeStack { try Parser.parse(source) }
        } catch let error as FernError {
            throw error.attached(to: source, file: file)
        }
    }

    /// Whether `source` can be run as it is: false while a bracket, brace or
    /// string is still open, so the REPL should read another line.
    public static func isComplete(_ source: String) -> Bool {
        guard let open = Scanner.openBracketCount(of: source) else { return false }
        return open == 0
    }

    // MARK: Statements

    /// How a statement list finished: normally, by `return`, or by `break` or `continue`
    /// (which the enclosing loop takes).
    enum Completion {
        case normal
        case returned(Value)
        case broke
        case continued
    }

    func execute(_ statements: [Stmt], in scope: Environment) throws -> Completion {
        for statement in statements {
            let completion = try execute(statement, in: scope)
            if case .normal = completion { continue }
            return completion
        }
        return .normal
    }

    private func execute(_ statement: Stmt, in scope: Environment) throws -> Completion {
        switch statement {
        case .expression(let expr):
            _ = try evaluate(expr, in: scope)
        case .assign(let names, let expr, let location):
            try assign(names, try evaluate(expr, in: scope), in: scope, at: location)
        case .assignItem(let name, let keyExpr, let expr, let augmenting, let location):
            let key = try evaluate(keyExpr, in: scope)
            var value = try evaluate(expr, in: scope)
            if let op = augmenting {
                guard let container = scope.lookup(name) else { throw FernError.runtime("unknown name '\(name)'", at: location) }
                let current = try locating(keyExpr.location) { try item(of: container, at: key) }
                value = try locating(op.location) { try binary(op, current, value) }
            }
            try setItem(of: name, key: key, to: value, in: scope, at: keyExpr.location)
        case .try(let body, let errorName, let handler, _):
            do {
                return try execute(body, in: scope)
            } catch let error as FernError where !shouldStop() {
                if let errorName { scope.assign(errorName, .string(error.message)) }
                return try execute(handler, in: scope)
            }
        case .use(let path, let location):
            try use(path, at: location)
        case .function(let name, let parameters, let body, _):
            scope.define(name, .function(UserFunction(name: name, parameters: parameters, body: body,
                                                      expression: nil, closure: scope, origin: currentSource)))
        case .return(let expr, _):
            return .returned(try expr.map { try evaluate($0, in: scope) } ?? .none)
        case .for(let names, let sequenceExpr, let body, let location):
            let sequence = try evaluate(sequenceExpr, in: scope)
            return try forEachElement(of: sequence, at: sequenceExpr.location) { element in
                try checkInterrupt(at: location)
                try assign(names, element, in: scope, at: location)
                return try execute(body, in: scope)
            }
        case .while(let condition, let body, let location):
            while try evaluate(condition, in: scope).isTruthy {
                try checkInterrupt(at: location)
                switch try execute(body, in: scope) {
                case .returned(let value): return .returned(value)
                case .broke: return .normal
                case .normal, .continued: continue
                }
            }
        case .break:
            return .broke
        case .continue:
            return .continued
        case .if(let condition, let thenBranch, let elseBranch):
            if try evaluate(condition, in: scope).isTruthy {
                return try execute(thenBranch, in: scope)
            } else if let elseBranch {
                return try execute(elseBranch, in: scope)
            }
        }
        return .normal
    }

    /// Binds one name to the value, or several to the items of a list value; `local` defines
    /// them in `scope` itself (a comprehension's own variables) instead of assigning.
    func assign(_ names: [String], _ value: Value, in scope: Environment, at location: SourceLocation,
                local: Bool = false) throws {
        let bind = local ? scope.define : scope.assign
        guard names.count > 1 else {
            bind(names[0], value)
            return
        }
        guard case .list(let items) = value else {
            throw FernError.runtime("cannot unpack a \(value.typeName) into \(names.count) names; expected a list", at: location)
        }
        guard items.count == names.count else {
            throw FernError.runtime("cannot unpack a list of \(items.count) into \(names.count) names", at: location)
        }
        for (name, item) in zip(names, items) { bind(name, item) }
    }

    func checkInterrupt(at location: SourceLocation?) throws {
        if shouldStop() { throw FernError.runtime("interrupted", at: location) }
    }

    // MARK: Calls

    /// Calls a user function or built-in with evaluated arguments; errors
    /// without a location of their own get `location`.
    func call(_ callee: Value, _ arguments: [Value], _ keywords: [(String, Value)] = [],
              at location: SourceLocation?) throws -> Value {
        try checkInterrupt(at: location)
        guard callDepth < Interpreter.maxCallDepth else {
            throw FernError.runtime("recursion deeper than \(Interpreter.maxCallDepth) calls", at: location)
        }
        callDepth += 1
        defer { callDepth -= 1 }
        switch callee {
        case .function(let function):
            return try callUser(function, arguments, keywords, at: location)
        case .builtin(let builtin):
            return try locating(location) {
                var bound = try Arguments(for: builtin, arguments, keywords)
                return try builtin.implementation(&bound, self)
            }
        case .model(let model):
            return try locating(location) { try Builtins.callModel(model, arguments, keywords) }
        default:
            throw FernError.runtime("cannot call a \(callee.typeName); only functions and models can be called", at: location)
        }
    }

    private func callUser(_ function: UserFunction, _ arguments: [Value], _ keywords: [(String, Value)],
                          at location: SourceLocation?) throws -> Value {
        let parameters = function.parameters
        guard arguments.count <= parameters.count else {
            throw FernError.runtime("\(function.name)() takes \(parameters.count) argument\(parameters.count == 1 ? "" : "s") but \(arguments.count) were given", at: location)
        }
        let scope = Environment(parent: function.closure)
        for (parameter, argument) in zip(parameters, arguments) { scope.define(parameter.name, argument) }
        for (name, value) in keywords {
            guard let position = parameters.firstIndex(where: { $0.name == name }) else {
                throw FernError.runtime("\(function.name)() has no parameter named '\(name)'", at: location)
            }
            guard position >= arguments.count else {
                throw FernError.runtime("\(function.name)() got two values for '\(name)'", at: location)
            }
            scope.define(name, value)
        }
        for parameter in parameters.dropFirst(arguments.count) where scope.values[parameter.name] == nil {
            guard let defaultValue = parameter.defaultValue else {
                throw FernError.runtime("\(function.name)() is missing a value for '\(parameter.name)'", at: location)
            }
            scope.define(parameter.name, try evaluate(defaultValue, in: function.closure))
        }
        do {
            if let expression = function.expression { return try evaluate(expression, in: scope) }
            if case .returned(let value) = try execute(function.body, in: scope) { return value }
            return .none
        } catch let error as FernError where error.location != nil && error.sourceLine == nil {
            throw error.attached(to: function.origin.text, file: function.origin.file)
        }
    }

    /// Runs `body`, giving errors from the tensor and data layers, and Fern
    /// errors without a location, the location of the operation at hand.
    func locating<T>(_ location: SourceLocation?, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch var error as FernError {
            if error.location == nil { error.location = location }
            throw error
        } catch let error as TensorError {
            throw FernError.runtime(error.description, at: location)
        } catch {
            throw FernError.runtime("\(error)", at: location)
        }
    }
}
