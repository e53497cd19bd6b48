import OrbitKit

/// W2: the 25-point straight line between two 784-512-512-512-10 MLPs on train (60k) + test (10k);
/// W5: one epoch of quadratic-Bézier curve fitting between them (batch 128, SGD momentum 0.9).
enum PathWorkloads {
    static let description = "mlp:784-512-512-512-10:relu"

    static func endPoints() -> (Network, ParameterVector<Float>, ParameterVector<Float>) {
        let network = try! Network(parsing: description)
        return (network, network.initialParameters(seed: 1), network.initialParameters(seed: 2))
    }

    static var all: [Workload] {
        [
            Workload(name: "path-line-25/mlp-784-512-512-512-10", flops: 25 * 2 * 70000 * 932_352) {
                let dataset = BenchmarkData.fashionMNISTOrRandom()
                let (network, a, b) = endPoints()
                let evaluator = PathEvaluator(network: network)
                let t = PathProfile.grid(points: 25)
                return { _ = try! evaluator.profile(AffinePath.line(a, b), on: dataset, t: t, name: "line") }
            },
            Workload(name: "bezier-epoch/mlp-784-512-512-512-10", flops: 6 * 60000 * 932_352) {
                let dataset = BenchmarkData.fashionMNISTOrRandom()
                let (network, a, b) = endPoints()
                let config = TrainingConfiguration(
                    epochs: 1, batchSize: 128, learningRate: 0.01, optimizer: .sgd(momentum: 0.9), seed: 0)
                let fitter = try! CurveFitter(
                    network: network, dataset: Dataset(name: dataset.name, train: dataset.train, test: nil),
                    kind: .bezier, from: a, to: b,
                    configuration: config)
                let start = fitter.initialState()
                return { _ = try! fitter.run(from: start) }
            },
        ]
    }
}
