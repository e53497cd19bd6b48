import OrbitNumerics

/// Batch normalisation (Ioffe & Szegedy 2015) exactly as PyTorch's `BatchNorm1d`/`BatchNorm2d`, on rows
/// of C channels × S positions (S = H·W for 2-d, S = 1 for 1-d on N × C): per channel c,
///   x̂ = (x − μ_c)·invStd_c,   y = γ_c·x̂ + β_c,   invStd_c = 1/√(σ²_c + ε), ε = 1e-5.
/// Training uses the batch mean and biased batch variance over all N·S values of the channel — over the
/// whole minibatch even when it is split across threads: each part computes
/// ``partialStatistics(rows:input:statistics:)``, the caller merges them exactly
/// (``BatchNormStatistics/combine(_:)``), and each part normalises with the merged statistics.
/// Evaluation uses the running statistics.
///
/// Training backward, in two phases for the same split (sums over the whole batch of N·S values):
///   Σdy and Σdy·x̂ per channel (``partialGradientSums``, added over parts by the caller), then
///   dx = γ·invStd/N·(N·dy − Σdy − x̂·Σdy·x̂);  dγ = Σdy·x̂,  dβ = Σdy.
/// Every call is O(rows·C·S) and allocates nothing; the eval-mode invStd scratch (C) is made in `init`.
/// Not thread-safe (the scratch): one kernel per part.
public final class BatchNormKernel<Scalar: BLASScalar> {
    public let channels: Int
    /// S, the positions per channel in one row.
    public let spatial: Int
    public let epsilon: Scalar
    private let scratch: AlignedBuffer<Scalar>

    public init(channels: Int, spatial: Int, epsilon: Scalar = 1e-5) {
        precondition(channels > 0 && spatial > 0, "BatchNormKernel: \(channels) channels × \(spatial) positions")
        self.channels = channels
        self.spatial = spatial
        self.epsilon = epsilon
        scratch = AlignedBuffer(repeating: 0, count: channels)
    }

    /// C·S, the length of one row.
    public var rowSize: Int { channels * spatial }

    /// statistics ← count, mean and M2 of each channel over these rows (two passes: mean, then squared
    /// deviations from it, so no cancellation).
    public func partialStatistics(rows: Int, input: UnsafePointer<Scalar>, statistics: BatchNormStatistics<Scalar>) {
        precondition(statistics.channels == channels, "BatchNormKernel: statistics of \(statistics.channels) channels")
        statistics.count = rows * spatial
        let mean = statistics.mean.baseAddress, m2 = statistics.m2.baseAddress
        if rows == 0 {
            KernelMemory.zero(mean, count: channels)
            KernelMemory.zero(m2, count: channels)
            return
        }
        switch Precision(Scalar.self) {
        case .float:
            ChannelReductions.statistics(
                rows, channels, spatial, input.reinterpreted(as: Float.self), mean.reinterpreted(as: Float.self),
                m2.reinterpreted(as: Float.self))
        case .double:
            Self.statisticsKernel(
                rows, channels, spatial, input.reinterpreted(as: Double.self), mean.reinterpreted(as: Double.self),
                m2.reinterpreted(as: Double.self))
        case .other: Self.statisticsKernel(rows, channels, spatial, input, mean, m2)
        }
    }

    /// output ← γ·(input − mean)·invStd + β per channel; normalized ← x̂ when given (training keeps it for
    /// backward). γ, β nil mean 1, 0 (affine = False). `output` may alias `input`; `normalized` may not.
    public func normalize(
        rows: Int, input: UnsafePointer<Scalar>, mean: UnsafePointer<Scalar>, invStd: UnsafePointer<Scalar>,
        weight: UnsafePointer<Scalar>?, bias: UnsafePointer<Scalar>?, output: UnsafeMutablePointer<Scalar>,
        normalized: UnsafeMutablePointer<Scalar>?
    ) {
        switch Precision(Scalar.self) {
        case .float:
            Self.normalizeKernel(
                rows, channels, spatial, input.reinterpreted(as: Float.self), mean.reinterpreted(as: Float.self),
                invStd.reinterpreted(as: Float.self), weight?.reinterpreted(as: Float.self),
                bias?.reinterpreted(as: Float.self), output.reinterpreted(as: Float.self),
                normalized?.reinterpreted(as: Float.self))
        case .double:
            Self.normalizeKernel(
                rows, channels, spatial, input.reinterpreted(as: Double.self), mean.reinterpreted(as: Double.self),
                invStd.reinterpreted(as: Double.self), weight?.reinterpreted(as: Double.self),
                bias?.reinterpreted(as: Double.self), output.reinterpreted(as: Double.self),
                normalized?.reinterpreted(as: Double.self))
        case .other:
            Self.normalizeKernel(rows, channels, spatial, input, mean, invStd, weight, bias, output, normalized)
        }
    }

