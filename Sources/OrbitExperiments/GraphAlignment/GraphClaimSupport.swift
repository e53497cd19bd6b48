import Foundation
import OrbitAlignment
import OrbitData
import OrbitNetworks
import OrbitNumerics
import OrbitTraining

/// Shared steps of the graph-network claims: Fashion-MNIST images (or a synthetic stand-in of the
/// same shape), zero-padded to 32×32 for the VGGs, pairs of independently trained networks, and the
/// evaluation of single points with or without a BatchNorm reset.
enum GraphClaimSupport {
    /// `train` and `test` prefixes of the image data `spec` as 1×28×28 samples (1×32×32 with `pad`),
    /// and why a synthetic stand-in was used, if it was.
    static func images(_ spec: String, train: Int, test: Int, pad: Bool, seed: UInt64) -> (Dataset, String?) {
        let (loaded, fallback) = StarExperiments.classificationData(spec, limit: max(train, test), seed: seed)
        func shaped(_ split: DataSplit, _ n: Int) -> DataSplit {
            let s = split.prefix(n)
            let images = DataSplit(features: s.features, targets: s.targets, sampleShape: [1, 28, 28])
            return pad ? padded(images) : images
        }
        let testSplit = loaded.test ?? loaded.train
        return (
            Dataset(
                name: loaded.name, train: shaped(loaded.train, train), test: shaped(testSplit, test),
                provenance: loaded.provenance),
            fallback
        )
    }

    /// 28×28 images framed by 2 background pixels to 32×32 (five 2×2 poolings need 32). The frame
    /// takes the split's smallest feature value — the background pixel after normalisation.
    static func padded(_ split: DataSplit) -> DataSplit {
        let n = split.count, side = 28, out = 32, margin = 2
        let background = split.features.flat.min() ?? 0
        var flat = [Float](repeating: background, count: n * out * out)
        let source = split.features.flat
        for r in 0..<n {
            for y in 0..<side {
                let from = r * side * side + y * side
                let to = r * out * out + (y + margin) * out + margin
                for x in 0..<side { flat[to + x] = source[from + x] }
            }
        }
        return DataSplit(
            features: Matrix(rows: n, columns: out * out, flat: flat), targets: split.targets,
            sampleShape: [1, out, out])
    }

    /// Networks trained on `dataset.train` from seeds `seeds` (one run each, no test evaluation).
    static func train(
        _ network: Network, on dataset: Dataset, configuration: TrainingConfiguration, seeds: [UInt64],
        progress: ProgressReporter
    ) throws -> [ParameterVector<Float>] {
        try seeds.map { seed in
            var config = configuration
            config.seed = seed
            let trainer = try Trainer<Float>(
                network: network, dataset: Dataset(name: dataset.name, train: dataset.train, test: nil),
                configuration: config, progress: progress)
            return try trainer.run(from: trainer.initialState()).parameters
        }
    }

    /// The test metrics of each point; with `reset`, each point's BatchNorm running statistics are
    /// first recomputed on `statistics` (no-op without BatchNorm).
    static func evaluate(
        _ points: [ParameterVector<Float>], network: Network, test: DataSplit, statistics: DataSplit, reset: Bool
    ) -> [SplitMetrics] {
        var points = points
        if reset { network.resetBatchNormStatistics(&points, on: statistics) }
        return points.map { network.evaluate($0, on: test) }
    }

    /// B aligned to A by Git Re-Basin weight matching (spec derived from the graph), and the number
    /// of sweeps it took.
    static func weightMatched(
        _ a: ParameterVector<Float>, _ b: ParameterVector<Float>, network: Network, seed: UInt64
    ) throws -> (ParameterVector<Float>, sweeps: Int) {
        let spec = try PermutationSpec(network: network)
        let result = try WeightMatching(seed: seed).match(a, b, spec: spec)
        return (spec.apply(result.permutations, to: b), result.sweeps)
    }

    static func midpoint(_ a: ParameterVector<Float>, _ b: ParameterVector<Float>) -> ParameterVector<Float> {
        ParameterVector.combination([0.5, 0.5], [a, b])
    }

    static func percent(_ x: Double?) -> String {
        guard let x, x.isFinite else { return "–" }
        return String(format: "%.1f%%", 100 * x)
    }

    static func number(_ x: Double) -> String { AlignmentClaimSupport.format(x) }
}
