import Foundation
import OrbitData
import OrbitNetworks
import OrbitNumerics
import OrbitPaths
import OrbitStar
import OrbitTraining

/// Shared pieces of the trained star experiments (Lin, Li & Wu 2024, §5): the data with its
/// fallback, independently trained minima, and a two-foot NGD estimate.
enum StarExperiments {
    /// The classification data of the FNN experiments: `spec` (Fashion-MNIST by default), limited to
    /// `limit` samples per split; a synthetic stand-in of the same shape when it cannot be loaded.
    /// Returns the data and, for the fallback, why (for the claim's `differences`).
    static func classificationData(_ spec: String, limit: Int?, seed: UInt64) -> (Dataset, fallback: String?) {
        do {
            if spec.hasPrefix("fashion-mnist") && !FashionMNIST.isAvailable() {
                throw DataError.fashionMNISTNotFound(directory: FashionMNIST.defaultDirectory, missing: "the IDX files")
            }
            return (try DatasetSpec(parsing: spec, limit: limit).load(), nil)
        } catch {
            let n = limit ?? 6000
            let synthetic = "synthetic:random-labels:d=784,k=10,n=\(n),test=\(max(n / 5, 100)),seed=\(seed)"
            let dataset = (try? DatasetSpec(parsing: synthetic).load())!
            return (
                dataset,
                "\(spec) unavailable (\(error)); used \(synthetic) (labels independent of inputs: memorisation)"
            )
        }
    }

    /// `count` minima trained independently (seeds seed+1 … seed+count) with `configuration`: its
    /// epochs, or to the `plateau` of the epoch losses with its epochs as the cap. With `states`,
    /// minimum k checkpoints to and resumes from `NAME-k-seedS` (S its seed).
    static func trainMinima(
        network: Network, dataset: Dataset, count: Int, configuration: TrainingConfiguration, seed: UInt64,
        progress: ProgressReporter, plateau: TrainingPlateau? = nil, states: ClaimStateStore? = nil,
        name: String = "minimum"
    ) throws -> [(parameters: ParameterVector<Float>, train: SplitMetrics, epochs: Int)] {
        try (1...count).map { k in
            var config = configuration
            config.seed = seed &+ UInt64(k)
            let trainer = try Trainer<Float>(
                network: network, dataset: Dataset(name: dataset.name, train: dataset.train, test: nil),
                configuration: config, progress: progress)
            let state = try states.train(trainer, name: "\(name)-\(k)-seed\(config.seed)", plateau: plateau)
            return (
                state.parameters, network.evaluate(state.parameters, on: dataset.train, loss: config.loss),
                state.completedEpochs
            )
        }
    }

    /// Two-layer ReLU student f(x) = Σ_i ReLU(w_i·x) of the paper (§4.1: no output weights, i.e. fixed
    /// at 1) as `mlp:d-m-1:relu:nobias` with the output row frozen at ones; trained with full-batch Adam.
    /// Returns the parameters and the final training loss (mean squared error). With `plateau`, `steps`
    /// is the cap and training stops once the loss, read every `plateauBlock` steps as one epoch's,
    /// has reached the plateau (``TrainingPlateau``).
    static func trainStudent(
        width m: Int, dataset: Dataset, steps: Int, learningRate: Double, seed: UInt64,
        plateau: TrainingPlateau? = nil, plateauBlock: Int = 100
    ) throws -> (ParameterVector<Float>, Double) {
        var student = try Student(width: m, dataset: dataset, seed: seed)
        var blockLosses: [Double] = []
        for step in 0..<steps {
            let loss = student.loss()
            if let plateau, step > 0, step % plateauBlock == 0 {
                blockLosses.append(loss)
                if plateau.isReached(blockLosses) { break }
            }
            student.update(learningRate: learningRate)
        }
        return (student.theta, student.trainLoss)
    }