    /// invStd[c] ← 1/√(variance[c] + ε).
    public func inverseStandardDeviation(variance: UnsafePointer<Scalar>, into invStd: UnsafeMutablePointer<Scalar>) {
        for c in 0..<channels { invStd[c] = 1 / (variance[c] + epsilon).squareRoot() }
    }

    /// Evaluation-mode forward: output ← γ·(input − runningMean)/√(runningVariance + ε) + β.
    public func evaluationForward(
        rows: Int, input: UnsafePointer<Scalar>, runningMean: UnsafePointer<Scalar>,
        runningVariance: UnsafePointer<Scalar>, weight: UnsafePointer<Scalar>?, bias: UnsafePointer<Scalar>?,
        output: UnsafeMutablePointer<Scalar>
    ) {
        inverseStandardDeviation(variance: runningVariance, into: scratch.baseAddress)
        normalize(
            rows: rows, input: input, mean: runningMean, invStd: UnsafePointer(scratch.baseAddress), weight: weight,
            bias: bias, output: output, normalized: nil)
    }

    /// PyTorch's running-statistics update after a training forward over a batch of `count` values per
    /// channel with batch mean μ and biased variance σ²:
    ///   runningMean ← (1 − m)·runningMean + m·μ,
    ///   runningVariance ← (1 − m)·runningVariance + m·σ²·count/(count − 1)   (unbiased; σ² alone when count = 1).
    public func updateRunningStatistics(
        mean: UnsafePointer<Scalar>, variance: UnsafePointer<Scalar>, count: Int,
        runningMean: UnsafeMutablePointer<Scalar>, runningVariance: UnsafeMutablePointer<Scalar>,
        momentum: Scalar = 0.1
    ) {
        precondition(count > 0, "BatchNormKernel.updateRunningStatistics: empty batch")
        let correction = count > 1 ? Scalar(count) / Scalar(count - 1) : 1
        for c in 0..<channels {
            runningMean[c] = (1 - momentum) * runningMean[c] + momentum * mean[c]
            runningVariance[c] = (1 - momentum) * runningVariance[c] + momentum * variance[c] * correction
        }
    }

    /// sumGradient[c] ← Σ dy and sumGradientNormalized[c] ← Σ dy·x̂ over these rows' values of channel c
    /// (overwritten). Summed over the parts of a split batch they are dβ and dγ.
    public func partialGradientSums(
        rows: Int, outputGradient: UnsafePointer<Scalar>, normalized: UnsafePointer<Scalar>,
        sumGradient: UnsafeMutablePointer<Scalar>, sumGradientNormalized: UnsafeMutablePointer<Scalar>
    ) {
        switch Precision(Scalar.self) {
        case .float:
            ChannelReductions.gradientSums(
                rows, channels, spatial, outputGradient.reinterpreted(as: Float.self),
                normalized.reinterpreted(as: Float.self), sumGradient.reinterpreted(as: Float.self),
                sumGradientNormalized.reinterpreted(as: Float.self))
        case .double:
            Self.sumsKernel(
                rows, channels, spatial, outputGradient.reinterpreted(as: Double.self),
                normalized.reinterpreted(as: Double.self), sumGradient.reinterpreted(as: Double.self),
                sumGradientNormalized.reinterpreted(as: Double.self))
        case .other:
            Self.sumsKernel(rows, channels, spatial, outputGradient, normalized, sumGradient, sumGradientNormalized)
        }
    }

