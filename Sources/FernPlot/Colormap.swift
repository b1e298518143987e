/// A map from a value in 0...1 to a color: a small table of evenly spaced
/// stops, linearly interpolated (the tables sample matplotlib's maps).
public struct Colormap: Equatable, Sendable {
    /// The name users pass, e.g. "viridis".
    public let name: String
    let stops: [Color]

    init(name: String, hexStops: String) {
        self.name = name
        stops = hexStops.split(separator: " ").map { Color(rgb: UInt32($0, radix: 16)!) }
    }

    /// Black to white.
    public static let gray = Colormap(name: "gray", hexStops: "000000 ffffff")
    /// matplotlib's default perceptually uniform map, dark blue to yellow.
    public static let viridis = Colormap(name: "viridis", hexStops:
        "440154 48186a 472d7b 424086 3b528b 33638d 2c728e 26828e 21918c 1f9f88 27ad81 3dbc74 5cc863 81d34d aadc32 d5e21a fde725")
    /// Google's Turbo: a smooth jet-like rainbow, dark blue to dark red.
    public static let turbo = Colormap(name: "turbo", hexStops:
        "30123b 4040a2 466be3 4294ff 28bceb 18ddc2 32f298 6dfe62 a4fc3c cbed34 ecd13a fdae35 fb8122 ec530f d23105 ac1701 7a0403")
    /// Moreland's diverging blue-gray-red map, for signed values around zero.
    public static let coolwarm = Colormap(name: "coolwarm", hexStops:
        "3b4cc0 4d68d7 6282ea 779af7 8db0fe a3c2ff b8d0f9 ccd9ee dddddd ecd3c5 f5c4ad f7b194 f49a7b ec7f63 de604d cb3e38 b40426")

    /// Every built-in colormap.
    public static let all: [Colormap] = [.gray, .viridis, .turbo, .coolwarm]

    /// The built-in colormap with this name (case-insensitive), or nil.
    public init?(named name: String) {
        guard let found = Colormap.all.first(where: { $0.name == name.lowercased() }) else { return nil }
        self = found
    }

    /// The color for `fraction` (clamped to 0...1; NaN counts as 0).
    public func color(at fraction: Double) -> Color {
        let clamped = fraction.isNaN ? 0 : min(max(fraction, 0), 1)
        let position = clamped * Double(stops.count - 1)
        let index = min(Int(position), stops.count - 2)
        return stops[index + 1].blended(over: stops[index], amount: position - Double(index))
    }
}
