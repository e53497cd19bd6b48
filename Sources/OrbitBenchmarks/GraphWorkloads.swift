import OrbitKit

/// The layer graph's workloads, against `benchmarks/reference/graph.py` (PyTorch, 2 threads):
/// W-graph-1, one training epoch of `resnet20:w=16` with BatchNorm on Fashion-MNIST (batch 128, SGD
/// lr 0.1 momentum 0.9); W-graph-2, the 25-point straight line between two such ResNet-20s with
/// BatchNorm statistics reset at every point (statistics pass over train in batches of 1000, then
/// train and test evaluated). `ORBIT_BENCH_SAMPLES` (run.py --samples) limits both splits on both sides.
enum GraphWorkloads {
    static let description = "resnet20:w=16:bn"

    static var all: [Workload] {
        [
            Workload(name: "train-epoch/resnet20-w16-bn", flops: nil) {
                let dataset = BenchmarkData.images()
                let network = try! Network(parsing: description)
                let config = TrainingConfiguration(
                    epochs: 1, batchSize: 128, learningRate: 0.1, optimizer: .sgd(momentum: 0.9), seed: 0)
                let trainer = try! Trainer<Float>(
                    network: network, dataset: Dataset(name: dataset.name, train: dataset.train, test: nil),
                    configuration: config)
                let start = trainer.initialState()
                return { _ = try! trainer.run(from: start) }
            },
            Workload(name: "path-line-25/resnet20-w16-bn-reset", flops: nil) {
                let dataset = BenchmarkData.images()
                let network = try! Network(parsing: description)
                let a: ParameterVector<Float> = network.initialParameters(seed: 1)
                let b: ParameterVector<Float> = network.initialParameters(seed: 2)
                let evaluator = PathEvaluator(network: network, batchSize: 1000, batchNorm: .reset)
                let t = PathProfile.grid(points: 25)
                return { _ = try! evaluator.profile(AffinePath.line(a, b), on: dataset, t: t, name: "line") }
            },
        ]
    }
}
