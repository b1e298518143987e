/// Reverse-mode automatic differentiation.
///
/// Every differentiable op computes its result and, when recording, attaches a
/// `Node` whose `backward` closure maps the gradient of the result to the
/// gradients of its inputs (a vector-Jacobian product). `gradients(of:wrt:)`
/// walks the graph in reverse topological order and sums contributions, so a
/// tensor used several times receives the sum of all its uses.
final class Node {
    typealias Backward = (_ grad: Tensor, _ needs: [Bool]) throws -> [Tensor?]

    let op: String
    let shape: [Int]
    let parents: [Node?]
    let backward: Backward?

    init(op: String, shape: [Int], parents: [Node?], backward: Backward?) {
        self.op = op
        self.shape = shape
        self.parents = parents
        self.backward = backward
    }
}

/// Whether ops record the autodiff graph. Off inside `withoutGradients`
/// (inference) and while a backward pass runs.
public enum GradientMode {
    // Task-local so concurrent tasks (tests, a future worker) never see each
    // other's setting; outside any task it behaves as a thread-local.
    @TaskLocal static var isRecording = true

    /// Runs `body` without recording any graph: cheaper inference.
    public static func withoutGradients<T>(_ body: () throws -> T) rethrows -> T {
        try $isRecording.withValue(false) { try body() }
    }

    public static var isEnabled: Bool { isRecording }

    /// Whether ReLU's backward pass is guided backpropagation's (Springenberg et al. 2015): a
    /// gradient passes only where the ReLU's output is positive *and* the gradient itself is.
    @TaskLocal static var isGuided = false

    /// Runs `body` (forward and backward passes) with guided ReLU gradients, for saliency maps.
    public static func guidedBackpropagation<T>(_ body: () throws -> T) rethrows -> T {
        try $isGuided.withValue(true) { try body() }
    }
}

extension Tensor {
    /// Attaches a backward rule to `result` when any input is tracked.
    /// `backward` receives the result's gradient and which inputs need one,
    /// and returns one gradient (or nil) per input, in order.
    func recorded(_ op: String, inputs: [Tensor], backward: @escaping Node.Backward) -> Tensor {
        guard GradientMode.isRecording, inputs.contains(where: { $0.node != nil }) else { return self }
        var result = self
        result.node = Node(op: op, shape: shape, parents: inputs.map(\.node), backward: backward)
        return result
    }
}

/// Gradients of the scalar `output` with respect to each tensor in `wrt`.
/// Each `wrt` tensor must be tracked (`requiringGrad()` or a result of
/// tracked ops); one that `output` does not depend on gets zeros.
///
/// With `seed`, `output` may have any shape: the result is the
/// vector-Jacobian product of `seed` (what `Σ output·seed` would give).
public func gradients(of output: Tensor, seed: Tensor? = nil, wrt inputs: [Tensor]) throws -> [Tensor] {
    if let seed {
        guard seed.shape == output.shape else {
            throw TensorError.shapes("gradients", output.shape, seed.shape, detail: "the seed must have the output's shape")
        }
    } else if output.count != 1 {
        throw TensorError.shapes("gradients", output.shape, detail: "can only differentiate a scalar; reduce it first (sum or mean)")
    }
    for input in inputs where input.node == nil {
        throw TensorError.shapes("gradients", input.shape,
                                 detail: "a tensor asked for a gradient was not marked as requiring one")
    }
    guard let root = output.node else {
        return inputs.map { Tensor(repeating: 0, shape: $0.shape) }
    }
    let order = topologicalOrder(from: root)
    let needed = nodesLeadingTo(Set(inputs.compactMap { $0.node.map(ObjectIdentifier.init) }), order: order)

    var grads: [ObjectIdentifier: Tensor] = [ObjectIdentifier(root): seed?.detached() ?? Tensor(unchecked: root.shape, [1])]
    try GradientMode.withoutGradients {
        for node in order.reversed() {
            let id = ObjectIdentifier(node)
            guard let backward = node.backward, let grad = grads[id] else { continue }
            if !needed.contains(id) { continue }
            let needs = node.parents.map { parent in parent.map { needed.contains(ObjectIdentifier($0)) } ?? false }
            guard needs.contains(true) else { continue }
            let parentGrads = try backward(grad, needs)
            for (parent, parentGrad) in zip(node.parents, parentGrads) {
                guard let parent, let parentGrad, needed.contains(ObjectIdentifier(parent)) else { continue }
                let pid = ObjectIdentifier(parent)
                if var existing = grads[pid] {
                    existing.addInPlace(parentGrad)
                    grads[pid] = existing
                } else {
                    grads[pid] = parentGrad
                }
            }
            if !inputs.contains(where: { $0.node === node }) { grads[id] = nil }
        }
    }
    return inputs.map { input in grads[ObjectIdentifier(input.node!)] ?? Tensor(repeating: 0, shape: input.shape) }
}

/// Nodes reachable from `root`, parents before children; iterative so deep
/// graphs cannot overflow the stack.
private func topologicalOrder(from root: Node) -> [Node] {
    var order: [Node] = []
    var visited: Set<ObjectIdentifier> = []
    var stack: [(Node, Int)] = [(root, 0)]
    visited.insert(ObjectIdentifier(root))
    while let (node, next) = stack.popLast() {
        if next < node.parents.count {
            stack.append((node, next + 1))
            if let parent = node.parents[next], !visited.contains(ObjectIdentifier(parent)) {
                visited.insert(ObjectIdentifier(parent))
                stack.append((parent, 0))
            }
        } else {
            order.append(node)
        }
    }
    return order
}

/// The nodes on some path to one of `targets`: only their gradients are computed.
private func nodesLeadingTo(_ targets: Set<ObjectIdentifier>, order: [Node]) -> Set<ObjectIdentifier> {
    var needed = targets
    for node in order where !needed.contains(ObjectIdentifier(node)) {
        if node.parents.contains(where: { $0.map { needed.contains(ObjectIdentifier($0)) } ?? false }) {
            needed.insert(ObjectIdentifier(node))
        }
    }
    return needed
}
