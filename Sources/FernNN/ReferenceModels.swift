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
}
