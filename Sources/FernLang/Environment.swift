/// A scope of variables. Each function call gets one whose parent is the
/// function's defining scope; the top level is the global scope.
///
/// Reading walks outward. Assignment updates the variable of an enclosing
/// *function* scope when one has the name (so closures can keep counters),
/// and otherwise binds in the innermost scope: assigning to a global's name
/// inside a function makes a local. `for` and `if` blocks open no scope.
final class Environment {
    private(set) var values: [String: Value] = [:]
    let parent: Environment?

    init(parent: Environment? = nil) {
        self.parent = parent
    }

    func lookup(_ name: String) -> Value? {
        values[name] ?? parent?.lookup(name)
    }

    /// Binds `name` in this scope (parameters, `def`).
    func define(_ name: String, _ value: Value) {
        values[name] = value
    }

    /// Binds `name` by the assignment rule above.
    func assign(_ name: String, _ value: Value) {
        var scope: Environment? = self
        while let candidate = scope, candidate.parent != nil {
            if candidate.values[name] != nil {
                candidate.values[name] = value
                return
            }
            scope = candidate.parent
        }
        values[name] = value
    }

    /// Replaces the value of `name` where it lives, in this scope or an enclosing one (a list
    /// changed in place by `append`, as Python changes the one object).
    func update(_ name: String, _ value: Value) {
        var scope: Environment? = self
        while let candidate = scope {
            if candidate.values[name] != nil {
                candidate.values[name] = value
                return
            }
            scope = candidate.parent
        }
        values[name] = value
    }

    /// Every name visible from here, for "did you mean" suggestions.
    var visibleNames: Set<String> {
        Set(values.keys).union(parent?.visibleNames ?? [])
    }

    func removeAll() {
        values.removeAll()
    }
}
