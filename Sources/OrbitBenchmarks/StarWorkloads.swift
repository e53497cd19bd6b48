import OrbitKit

/// Star-centre finding (Lin, Li & Wu 2024, Eq. 6–7): one epoch of ``CentreFitter`` for the paper's
/// FNN 784-500-300-10 (545 810 parameters) with 5 feet.
///
/// One epoch = 60 000 / 200 = 300 steps; each step draws one foot (B_r = 1) and B_t = 3 values of t,
/// runs forward and backward at the 3 points t·θ + (1 − t)·θ_i on the same minibatch of 200, and takes
/// one Adam step (lr 0.01) on the centre. The reference `benchmarks/reference/star.py` does the same.
enum StarWorkloads {
    static let description = "mlp:784-500-300-10:relu"

    static var all: [Workload] {
        [
            Workload(name: "centre-epoch/fnn-784-500-300-10", flops: 3 * 6 * 60000 * 545_810) {
                let dataset = BenchmarkData.fashionMNISTOrRandom()
                let network = try! Network(parsing: description)
                let feet = (1...5).map { network.initialParameters(seed: UInt64($0), as: Float.self) }
                let config = CentreConfiguration(
                    epochs: 1, batchSize: 200, learningRate: 0.01, optimizer: .adam(), feetPerStep: 1, tPerStep: 3,
                    seed: 0)
                let fitter = try! CentreFitter(
                    network: network, dataset: Dataset(name: dataset.name, train: dataset.train, test: nil),
                    feet: feet, configuration: config)
                let start = try! fitter.initialState()
                return { _ = try! fitter.run(from: start) }
            }
        ]
    }
}
