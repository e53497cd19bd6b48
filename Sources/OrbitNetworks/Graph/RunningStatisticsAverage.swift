import OrbitNumerics

/// BatchNorm statistics recomputed for fixed weights: the running mean and variance of every
/// BatchNorm node set to the averages, over the batches of a data pass in training mode, of the
/// batch means and unbiased batch variances — PyTorch's `momentum=None` cumulative average after
/// `reset_running_stats()`, the "BN reset" of Garipov et al. 2018 and REPAIR (Jordan et al. 2023),
/// `docs/math/layer-graph.md §4`. Sums are kept in Float64; O(Σ channels) per batch.
public final class RunningStatisticsAverage {
    /// Per BatchNorm node in graph order: Σ batch means (C values), then Σ unbiased variances (C).
    var sums: [Double]
    /// The number of batches added.
    public internal(set) var batches = 0
    let norms: [(mean: TensorSpec, variance: TensorSpec)]

    public init(network: Network) {
        var norms: [(TensorSpec, TensorSpec)] = []
        for (k, node) in network.nodes.enumerated() {
            if case .batchNorm = node.layer {
                norms.append(
                    (network.plan.tensor("running_mean", of: k)!, network.plan.tensor("running_var", of: k)!))
            }
        }
        self.norms = norms
        sums = Array(repeating: 0, count: norms.reduce(0) { $0 + 2 * $1.0.count })
    }

    /// Adds another average's batches (the parts of a pass split across cores).
    public func add(_ other: RunningStatisticsAverage) {
        precondition(other.sums.count == sums.count, "statistics of different networks")
        for i in sums.indices { sums[i] += other.sums[i] }
        batches += other.batches
    }

    /// Writes the averages into θ's running statistics (unchanged when no batch was added).
    public func write<Scalar: BLASScalar>(into parameters: inout ParameterVector<Scalar>) {
        guard batches > 0 else { return }
        parameters.withUnsafeMutableBufferPointer { theta in
            var offset = 0
            for (mean, variance) in norms {
                let c = mean.count
                for i in 0..<c {
                    theta[mean.offset + i] = Scalar(sums[offset + i] / Double(batches))
                    theta[variance.offset + i] = Scalar(sums[offset + c + i] / Double(batches))
                }
                offset += 2 * c
            }
        }
    }
}
