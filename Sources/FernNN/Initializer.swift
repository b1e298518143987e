import FernTensor

/// Weight initializations. `fanIn`/`fanOut` count the connections into and
/// out of one unit (for a conv filter: kh·kw·in and kh·kw·out).
public enum Initializer: String, Sendable {
    case heNormal = "he_normal", heUniform = "he_uniform"
    case glorotNormal = "glorot_normal", glorotUniform = "glorot_uniform"
    case zeros

    public init(name: String) throws {
        guard let value = Initializer(rawValue: name.lowercased()) else {
            throw ModelError("unknown initializer '\(name)' (choose he_normal, he_uniform, glorot_normal, glorot_uniform, zeros)")
        }
        self = value
    }

    public func make(_ shape: [Int], fanIn: Int, fanOut: Int, generator: inout SeededGenerator) throws -> Tensor {
        let fanIn = Float(max(fanIn, 1)), fanOut = Float(max(fanOut, 1))
        switch self {
        case .heNormal: return try Tensor.randomNormal(shape, std: (2 / fanIn).squareRoot(), using: &generator)
        case .heUniform:
            let limit = (6 / fanIn).squareRoot()
            return try Tensor.randomUniform(shape, low: -limit, high: limit, using: &generator)
        case .glorotNormal: return try Tensor.randomNormal(shape, std: (2 / (fanIn + fanOut)).squareRoot(), using: &generator)
        case .glorotUniform:
            let limit = (6 / (fanIn + fanOut)).squareRoot()
            return try Tensor.randomUniform(shape, low: -limit, high: limit, using: &generator)
        case .zeros: return try Tensor.zeros(shape)
        }
    }
}
