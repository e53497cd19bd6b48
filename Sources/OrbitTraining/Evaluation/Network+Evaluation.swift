import OrbitData
import OrbitNetworks
import OrbitNumerics

extension Network {
    /// Mean loss and accuracy of f(·; θ) on `split`, streamed in batches of `batchSize`. The rows are
    /// cut into one contiguous part per core (``EvaluationParts``), each streamed by its own
    /// forward-only workspace with single-threaded BLAS; the parts' sums are added in order, so the
    /// result is deterministic for a given thread count. Accuracy follows ``SplitMetrics``'s rule (reported
    /// exactly for class labels). Cost: one forward pass over the split (2·n·Σ in·out flops).
    @_specialize(exported:true,where Scalar == Float)
    @_specialize(exported:true,where Scalar == Double)
    public func evaluate<Scalar: BLASScalar>(
        _ parameters: ParameterVector<Scalar>, on split: DataSplit, loss: LossFunction? = nil, batchSize: Int = 1000
    ) -> SplitMetrics {
        let lossFunction = loss ?? split.targets.defaultLoss
        let sums = EvaluationParts.sums(rows: split.count, points: 1) { rows, sums in
            accumulate(parameters, on: split, rows: rows, loss: lossFunction, batchSize: batchSize, into: &sums[0])
        }
        return SplitMetrics(sums[0], over: split)
    }

    /// Adds Σ ℓ and the number of correct predictions over `rows` of the split to `sums`, streamed in
    /// batches of `batchSize` through one forward-only workspace. Allocates the workspace and loader
    /// once; nothing per batch.
    func accumulate<Scalar: BLASScalar>(
        _ parameters: ParameterVector<Scalar>, on split: DataSplit, rows: Range<Int>, loss: LossFunction,
        batchSize: Int, into sums: inout MetricSums
    ) {
        guard !rows.isEmpty else { return }
        let capacity = Swift.min(Swift.max(batchSize, 1), rows.count)
        let workspace = NetworkWorkspace<Scalar>(network: self, capacity: capacity, inference: true)
        let loader = BatchLoader<Scalar>(split: split, capacity: capacity)
        var start = rows.lowerBound
        while start < rows.upperBound {
            let end = Swift.min(start + capacity, rows.upperBound)
            loader.load(start..<end)
            workspace.forward(parameters, inputs: loader.inputs)
            sums.add(loader.withTargets { workspace.loss(loss, targets: $0, gradient: false) })
            start = end
        }
    }
}