    /// Training-mode input gradient for these rows: dx ← (or += when `accumulate`)
    /// γ·invStd/N·(N·dy − Σdy − x̂·Σdy·x̂), where the sums and `count` N (values per channel) are those of the
    /// WHOLE batch, not of this part. γ nil means 1. `inputGradient` may alias `outputGradient`.
    public func backwardInput(
        rows: Int, outputGradient: UnsafePointer<Scalar>, normalized: UnsafePointer<Scalar>,
        invStd: UnsafePointer<Scalar>, weight: UnsafePointer<Scalar>?, sumGradient: UnsafePointer<Scalar>,
        sumGradientNormalized: UnsafePointer<Scalar>, count: Int, inputGradient: UnsafeMutablePointer<Scalar>,
        accumulate: Bool
    ) {
        precondition(count > 0, "BatchNormKernel.backwardInput: empty batch")
        switch Precision(Scalar.self) {
        case .float:
            Self.backwardKernel(
                rows, channels, spatial, outputGradient.reinterpreted(as: Float.self),
                normalized.reinterpreted(as: Float.self), invStd.reinterpreted(as: Float.self),
                weight?.reinterpreted(as: Float.self), sumGradient.reinterpreted(as: Float.self),
                sumGradientNormalized.reinterpreted(as: Float.self), Float(count),
                inputGradient.reinterpreted(as: Float.self), accumulate)
        case .double:
            Self.backwardKernel(
                rows, channels, spatial, outputGradient.reinterpreted(as: Double.self),
                normalized.reinterpreted(as: Double.self), invStd.reinterpreted(as: Double.self),
                weight?.reinterpreted(as: Double.self), sumGradient.reinterpreted(as: Double.self),
                sumGradientNormalized.reinterpreted(as: Double.self), Double(count),
                inputGradient.reinterpreted(as: Double.self), accumulate)
        case .other:
            Self.backwardKernel(
                rows, channels, spatial, outputGradient, normalized, invStd, weight, sumGradient,
                sumGradientNormalized, Scalar(count), inputGradient, accumulate)
        }
    }

    /// Evaluation-mode backward (running statistics are constants): with invStd = 1/√(runningVariance + ε)
    /// and x̂ = (x − runningMean)·invStd, dx ← (or += when `accumulate`) γ·invStd·dy,
    /// weightGradient ← Σ dy·x̂ and biasGradient ← Σ dy over these rows (overwritten; nil skips).
    /// `inputGradient` may alias `outputGradient`.
    public func evaluationBackward(
        rows: Int, input: UnsafePointer<Scalar>, outputGradient: UnsafePointer<Scalar>,
        runningMean: UnsafePointer<Scalar>, runningVariance: UnsafePointer<Scalar>, weight: UnsafePointer<Scalar>?,
        inputGradient: UnsafeMutablePointer<Scalar>?, accumulate: Bool, weightGradient: UnsafeMutablePointer<Scalar>?,
        biasGradient: UnsafeMutablePointer<Scalar>?
    ) {
        let invStd = scratch.baseAddress
        inverseStandardDeviation(variance: runningVariance, into: invStd)
        let invStdView = UnsafePointer(invStd)
        switch Precision(Scalar.self) {
        case .float:
            Self.evaluationBackwardKernel(
                rows, channels, spatial, input.reinterpreted(as: Float.self),
                outputGradient.reinterpreted(as: Float.self), runningMean.reinterpreted(as: Float.self),
                invStdView.reinterpreted(as: Float.self), weight?.reinterpreted(as: Float.self),
                inputGradient?.reinterpreted(as: Float.self), accumulate, weightGradient?.reinterpreted(as: Float.self),
                biasGradient?.reinterpreted(as: Float.self))
        case .double:
            Self.evaluationBackwardKernel(
                rows, channels, spatial, input.reinterpreted(as: Double.self),
                outputGradient.reinterpreted(as: Double.self), runningMean.reinterpreted(as: Double.self),
                invStdView.reinterpreted(as: Double.self), weight?.reinterpreted(as: Double.self),
                inputGradient?.reinterpreted(as: Double.self), accumulate,
                weightGradient?.reinterpreted(as: Double.self), biasGradient?.reinterpreted(as: Double.self))
        case .other:
            Self.evaluationBackwardKernel(
                rows, channels, spatial, input, outputGradient, runningMean, invStdView, weight, inputGradient,
                accumulate, weightGradient, biasGradient)
        }
    }

    @inline(__always)
    private static func evaluationBackwardKernel<T: BLASScalar>(
        _ rows: Int, _ c: Int, _ s: Int, _ input: UnsafePointer<T>, _ outputGradient: UnsafePointer<T>,
        _ runningMean: UnsafePointer<T>, _ invStd: UnsafePointer<T>, _ weight: UnsafePointer<T>?,
        _ inputGradient: UnsafeMutablePointer<T>?, _ accumulate: Bool, _ weightGradient: UnsafeMutablePointer<T>?,
        _ biasGradient: UnsafeMutablePointer<T>?
    ) {
        // Parameter gradients first: they read dy, which dx may overwrite in place.
        if weightGradient != nil || biasGradient != nil {
            for k in 0..<c {
                var sum: T = 0
                var sumNormalized: T = 0
                let (mu, inv) = (runningMean[k], invStd[k])
                for n in 0..<rows {
                    let x = input + n * c * s + k * s, dy = outputGradient + n * c * s + k * s
                    for i in 0..<s {
                        sum += dy[i]
                        sumNormalized += dy[i] * (x[i] - mu) * inv
                    }
                }
                weightGradient?[k] = sumNormalized
                biasGradient?[k] = sum
            }
        }
        guard let inputGradient else { return }
        for n in 0..<rows {
            for k in 0..<c {
                let scale = (weight?[k] ?? 1) * invStd[k]
                let dy = outputGradient + n * c * s + k * s, dx = inputGradient + n * c * s + k * s
                if accumulate {
                    for i in 0..<s { dx[i] += scale * dy[i] }
                } else {
                    for i in 0..<s { dx[i] = scale * dy[i] }
                }
            }
        }
    }

