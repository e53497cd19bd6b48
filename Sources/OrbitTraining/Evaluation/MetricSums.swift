import OrbitNetworks

/// The running sums an evaluation pass accumulates before dividing by the row count: Σ_i ℓ_i and the
/// number of correct argmax predictions. Batches and parts are added in a fixed order (the rows'
/// order within a part, then the parts' order), so a pass is deterministic for a given thread count.
public struct MetricSums: Hashable, Sendable {
    /// Σ_i ℓ_i.
    public var loss: Double
    /// #{i : argmax f(x_i) = y_i} (0 for real-valued targets).
    public var correct: Int

    @inlinable
    public init(loss: Double = 0, correct: Int = 0) {
        self.loss = loss
        self.correct = correct
    }

    /// Adds one batch's loss sum and correct count.
    @inlinable
    public mutating func add(_ batch: BatchLoss) {
        loss += batch.lossSum
        correct += batch.correct ?? 0
    }

    /// Adds another pass's sums (a later part of the rows).
    @inlinable
    public mutating func add(_ other: MetricSums) {
        loss += other.loss
        correct += other.correct
    }
}
