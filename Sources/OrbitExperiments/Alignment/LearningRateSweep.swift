import Foundation
import OrbitAlignment
import OrbitData
import OrbitNetworks
import OrbitNumerics
import OrbitTraining

/// One run of the learning-rate sweep of Fig. 2 (Ferbach et al. 2024, §6; docs/math/alignment.md §6).
public struct LearningRateRunConfiguration: Codable, Hashable, Sendable {
    public var learningRate: Double
    /// Data set specification (`fashion-mnist`, or a synthetic fallback).
    public var data: String
    /// At most this many samples per split.
    public var limit: Int?
    /// Network description, e.g. `mlp:784-256-256-10:relu`.
    public var architecture: String
    public var epochs: Int
    public var batchSize: Int
    /// Repetition index: the two models use training seeds 2·seed and 2·seed + 1 (the notebook's s, s+1).
    public var seed: UInt64
    /// Training samples used to estimate Σ and the activations for matching.
    public var statisticsSamples: Int

    public init(
        learningRate: Double, data: String, limit: Int?, architecture: String, epochs: Int, batchSize: Int,
        seed: UInt64 = 0, statisticsSamples: Int = 2000
    ) {
        self.learningRate = learningRate
        self.data = data
        self.limit = limit
        self.architecture = architecture
        self.epochs = epochs
        self.batchSize = batchSize
        self.seed = seed
        self.statisticsSamples = statisticsSamples
    }
}

/// Fig. 2 of Ferbach et al.: for each learning rate, train two MLPs from different seeds (SGD,
/// momentum 0.9, warm-up + cosine schedule as the notebook [C], with `Trainer`), then measure the
/// test loss at the midpoint ½(θ_A + θ̃_B) for four alignments of B — none, naive weight matching
/// (incoming weights), Σ-weighted weight matching ("WM (ours)"), activation matching — beside the
/// end points' mean test loss; and, per hidden layer ℓ of A, the approximate dimension
/// Dim(S) = tr(S)²/tr(S²) of S = W_ℓᵀW_ℓ, W_ℓ Σ_{ℓ−1} W_ℓᵀ and Σ_ℓ (docs/math/alignment.md §6, metrics [C]).
/// Matching uses ``LayerwiseAlignment`` (the notebook's cost matrices); the alignment library's
/// `SigmaWeightedMatching` and `ActivationMatching(statistic: .covariance)` are run as cross-checks
/// (`midpoint.library-sigma-weight-matching`, `midpoint.library-activation-matching`) and
/// Git Re-Basin's `WeightMatching` as an extra (`midpoint.rebasin-weight-matching`). Cost per run:
/// two trainings plus a few assignments per hidden layer and method.
public enum LearningRateSweep {
    public static let kind = "lr"

    /// The data spec to use: `requested`, or a synthetic regression when it is Fashion-MNIST and
    /// the files are missing (the reason is returned, nil when no fallback happened).
    public static func resolveData(_ requested: String) -> (spec: String, fallback: String?) {
        if requested.hasPrefix("fashion-mnist") {
            let parts = requested.split(separator: ":", maxSplits: 1)
            let available =
                parts.count == 2 ? FashionMNIST.isAvailable(in: String(parts[1])) : FashionMNIST.isAvailable()
            if !available {
                return (
                    fallbackData,
                    "Fashion-MNIST is not installed here; used \(fallbackData) (a synthetic regression, MSE) instead"
                )
            }
        }
        return (requested, nil)
    }

    /// The synthetic stand-in for Fashion-MNIST: 10 outputs, 64 inputs.
    public static let fallbackData = "synthetic:regression:d=64,k=10,n=4000,test=1000,noise=0.5,seed=0"

    /// The input and output sizes of a data set (loads at most one sample per split).
    public static func shape(_ spec: String) throws -> (inputs: Int, outputs: Int) {
        let data = try DatasetSpec(parsing: spec, limit: 1).load()
        switch data.train.targets {
        case .classes(_, let k): return (data.train.featureCount, k)
        case .values(let v): return (data.train.featureCount, v.columns)
        }
    }

    /// The network for `data` when none is given: `mlp:IN-h-h-OUT:relu`.
    public static func defaultArchitecture(inputs: Int, outputs: Int, hidden: Int) -> String {
        "mlp:\(inputs)-\(hidden)-\(hidden)-\(outputs):relu"
    }