    @inline(__always)
    private static func statisticsKernel<T: BLASScalar>(
        _ rows: Int, _ c: Int, _ s: Int, _ x: UnsafePointer<T>, _ mean: UnsafeMutablePointer<T>,
        _ m2: UnsafeMutablePointer<T>
    ) {
        let count = T(rows * s)
        for k in 0..<c {
            var sum: T = 0
            for n in 0..<rows {
                let v = x + n * c * s + k * s
                for i in 0..<s { sum += v[i] }
            }
            let mu = sum / count
            var squares: T = 0
            for n in 0..<rows {
                let v = x + n * c * s + k * s
                for i in 0..<s {
                    let d = v[i] - mu
                    squares += d * d
                }
            }
            mean[k] = mu
            m2[k] = squares
        }
    }

    @inline(__always)
    private static func normalizeKernel<T: BLASScalar>(
        _ rows: Int, _ c: Int, _ s: Int, _ x: UnsafePointer<T>, _ mean: UnsafePointer<T>, _ invStd: UnsafePointer<T>,
        _ weight: UnsafePointer<T>?, _ bias: UnsafePointer<T>?, _ y: UnsafeMutablePointer<T>,
        _ normalized: UnsafeMutablePointer<T>?
    ) {
        for n in 0..<rows {
            for k in 0..<c {
                let offset = n * c * s + k * s
                let (mu, inv) = (mean[k], invStd[k])
                let (gamma, beta) = (weight?[k] ?? 1, bias?[k] ?? 0)
                let (xv, yv) = (x + offset, y + offset)
                if let normalized {
                    let h = normalized + offset
                    for i in 0..<s {
                        let v = (xv[i] - mu) * inv
                        h[i] = v
                        yv[i] = gamma * v + beta
                    }
                } else {
                    for i in 0..<s { yv[i] = gamma * ((xv[i] - mu) * inv) + beta }
                }
            }
        }
    }

    @inline(__always)
    private static func sumsKernel<T: BLASScalar>(
        _ rows: Int, _ c: Int, _ s: Int, _ dy: UnsafePointer<T>, _ normalized: UnsafePointer<T>,
        _ sum: UnsafeMutablePointer<T>, _ sumNormalized: UnsafeMutablePointer<T>
    ) {
        for k in 0..<c {
            var a: T = 0
            var b: T = 0
            for n in 0..<rows {
                let offset = n * c * s + k * s
                let (g, h) = (dy + offset, normalized + offset)
                for i in 0..<s {
                    a += g[i]
                    b += g[i] * h[i]
                }
            }
            sum[k] = a
            sumNormalized[k] = b
        }
    }

    @inline(__always)
    private static func backwardKernel<T: BLASScalar>(
        _ rows: Int, _ c: Int, _ s: Int, _ dy: UnsafePointer<T>, _ normalized: UnsafePointer<T>,
        _ invStd: UnsafePointer<T>, _ weight: UnsafePointer<T>?, _ sum: UnsafePointer<T>,
        _ sumNormalized: UnsafePointer<T>, _ count: T, _ dx: UnsafeMutablePointer<T>, _ accumulate: Bool
    ) {
        for k in 0..<c {
            // dx = scale·dy − shift − slope·x̂ with scale = γ·invStd, shift = scale·Σdy/N, slope = scale·Σdy·x̂/N.
            let scale = (weight?[k] ?? 1) * invStd[k]
            let shift = scale * sum[k] / count
            let slope = scale * sumNormalized[k] / count
            for n in 0..<rows {
                let offset = n * c * s + k * s
                let (g, h, d) = (dy + offset, normalized + offset, dx + offset)
                if accumulate {
                    for i in 0..<s { d[i] += scale * g[i] - shift - slope * h[i] }
                } else {
                    for i in 0..<s { d[i] = scale * g[i] - shift - slope * h[i] }
                }
            }
        }
    }
}
