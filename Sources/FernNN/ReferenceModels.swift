/// The two models of the assignment report, as the benchmarks define them
/// (SEED_CNN: 2,207,893 trainable parameters; SEED_DNN: 2,237,973).
extension Sequential {
    public static func seedCNN(classes: Int = 7, seed: UInt64 = 0) throws -> Sequential {
        var layers: [Layer] = []
        for (filters, dropout) in [(64, Float(0.25)), (128, 0.25), (256, 0.5)] {
            layers += [try Conv2DLayer(filters: filters, kernelSize: (5, 5), padding: .same, activation: .relu),
                       try PoolingLayer(.max), try BatchNormLayer(), try DropoutLayer(rate: dropout)]
        }
        layers += [FlattenLayer(), try DenseLayer(units: 128), try BatchNormLayer(), ActivationLayer(.relu),
                   try DenseLayer(units: classes), try BatchNormLayer(), ActivationLayer(.softmax)]
        return try Sequential(layers, inputShape: [48, 48, 1], seed: seed)
    }

    public static func seedDNN(classes: Int = 7, seed: UInt64 = 0) throws -> Sequential {
        var layers: [Layer] = [FlattenLayer()]
        for (units, dropout) in [(512, Float(0.25)), (1024, 0.5), (512, 0.5)] {
            layers += [try DenseLayer(units: units), try BatchNormLayer(), ActivationLayer(.relu), try DropoutLayer(rate: dropout)]
        }
        layers += [try DenseLayer(units: classes), try BatchNormLayer(), ActivationLayer(.softmax)]
        return try Sequential(layers, inputShape: [48, 48, 1], seed: seed)
    }

    /// A VGG-style network tuned for FER2013: three blocks of two 3x3
    /// convolutions (64, 128, 256 filters) with batch norm, each closed by
    /// max pooling and dropout, then a 512-unit dense layer. Smaller kernels
    /// stacked twice see as far as one 5x5 with fewer weights and one more
    /// non-linearity, which is what the best single FER2013 networks do.
    public static func tunedCNN(classes: Int = 7, seed: UInt64 = 0) throws -> Sequential {
        var layers: [Layer] = []
        for (filters, dropout) in [(64, Float(0.25)), (128, 0.3), (256, 0.4)] {
            for _ in 0..<2 {
                layers += [try Conv2DLayer(filters: filters, kernelSize: (3, 3), padding: .same, activation: .relu,
                                           initializer: .heNormal),
                           try BatchNormLayer()]
            }
            layers += [try PoolingLayer(.max), try DropoutLayer(rate: dropout)]
        }
        layers += [FlattenLayer(), try DenseLayer(units: 512, initializer: .heNormal), try BatchNormLayer(),
                   ActivationLayer(.relu), try DropoutLayer(rate: 0.5),
                   try DenseLayer(units: classes), ActivationLayer(.softmax)]
        return try Sequential(layers, inputShape: [48, 48, 1], seed: seed)
    }
}

extension Sequential {
    /// A small residual network for 48x48 faces: a stem of two 3x3 convolutions (32, 64) at full
    /// size and 2x2 max pooling, then four residual blocks (64, 128, 256, 512 filters; two 3x3 conv + batch norm each,
    /// a 1x1 projection where the channels change), the first three closed by 2x2 max pooling,
    /// then global average pooling, dropout and the classifier.
    public static func residualNetwork(classes: Int = 7, seed: UInt64 = 0) throws -> Sequential {
        func conv(_ filters: Int, _ size: Int, activation: Activation = .linear) throws -> Conv2DLayer {
            try Conv2DLayer(filters: filters, kernelSize: (size, size), padding: .same, activation: activation,
                            useBias: false, initializer: .heNormal)
        }
        func block(_ filters: Int, from channels: Int) throws -> ResidualLayer {
            try ResidualLayer(body: [try conv(filters, 3), try BatchNormLayer(), ActivationLayer(.relu),
                                     try conv(filters, 3), try BatchNormLayer()],
                              shortcut: filters == channels ? [] : [try conv(filters, 1), try BatchNormLayer()])
        }
        var layers: [Layer] = [try conv(32, 3), try BatchNormLayer(), ActivationLayer(.relu),
                               try conv(64, 3), try BatchNormLayer(), ActivationLayer(.relu), try PoolingLayer(.max)]
        var channels = 64
        for filters in [64, 128, 256, 512] {
            layers.append(try block(filters, from: channels))
            if filters < 512 { layers.append(try PoolingLayer(.max)) }
            channels = filters
        }
        layers += [GlobalAveragePoolingLayer(), try DropoutLayer(rate: 0.4), try DenseLayer(units: classes), ActivationLayer(.softmax)]
        return try Sequential(layers, inputShape: [48, 48, 1], seed: seed)
    }

    /// The VGG variant of the best published single FER2013 network (Khaireddin & Chen, 2021):
    /// four blocks of two 3x3 convolutions with batch norm (64, 128, 256, 512 filters), each closed
    /// by max pooling, then a 1024-unit dense layer; wider and deeper than the tuned CNN.
    public static func vgg(classes: Int = 7, seed: UInt64 = 0) throws -> Sequential {
        var layers: [Layer] = []
        for (filters, dropout) in [(64, Float(0.2)), (128, 0.25), (256, 0.3), (512, 0.4)] {
            for _ in 0..<2 {
                layers += [try Conv2DLayer(filters: filters, kernelSize: (3, 3), padding: .same, activation: .relu,
                                           initializer: .heNormal),
                           try BatchNormLayer()]
            }
            layers += [try PoolingLayer(.max), try DropoutLayer(rate: dropout)]
        }
        layers += [FlattenLayer(), try DenseLayer(units: 1024, initializer: .heNormal), try BatchNormLayer(),
                   ActivationLayer(.relu), try DropoutLayer(rate: 0.5),
                   try DenseLayer(units: classes), ActivationLayer(.softmax)]
        return try Sequential(layers, inputShape: [48, 48, 1], seed: seed)
    }
}

/// The ready-made models by the names `fern train --model` takes.
public enum ReferenceModel: String, CaseIterable, Sendable {
    case seedCNN = "seed-cnn", seedDNN = "seed-dnn", tunedCNN = "tuned-cnn", resnet = "resnet", vgg = "vgg"

    /// The model's name in Fern's language (`tuned_cnn`); the command line's is the raw value (`tuned-cnn`).
    public var languageName: String { rawValue.replacingOccurrences(of: "-", with: "_") }

    /// A model by either spelling of its name.
    public init(named name: String) throws {
        guard let model = Self(rawValue: name.replacingOccurrences(of: "_", with: "-")) else {
            throw ModelError("unknown model '\(name)' (choose \(Self.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        self = model
    }

    /// The ready-made model's name that `model` is an instance of, or "custom".
    public static func name(of model: Sequential) -> String {
        let architecture = Architecture(of: model)
        let classes = model.outputShape.last ?? 0
        return allCases.first { (try? Architecture(of: $0.make(classes: classes, seed: 0))) == architecture }?.rawValue ?? "custom"
    }

    public func make(classes: Int, seed: UInt64) throws -> Sequential {
        switch self {
        case .seedCNN: try .seedCNN(classes: classes, seed: seed)
        case .seedDNN: try .seedDNN(classes: classes, seed: seed)
        case .tunedCNN: try .tunedCNN(classes: classes, seed: seed)
        case .resnet: try .residualNetwork(classes: classes, seed: seed)
        case .vgg: try .vgg(classes: classes, seed: seed)
        }
    }
}