    public static func sweep(
        learningRates: [Double], data: String, limit: Int?, architecture: String, epochs: Int, batchSize: Int,
        seeds: [UInt64] = [0], statisticsSamples: Int = 2000
    ) -> Sweep<LearningRateRunConfiguration> {
        var runs: [LearningRateRunConfiguration] = []
        for seed in seeds {
            for lr in learningRates {
                runs.append(
                    LearningRateRunConfiguration(
                        learningRate: lr, data: data, limit: limit, architecture: architecture, epochs: epochs,
                        batchSize: batchSize, seed: seed, statisticsSamples: statisticsSamples))
            }
        }
        return Sweep(kind: kind, runs: runs, xKey: "learningRate", logX: true) { try run($0) }
    }

    /// The alignment methods compared, with their metric names ("none" is no alignment; the paper's
    /// "Naive WM" is `weight-matching`).
    public static let methods: [(name: String, cost: LayerwiseAlignment.Cost?)] = [
        ("none", nil), ("weight-matching", .weights), ("sigma-weight-matching", .sigmaWeights),
        ("activation-matching", .activations),
    ]

    public static func run(_ c: LearningRateRunConfiguration) throws -> [String: Double] {
        let dataset = try DatasetSpec(parsing: c.data, limit: c.limit).load()
        let network = try Network(parsing: c.architecture)
        guard let test = dataset.test else {
            throw SweepError.badConfiguration("\(c.data) has no test split (Fig. 2 reports test losses)")
        }
        let models = try [2 &* c.seed, 2 &* c.seed &+ 1].map { seed -> ParameterVector<Float> in
            let configuration = TrainingConfiguration(
                epochs: c.epochs, batchSize: c.batchSize, learningRate: c.learningRate,
                optimizer: .sgd(momentum: 0.9), schedule: .warmupCosine(warmupEpochs: min(1, Double(c.epochs) / 10)),
                seed: seed)
            let trainer = try Trainer<Float>(network: network, dataset: dataset, configuration: configuration)
            return try trainer.run(from: trainer.initialState()).parameters
        }
        let (a, b) = (models[0], models[1])
        let statistics = dataset.train.prefix(c.statisticsSamples).features
        var metrics: [String: Double] = [:]
        let endA = network.evaluate(a, on: test), endB = network.evaluate(b, on: test)
        metrics["endpoint_loss"] = (endA.loss + endB.loss) / 2
        if let accA = endA.accuracy, let accB = endB.accuracy { metrics["endpoint_accuracy"] = (accA + accB) / 2 }
        for (name, cost) in methods {
            var end = b
            if let cost {
                let alignment = LayerwiseAlignment(network: network, cost: cost)
                end = alignment.apply(try alignment.permutations(a, b, inputs: statistics), to: b)
            }
            let mid = network.evaluate(.lerp(a, end, 0.5), on: test)
            metrics["midpoint.\(name)"] = mid.loss
            if let acc = mid.accuracy { metrics["midpoint_accuracy.\(name)"] = acc }
        }
        // Cross-checks with the alignment library: its Σ-weighted matching (coordinate descent over the
        // same costs) and covariance activation matching (must agree with ours), and Git Re-Basin weight matching (incoming and outgoing
        // weights and biases), which the paper does not plot.
        let spec = try PermutationSpec(network: network)
        let library: [(String, MatchingResult)] = [
            (
                "library-sigma-weight-matching",
                try SigmaWeightedMatching(seed: c.seed).match(network: network, a, b, inputs: statistics, spec: spec)
            ),
            (
                "library-activation-matching",
                try ActivationMatching(statistic: .covariance).match(
                    network: network, a, b, inputs: statistics, spec: spec)
            ),
            ("rebasin-weight-matching", try WeightMatching(seed: c.seed).match(a, b, spec: spec)),
        ]
        for (name, result) in library {
            let mid = network.evaluate(.lerp(a, spec.apply(result.permutations, to: b), 0.5), on: test)
            metrics["midpoint.\(name)"] = mid.loss
            if let acc = mid.accuracy { metrics["midpoint_accuracy.\(name)"] = acc }
        }
        let hidden = LayerwiseAlignment.hiddenActivations(network: network, parameters: a, inputs: statistics)
        for (k, names) in (LayerwiseAlignment.denseTensors(network) ?? []).enumerated().dropLast() {
            let w = a.tensor(names.weight)!.converted(to: Double.self)
            let sigmaIn = LayerwiseAlignment.secondMoment(hidden[k])
            let l = "layer\(k + 1)"
            metrics["dim.\(l).WtW"] = NeuronTransport.approximateDimension(
                Matrix.product(w, w, transposeA: .transposed))
            metrics["dim.\(l).WSigmaWt"] = NeuronTransport.approximateDimension(
                Matrix.product(w * sigmaIn, w, transposeB: .transposed))
            metrics["dim.\(l).Sigma"] = NeuronTransport.approximateDimension(
                LayerwiseAlignment.secondMoment(hidden[k + 1]))
        }
        return metrics
    }
}
