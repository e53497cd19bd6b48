import OrbitKit

/// W1: one training epoch of the 784-512-512-512-10 ReLU MLP with SGD (momentum 0.9), batch 128, on
/// Fashion-MNIST's 60 000 training images (random data of the same shape when the data set is not
/// installed, which times the same arithmetic).
enum TrainingWorkloads {
    static var all: [Workload] {
        [
            Workload(name: "train-epoch/mlp-784-512-512-512-10", flops: epochFlops) {
                let dataset = BenchmarkData.fashionMNISTOrRandom()
                let network = try! Network(parsing: "mlp:784-512-512-512-10:relu")
                let config = TrainingConfiguration(
                    epochs: 1, batchSize: 128, learningRate: 0.01, optimizer: .sgd(momentum: 0.9), seed: 0)
                let trainer = try! Trainer<Float>(
                    network: network, dataset: Dataset(name: dataset.name, train: dataset.train, test: nil),
                    configuration: config)
                let start = trainer.initialState()
                return { _ = try! trainer.run(from: start) }
            }
        ]
    }

    /// Forward (1×) and backward (2×) GEMM flops of one epoch: 6·n·Σ in·out.
    static var epochFlops: Double {
        6 * 60000 * Double(784 * 512 + 512 * 512 * 2 + 512 * 10)
    }
}
