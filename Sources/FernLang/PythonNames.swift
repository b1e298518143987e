/// What a Python user types, from NumPy, Keras, PyTorch or Python itself, and how Fern says
/// it: the one table behind "did you mean" for unknown names, modules and methods, and
/// behind `help` on operators.
enum PythonNames {
    /// Names and dotted names (`np.dot`), with Fern's spelling.
    static let names: [String: String] = [
        // NumPy and PyTorch functions.
        "matmul": "a @ b", "dot": "a @ b", "np.matmul": "a @ b", "np.dot": "a @ b", "torch.matmul": "a @ b", "torch.mm": "a @ b",
        "np.array": "tensor(values)", "np.asarray": "tensor(values)", "torch.tensor": "tensor(values)", "array": "tensor(values)",
        "np.zeros": "zeros(shape)", "torch.zeros": "zeros(shape)", "np.ones": "ones(shape)", "torch.ones": "ones(shape)",
        "np.full": "full(shape, value)", "np.arange": "arange(start, end)", "torch.arange": "arange(start, end)",
        "np.random.randn": "randn(shape, seed=0)", "torch.randn": "randn(shape, seed=0)",
        "np.random.rand": "rand(shape, seed=0)", "torch.rand": "rand(shape, seed=0)", "np.random": "randn(shape, seed=0) or rand(shape, seed=0)",
        "np.sum": "sum(t, axis=...)", "torch.sum": "sum(t, axis=...)", "np.mean": "mean(t, axis=...)", "torch.mean": "mean(t, axis=...)",
        "np.max": "max(t)", "np.min": "min(t)", "np.argmax": "argmax(t, axis=...)", "torch.argmax": "argmax(t, axis=...)",
        "np.argmin": "argmin(t, axis=...)", "np.exp": "exp(t)", "torch.exp": "exp(t)", "np.log": "log(t)", "torch.log": "log(t)",
        "np.sqrt": "sqrt(t)", "np.abs": "abs(t)", "np.reshape": "reshape(t, shape)", "np.transpose": "transpose(t)",
        "np.save": "save_npy(t, path)", "np.load": "load_npy(path)", "np.shape": "shape(t)",
        "torch.softmax": "softmax(t)", "F.softmax": "softmax(t)", "F.relu": "relu() as a layer, or max(t, 0)",
        "torch.save": "save(model, path)", "torch.load": "load(path)", "torch.onnx.export": "export_onnx(model, path)",
        "backward": "grad(f, x): the gradient of f at x", "torch.autograd.grad": "grad(f, x)",
        // Keras and PyTorch layers and models.
        "Conv2D": "conv2d(filters, size, padding=\"same\")", "nn.Conv2d": "conv2d(filters, size, padding=\"same\")",
        "Dense": "dense(units, activation=...)", "nn.Linear": "dense(units)", "Linear": "dense(units)",
        "MaxPooling2D": "maxpool()", "nn.MaxPool2d": "maxpool()", "AveragePooling2D": "avgpool()", "nn.AvgPool2d": "avgpool()",
        "GlobalAveragePooling2D": "global_avgpool()", "nn.AdaptiveAvgPool2d": "global_avgpool()",
        "BatchNormalization": "batchnorm()", "nn.BatchNorm2d": "batchnorm()", "Dropout": "dropout(rate)", "nn.Dropout": "dropout(rate)",
        "Flatten": "flatten()", "nn.Flatten": "flatten()", "ReLU": "relu", "nn.ReLU": "relu", "Softmax": "softmax",
        "Sequential": "sequential([layers...])", "nn.Sequential": "sequential([layers...])", "keras.Sequential": "sequential([layers...])",
        "load_model": "load(path)", "keras.models.load_model": "load(path)", "to_categorical": "labels stay class numbers; fit takes them",
        "train_test_split": "split(data, 0.1, seed=...)", "confusion_matrix_display": "plot_confusion(matrix)",
        // Python.
        "True": "true", "False": "false", "None": "none", "elif": "else if", "lambda": "x -> expression",
        "import": "nothing to import: every function is built in", "from": "nothing to import: every function is built in",
        "isinstance": "type(x) == \"list\"", "set": "a list, or a dict's keys",
        "plt.imshow": "image(t)", "plt.plot": "line_chart(values)", "plt.bar": "bar_chart(values)", "plt.hist": "histogram(values)",
        "plt.show": "show(figure)", "plt.savefig": "save_figure(figure, path)",
    ]

    /// Modules a Python user expects to exist.
    static let modules: Set<String> = ["np", "numpy", "torch", "nn", "F", "tf", "keras", "layers", "plt", "math", "sklearn"]

    /// Methods of a model (Keras' `model.fit`), with Fern's call.
    static let modelMethods: [String: String] = [
        "fit": "fit(model, data, epochs=...)", "predict": "predict(model, data)", "evaluate": "evaluate(model, data)",
        "summary": "summary(model)", "save": "save(model, path)", "compile": "nothing: fit(model, data, optimizer=..., lr=...) takes the settings",
        "forward": "model(x)", "eval": "nothing: predict and evaluate run in inference mode", "train": "fit(model, data)",
        "parameters": "params(model)", "count_params": "params(model)", "layers": "model.layers",
    ]

    /// Methods of a list or tensor, with Fern's call.
    static let valueMethods: [String: String] = [
        "length": "len(xs)", "size": "len(xs), or shape(t)", "count": "len(xs)", "sort": "sorted(xs)", "reverse": "sorted(xs, reverse=true)",
        "index": "argmax([x == y for x in xs])", "mean": "mean(t)", "sum": "sum(t)", "max": "max(t)", "min": "min(t)",
        "reshape": "reshape(t, shape)", "T": "transpose(t)", "numpy": "the tensor itself", "item": "item(t)",
        "argmax": "argmax(t)", "keys": "d.keys(), on a dict", "append": "xs.append(x), on a list", "items": "d.items(), on a dict",
    ]

    /// What each operator does, for `help("@")`.
    static let operators: [String: String] = [
        "+": "a + b: adds numbers and tensors (broadcasting), joins strings and lists",
        "-": "a - b: subtracts; -a negates",
        "*": "a * b: multiplies numbers, or tensors element by element (broadcasting)",
        "/": "a / b: divides, element by element for tensors",
        "%": "a % b: the remainder of a divided by b (of numbers)",
        "**": "a ** b: a to the power b, element by element for tensors",
        "@": "a @ b: the matrix product of two tensors (NumPy's matmul / dot)",
        "..": "a..b: the numbers from a up to (not including) b, as range(a, b)",
        "->": "x -> expression, (a, b) -> expression: a function written inline (Python's lambda)",
        "==": "a == b: equal (tensors: same shape and values)", "!=": "a != b: not equal",
        "<": "a < b: less than (numbers, strings)", "<=": "a <= b", ">": "a > b", ">=": "a >= b",
        "in": "x in xs: xs holds an element equal to x (lists), x is part of xs (strings), or a number of a range; not in is the opposite",
        "and": "a and b: b if a is true, else a", "or": "a or b: a if a is true, else b", "not": "not a: true when a is false",
        "[]": "xs[i], xs[start:end:step], t[i, j]: an element or a slice; [f(x) for x in xs if p(x)] builds a list",
    ]

    /// "; in Fern: ..." for a Python name or dotted name, if the table knows it.
    static func hint(for name: String) -> String? {
        names[name].map { "; in Fern: \($0)" }
    }
}
