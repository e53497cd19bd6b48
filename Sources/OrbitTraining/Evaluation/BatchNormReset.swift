import Dispatch
import OrbitData
import OrbitNetworks
import OrbitNumerics

/// How a measurement at points between networks (a path, a plane, a centre, a merge) sets
/// BatchNorm's running statistics there (`docs/math/layer-graph.md §4`).
public enum BatchNormHandling: String, CaseIterable, Sendable, Codable {
    /// Recompute them at every point from the training data (``Network/resetBatchNormStatistics(_:on:batchSize:)``):
    /// Garipov et al.'s and REPAIR's practice, the default for networks with BatchNorm.
    case reset
    /// Use the point's own buffers: the interpolated running statistics of the end points.
    case interpolate

    /// The line reports and JSON carry.
    public var reportDescription: String {
        switch self {
        case .reset: return "BatchNorm statistics reset at every point (recomputed on the train split)"
        case .interpolate: return "BatchNorm statistics interpolated with the weights (not recomputed)"
        }
    }
}

extension Network {
    /// Sets every point's BatchNorm running statistics to those of its own weights on `split`: the
    /// average over the batches of `batchSize` consecutive rows (the last may be shorter) of each
    /// batch's mean and unbiased variance in training mode — `reset_running_stats()` then one pass
    /// with `momentum=None` in PyTorch (``RunningStatisticsAverage``). All points share one pass
    /// over the data: each batch is loaded once and run at every point. Batches, not rows, are
    /// divided among the cores, so the statistics do not depend on the thread count up to the
    /// order of the final sums. Cost: one training-mode forward pass over the split per point.
    /// No-op for networks without BatchNorm.
    public func resetBatchNormStatistics<Scalar: BLASScalar>(
        _ points: inout [ParameterVector<Scalar>], on split: DataSplit, batchSize: Int = 1000
    ) {
        guard plan.hasBatchNorm, !points.isEmpty, split.count > 0 else { return }
        let size = Swift.max(1, Swift.min(batchSize, split.count))
        let batches = (split.count + size - 1) / size
        let parts = Swift.max(1, Swift.min(Threading.threadCount, batches))
        let averages = (0..<parts).map { _ in points.map { _ in RunningStatisticsAverage(network: self) } }
        let shared = UncheckedSendable((points, averages))
        let network = self
        Threading.withSingleThreadedBLAS(when: parts > 1) {
            DispatchQueue.concurrentPerform(iterations: parts) { p in
                let (points, averages) = shared.value
                let workspace = NetworkWorkspace<Scalar>(network: network, capacity: size, inference: true)
                workspace.isTraining = true
                let loader = BatchLoader<Scalar>(split: split, capacity: size)
                for batch in chunkRange(p, of: parts, count: batches) {
                    loader.load((batch * size)..<Swift.min((batch + 1) * size, split.count))
                    for (j, theta) in points.enumerated() {
                        workspace.forward(theta, inputs: loader.inputs)
                        workspace.addBatchStatistics(to: averages[p][j])
                    }
                }
            }
        }
        for j in points.indices {
            for p in 1..<parts { averages[0][j].add(averages[p][j]) }
            averages[0][j].write(into: &points[j])
        }
    }
}
