import OrbitNumerics

/// Per-channel count, mean and M2 = Σ (x − mean)² of part of a batch, mergeable exactly.
///
/// Parts of a split minibatch each fill one (``BatchNormKernel/partialStatistics(rows:input:statistics:)``)
/// and ``combine(_:)`` merges them with Chan, Golub and LeVeque's parallel update (1979): for parts a, b
/// with n = n_a + n_b and δ = mean_b − mean_a,
///   mean = mean_a + δ·n_b/n,   M2 = M2_a + M2_b + δ²·n_a·n_b/n,
/// which equals one pass over the union up to rounding (no cancellation: every term is a sum of
/// squares or a small correction). The biased variance is M2/n, the unbiased one M2/(n − 1). O(C).
public final class BatchNormStatistics<Scalar: BLASScalar> {
    public let channels: Int
    /// The values per channel seen (rows·S; the same for every channel).
    public var count: Int
    public let mean: AlignedBuffer<Scalar>
    public let m2: AlignedBuffer<Scalar>

    /// Empty statistics (count 0) for `channels` channels.
    public init(channels: Int) {
        precondition(channels > 0, "BatchNormStatistics: \(channels) channels")
        self.channels = channels
        count = 0
        mean = AlignedBuffer(repeating: 0, count: channels)
        m2 = AlignedBuffer(repeating: 0, count: channels)
    }

    /// Back to count 0.
    public func reset() {
        count = 0
        KernelMemory.zero(mean.baseAddress, count: channels)
        KernelMemory.zero(m2.baseAddress, count: channels)
    }

    /// self ← the statistics of the union of self's values and `other`'s.
    public func combine(_ other: BatchNormStatistics<Scalar>) {
        precondition(
            other.channels == channels, "BatchNormStatistics.combine: \(channels) and \(other.channels) channels")
        if other.count == 0 { return }
        if count == 0 {
            count = other.count
            mean.baseAddress.update(from: other.mean.baseAddress, count: channels)
            m2.baseAddress.update(from: other.m2.baseAddress, count: channels)
            return
        }
        let na = Scalar(count), nb = Scalar(other.count)
        let n = na + nb
        let (ma, qa, mb, qb) = (mean.baseAddress, m2.baseAddress, other.mean.baseAddress, other.m2.baseAddress)
        for c in 0..<channels {
            let delta = mb[c] - ma[c]
            ma[c] += delta * (nb / n)
            qa[c] += qb[c] + delta * delta * (na * nb / n)
        }
        count += other.count
    }

    /// invStd[c] ← 1/√(M2[c]/count + ε): the training-mode normaliser (biased variance, as PyTorch).
    public func inverseStandardDeviation(epsilon: Scalar = 1e-5, into invStd: UnsafeMutablePointer<Scalar>) {
        precondition(count > 0, "BatchNormStatistics: inverse standard deviation of an empty batch")
        let n = Scalar(count)
        for c in 0..<channels { invStd[c] = 1 / (m2.baseAddress[c] / n + epsilon).squareRoot() }
    }

    /// variance[c] ← M2[c]/count, the biased batch variance.
    public func biasedVariance(into variance: UnsafeMutablePointer<Scalar>) {
        precondition(count > 0, "BatchNormStatistics: variance of an empty batch")
        let n = Scalar(count)
        for c in 0..<channels { variance[c] = m2.baseAddress[c] / n }
    }
}
