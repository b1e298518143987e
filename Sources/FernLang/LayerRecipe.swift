import FernNN

/// A layer described but not yet part of a model, as `conv2d(32, 3)` makes
/// it. `sequential` builds a fresh layer from the recipe for each model, so
/// one recipe can go into several models without them sharing weights.
public struct LayerRecipe {
    /// How the layer shows: `Conv2D(filters=32, kernel=3x3, padding=same, activation=relu)`.
    public let summary: String
    /// Every setting of the layer, as a saved model's architecture records it.
    public let config: LayerConfig
    let make: () throws -> Layer

    /// Makes one layer now, so a bad setting is reported where the layer is written.
    init(_ make: @escaping () throws -> Layer) throws {
        let layer = try make()
        self.make = make
        config = layer.config
        summary = LayerRecipe.describe(config)
    }

    private static func describe(_ c: LayerConfig) -> String {
        if c.type == "Residual" {
            func list(_ configs: [LayerConfig]) -> String { "[" + configs.map(describe).joined(separator: ", ") + "]" }
            let shortcut = (c.shortcut ?? []).isEmpty ? "" : ", shortcut=" + list(c.shortcut!)
            return "Residual(" + list(c.layers ?? []) + shortcut + ", activation=\(c.activation ?? "linear"))"
        }
        func pair(_ v: [Int]?) -> String? { v.map { $0.map(String.init).joined(separator: "x") } }
        let fields: [(String, String?)] = [
            ("filters", c.filters.map(String.init)), ("units", c.units.map(String.init)),
            ("kernel", pair(c.kernelSize)), ("pool", pair(c.poolSize)),
            ("strides", pair(c.strides).flatMap { $0 == pair(c.poolSize) || $0 == "1x1" ? nil : $0 }),
            ("padding", c.padding == "valid" ? nil : c.padding),
            ("activation", c.activation == "linear" || c.type == "Activation" ? nil : c.activation),
            ("rate", c.rate.map { "\($0)" }), ("momentum", c.momentum.map { "\($0)" }),
        ]
        let shown = fields.compactMap { name, value in value.map { "\(name)=\($0)" } }
        let head = c.type == "Activation" ? (c.activation ?? "linear") : c.type
        return head + "(" + shown.joined(separator: ", ") + ")"
    }
}
