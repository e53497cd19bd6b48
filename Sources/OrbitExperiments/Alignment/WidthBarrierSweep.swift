import Foundation
import OrbitData
import OrbitNetworks
import OrbitNumerics
import OrbitPaths
import OrbitTraining

/// One run of the width sweep of Zhan, Li & Wu (2025): two networks of hidden width `width` trained
/// from different seeds, the barrier of the straight line between them modulo permutation.
public struct WidthBarrierRunConfiguration: Codable, Hashable, Sendable {
    /// m, the hidden width (the `{m}` of ``WidthBarrierSweep/architecture(_:width:)``).
    public var width: Int
    /// Data set specification (e.g. `synthetic:teacher-student:…` or `fashion-mnist`).
    public var data: String
    /// At most this many samples per split.
    public var limit: Int?
    /// The network with `{m}` for the width (e.g. `mlp:8-{m}-1:relu:nobias`); kept as a template so
    /// that the runs of one sweep differ only in `width` and `seed` and collect into one curve.
    public var architecture: String
    public var epochs: Int
    public var batchSize: Int
    public var learningRate: Double
    /// Repetition index: the two networks use training seeds 2·seed and 2·seed + 1.
    public var seed: UInt64
    /// Training samples whose activations drive activation matching.
    public var statisticsSamples: Int
    /// The barrier is measured on the first this-many rows of each split (the path evaluation at 25
    /// points, three times, otherwise costs more than the two trainings).
    public var evaluationSamples: Int

    public init(
        width: Int, data: String, limit: Int?, architecture: String, epochs: Int, batchSize: Int,
        learningRate: Double, seed: UInt64 = 0, statisticsSamples: Int = 1000, evaluationSamples: Int = 2000
    ) {
        self.width = width
        self.data = data
        self.limit = limit
        self.architecture = architecture
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.seed = seed
        self.statisticsSamples = statisticsSamples
        self.evaluationSamples = evaluationSamples
    }
}

/// Zhan, Li & Wu (2025, arXiv 2503.06001; docs/math/alignment.md §11): the loss barrier of the linear
/// interpolation between two trained two-layer ReLU networks, after aligning one onto the other by a
/// permutation of hidden units, against the width m — double descent, then decay like m^{−1/2}.
///
/// Per run: train A and B (Adam, constant learning rate, `Trainer`), align B onto A with
/// ``LayerwiseAlignment`` by weight matching (incoming weights) and by activation matching (hidden
/// activations on `statisticsSamples` training inputs), and evaluate the line A → B̃ at 25 points.
/// Metrics: `barrier.METHOD.SPLIT` = max_t [L(t) − ((1 − t)L(0) + tL(1))] (the convex-combination
/// barrier) for METHOD ∈ none, weight-matching, activation-matching and both splits (their first
/// `evaluationSamples` rows), the end points' mean losses `endpoint_loss.SPLIT`, and `target_scale` =
/// the test split's E y² (regression) or 1.
/// Cost: two trainings plus one assignment per hidden layer and method.
public enum WidthBarrierSweep {
    public static let kind = "width-barrier"

    /// The alignments compared (nil: none).
    public static let methods: [(name: String, cost: LayerwiseAlignment.Cost?)] = [
        ("none", nil), ("weight-matching", .weights), ("activation-matching", .activations),
    ]

    /// `template` with every `{m}` replaced by `width`.
    public static func architecture(_ template: String, width: Int) -> String {
        template.replacingOccurrences(of: "{m}", with: "\(width)")
    }

    public static func sweep(
        widths: [Int], data: String, limit: Int?, architecture template: String, epochs: Int, batchSize: Int,
        learningRate: Double, seeds: [UInt64]
    ) -> Sweep<WidthBarrierRunConfiguration> {
        var runs: [WidthBarrierRunConfiguration] = []
        for seed in seeds {
            for m in widths {
                runs.append(
                    WidthBarrierRunConfiguration(
                        width: m, data: data, limit: limit, architecture: template,
                        epochs: epochs, batchSize: batchSize, learningRate: learningRate, seed: seed))
            }
        }
        return Sweep(kind: kind, runs: runs, xKey: "width", logX: true) { try run($0) }
    }

    public static func run(_ c: WidthBarrierRunConfiguration) throws -> [String: Double] {
        let dataset = try DatasetSpec(parsing: c.data, limit: c.limit).load()
        let network = try Network(parsing: architecture(c.architecture, width: c.width))
        guard let test = dataset.test else {
            throw SweepError.badConfiguration("\(c.data) has no test split (the barrier is measured on held-out data)")
        }
        let models = try [2 &* c.seed, 2 &* c.seed &+ 1].map { seed -> ParameterVector<Float> in
            let configuration = TrainingConfiguration(
                epochs: c.epochs, batchSize: c.batchSize, learningRate: c.learningRate, optimizer: .adam(),
                schedule: .constant, seed: seed)
            let trainer = try Trainer<Float>(network: network, dataset: dataset, configuration: configuration)
            return try trainer.run(from: trainer.initialState()).parameters
        }
        let (a, b) = (models[0], models[1])
        let statistics = dataset.train.prefix(c.statisticsSamples).features
        var metrics: [String: Double] = [:]
        if case .values(let y) = test.targets {
            metrics["target_scale"] = y.sumOfSquares() / Double(max(y.rows, 1))
        } else {
            metrics["target_scale"] = 1
        }
        let evaluation = Dataset(
            name: dataset.name, train: dataset.train.prefix(c.evaluationSamples),
            test: test.prefix(c.evaluationSamples))
        let evaluator = PathEvaluator(network: network, batchSize: 1000, loss: nil)
        let t = PathProfile.grid(points: 25)
        for (name, cost) in methods {
            var end = b
            if let cost {
                let alignment = LayerwiseAlignment(network: network, cost: cost)
                end = alignment.apply(try alignment.permutations(a, b, inputs: statistics), to: b)
            }
            let profile = try evaluator.profile(AffinePath.line(a, end), on: evaluation, t: t, name: name)
            for split in ["train", "test"] {
                metrics["barrier.\(name).\(split)"] =
                    profile.barrier(.convexCombination, split: split, metric: "loss") ?? .nan
                if name == "none", let points = profile.splits[split], let first = points.first,
                    let last = points.last
                {
                    metrics["endpoint_loss.\(split)"] = (first.loss + last.loss) / 2
                }
            }
        }
        return metrics
    }
}
