import OrbitData

/// Mean loss and accuracy of a network on one split (or on the rows a pass has seen).
///
/// The accuracy rule, the same for every evaluator (``Network/evaluate(_:on:loss:batchSize:)``, the path
/// evaluator, the star report): accuracy is reported exactly when the targets are class labels
/// (``Targets/reportsAccuracy``), whatever the loss — cross-entropy, or squared error against one-hot
/// targets — because a class prediction (the argmax of the outputs) exists for every output and every
/// label. Real-valued targets have no accuracy (nil), whatever the loss.
public struct SplitMetrics: Hashable, Sendable, Codable {
    /// (1/n)·Σ_i ℓ_i over the split.
    public var loss: Double
    /// The fraction of correct argmax predictions, (1/n)·#{i : argmax f(x_i) = y_i}; nil for real-valued targets.
    public var accuracy: Double?

    public init(loss: Double, accuracy: Double?) {
        self.loss = loss
        self.accuracy = accuracy
    }

    /// The means of `sums` over `count` rows with the targets' accuracy rule: loss Σℓ/n, accuracy
    /// #correct/n when `targets` are class labels, else nil. An empty pass (n = 0) divides by 1, so its
    /// metrics are 0 rather than NaN.
    public init(_ sums: MetricSums, count: Int, targets: Targets) {
        let n = Double(Swift.max(count, 1))
        self.init(loss: sums.loss / n, accuracy: targets.reportsAccuracy ? Double(sums.correct) / n : nil)
    }

    /// The means of `sums` over every row of `split`.
    public init(_ sums: MetricSums, over split: DataSplit) {
        self.init(sums, count: split.count, targets: split.targets)
    }
}