    /// The teacher–student student of Lin, Li & Wu's Fig. 3 in training: `mlp:d-m-1:relu:nobias` with
    /// an N(0, 1/m²) first layer and the output row frozen at ones, full-batch Adam on the training
    /// split. ``loss()`` runs the forward pass and seeds the gradient; ``update(learningRate:)``
    /// back-propagates and steps with the output row's gradient zeroed. O(n·m·d) per step.
    struct Student {
        let network: Network
        let dataset: Dataset
        var theta: ParameterVector<Float>
        let workspace: NetworkWorkspace<Float>
        let loader: BatchLoader<Float>
        let optimizer: OptimizerState<Float>
        let frozen: TensorSpec

        init(width m: Int, dataset: Dataset, seed: UInt64) throws {
            let d = dataset.train.featureCount
            network = try Network(parsing: "mlp:\(d)-\(m)-1:relu:nobias")
            self.dataset = dataset
            var g = SeededGenerator(seed: seed)
            theta = ParameterVector<Float>(layout: network.layout)
            theta.setTensor(
                "layers.0.weight",
                to: Matrix<Float>.normal(rows: m, columns: d, standardDeviation: 1 / Double(m), generator: &g))
            theta.setTensor("layers.2.weight", to: Matrix(rows: 1, columns: m, repeating: 1))
            let n = dataset.train.count
            workspace = NetworkWorkspace<Float>(network: network, capacity: n)
            loader = BatchLoader<Float>(split: dataset.train, capacity: n)
            loader.load(0..<n)
            optimizer = OptimizerState<Float>(.adam(), count: theta.count)
            frozen = network.layout.tensor(named: "layers.2.weight")!
        }

        /// The training loss sum at θ (mean squared error), the gradient seeded.
        func loss() -> Double {
            workspace.forward(theta, inputs: loader.inputs)
            return loader.withTargets { workspace.loss(.meanSquaredError, targets: $0, gradient: true) }.lossSum
        }

        /// One Adam step from the gradient seeded by ``loss()``, the output row held fixed.
        mutating func update(learningRate: Double) {
            workspace.backward(theta, inputs: loader.inputs)
            var gradient = workspace.gradient
            gradient.withUnsafeMutableBufferPointer { buffer in
                for i in frozen.offset..<(frozen.offset + frozen.count) { buffer[i] = 0 }
            }
            optimizer.step(&theta, gradient: gradient, learningRate: learningRate)
        }

        /// The mean squared error over the training split at θ.
        var trainLoss: Double { network.evaluate(theta, on: dataset.train, loss: .meanSquaredError).loss }
    }

    /// Fits a centre for two minima with the penalty λ‖θ − θ_i‖² (Eq. 8's estimate) and returns it
    /// with the NGD bound and the fold-line's and direct line's path-max training loss.
    /// With `states`, the fit checkpoints to and resumes from `name`.
    static func ngd(
        network: Network, dataset: Dataset, feet: [ParameterVector<Float>], configuration: CentreConfiguration,
        points: Int, progress: ProgressReporter, states: ClaimStateStore? = nil, name: String = "centre"
    ) throws -> (bound: Double, foldMax: Double, directMax: Double, endpoints: Double, pair: StarPair) {
        let fitter = try CentreFitter(
            network: network, dataset: dataset, feet: feet, configuration: configuration, progress: progress)
        let state = try states.fit(fitter, name: name)
        let evaluation = try evaluateStar(
            StarCentre(centre: state.centre, feet: feet), names: ["θ1", "θ2"],
            network: network, dataset: Dataset(name: dataset.name, train: dataset.train, test: nil), points: points,
            loss: configuration.loss)
        let pair = evaluation.pairs[0]
        let train = pair.direct.splits["train"]!
        return (
            pair.normalizedGeodesicDistanceBound, pair.fold.barrier(.pathMaximum)!, pair.direct.barrier(.pathMaximum)!,
            max(train.first!.loss, train.last!.loss), pair
        )
    }

    static func mean(_ xs: [Double]) -> Double { xs.isEmpty ? .nan : xs.reduce(0, +) / Double(xs.count) }
}
