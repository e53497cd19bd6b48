import OrbitNumerics

/// Layer normalisation (Ba, Kiros & Hinton 2016) over each whole row, as PyTorch's `LayerNorm` with
/// normalized_shape = the whole per-sample shape (D = C·H·W values) and elementwise affine of that shape:
///   μ = (1/D)·Σ x,   σ² = (1/D)·Σ (x − μ)²,   x̂ = (x − μ)·invStd,  invStd = 1/√(σ² + ε),   y = γ ⊙ x̂ + β.
/// Backward, with g = γ ⊙ dy per row:
///   dx = invStd/D·(D·g − Σg − x̂·Σ g·x̂),   dγ = Σ_rows dy ⊙ x̂,   dβ = Σ_rows dy.
/// Rows are independent, so a split batch needs no cross-part step (the parameter gradients add).
/// Forward and backward are O(rows·D); nothing is allocated per call.
public final class LayerNormKernel<Scalar: BLASScalar> {
    /// D, the values normalised together (one whole row).
    public let size: Int
    public let epsilon: Scalar

    public init(size: Int, epsilon: Scalar = 1e-5) {
        precondition(size > 0, "LayerNormKernel: normalized size \(size)")
        self.size = size
        self.epsilon = epsilon
    }

    /// output ← γ ⊙ x̂ + β per row (γ, β nil mean 1, 0). For training pass `normalized` (rows × D, keeps x̂)
    /// and `invStd` (rows), which backward reads; pass nil for both in inference. `output` may alias `input`.
    public func forward(
        rows: Int, input: UnsafePointer<Scalar>, weight: UnsafePointer<Scalar>?, bias: UnsafePointer<Scalar>?,
        output: UnsafeMutablePointer<Scalar>, normalized: UnsafeMutablePointer<Scalar>?,
        invStd: UnsafeMutablePointer<Scalar>?
    ) {
        switch Precision(Scalar.self) {
        case .float:
            Self.forwardKernel(
                rows, size, Float(epsilon), input.reinterpreted(as: Float.self), weight?.reinterpreted(as: Float.self),
                bias?.reinterpreted(as: Float.self), output.reinterpreted(as: Float.self),
                normalized?.reinterpreted(as: Float.self), invStd?.reinterpreted(as: Float.self))
        case .double:
            Self.forwardKernel(
                rows, size, Double(epsilon), input.reinterpreted(as: Double.self),
                weight?.reinterpreted(as: Double.self), bias?.reinterpreted(as: Double.self),
                output.reinterpreted(as: Double.self), normalized?.reinterpreted(as: Double.self),
                invStd?.reinterpreted(as: Double.self))
        case .other: Self.forwardKernel(rows, size, epsilon, input, weight, bias, output, normalized, invStd)
        }
    }

    /// From the training forward's x̂ and invStd: inputGradient ← (or += when `accumulate`) dx;
    /// weightGradient ← Σ_rows dy ⊙ x̂ and biasGradient ← Σ_rows dy (overwritten; nil skips).
    /// `inputGradient` may alias `outputGradient`.
    public func backward(
        rows: Int, outputGradient: UnsafePointer<Scalar>, normalized: UnsafePointer<Scalar>,
        invStd: UnsafePointer<Scalar>, weight: UnsafePointer<Scalar>?, inputGradient: UnsafeMutablePointer<Scalar>?,
        accumulate: Bool, weightGradient: UnsafeMutablePointer<Scalar>?, biasGradient: UnsafeMutablePointer<Scalar>?
    ) {
        switch Precision(Scalar.self) {
        case .float:
            Self.backwardKernel(
                rows, size, outputGradient.reinterpreted(as: Float.self), normalized.reinterpreted(as: Float.self),
                invStd.reinterpreted(as: Float.self), weight?.reinterpreted(as: Float.self),
                inputGradient?.reinterpreted(as: Float.self), accumulate, weightGradient?.reinterpreted(as: Float.self),
                biasGradient?.reinterpreted(as: Float.self))
        case .double:
            Self.backwardKernel(
                rows, size, outputGradient.reinterpreted(as: Double.self), normalized.reinterpreted(as: Double.self),
                invStd.reinterpreted(as: Double.self), weight?.reinterpreted(as: Double.self),
                inputGradient?.reinterpreted(as: Double.self), accumulate,
                weightGradient?.reinterpreted(as: Double.self), biasGradient?.reinterpreted(as: Double.self))
        case .other:
            Self.backwardKernel(
                rows, size, outputGradient, normalized, invStd, weight, inputGradient, accumulate, weightGradient,
                biasGradient)
        }
    }

    @inline(__always)
    private static func forwardKernel<T: BLASScalar>(
        _ rows: Int, _ d: Int, _ epsilon: T, _ x: UnsafePointer<T>, _ weight: UnsafePointer<T>?,
        _ bias: UnsafePointer<T>?, _ y: UnsafeMutablePointer<T>, _ normalized: UnsafeMutablePointer<T>?,
        _ invStdOut: UnsafeMutablePointer<T>?
    ) {
        let count = T(d)
        for n in 0..<rows {
            let (xr, yr) = (x + n * d, y + n * d)
            // Two passes (mean, then squared deviations) rather than Σx², Σx: no cancellation.
            var sum: T = 0
            for i in 0..<d { sum += xr[i] }
            let mu = sum / count
            var squares: T = 0
            for i in 0..<d {
                let v = xr[i] - mu
                squares += v * v
            }
            let inv = 1 / (squares / count + epsilon).squareRoot()
            invStdOut?[n] = inv
            let h = normalized.map { $0 + n * d }
            for i in 0..<d {
                let v = (xr[i] - mu) * inv
                h?[i] = v
                yr[i] = (weight?[i] ?? 1) * v + (bias?[i] ?? 0)
            }
        }
    }

    @inline(__always)
    private static func backwardKernel<T: BLASScalar>(
        _ rows: Int, _ d: Int, _ dy: UnsafePointer<T>, _ normalized: UnsafePointer<T>, _ invStd: UnsafePointer<T>,
        _ weight: UnsafePointer<T>?, _ dx: UnsafeMutablePointer<T>?, _ accumulate: Bool,
        _ weightGradient: UnsafeMutablePointer<T>?, _ biasGradient: UnsafeMutablePointer<T>?
    ) {
        // Parameter gradients first: they read dy, which dx may overwrite in place.
        weightGradient?.update(repeating: 0, count: d)
        biasGradient?.update(repeating: 0, count: d)
        for n in 0..<rows {
            let (g, h) = (dy + n * d, normalized + n * d)
            if let weightGradient { for i in 0..<d { weightGradient[i] += g[i] * h[i] } }
            if let biasGradient { for i in 0..<d { biasGradient[i] += g[i] } }
        }
        guard let dx else { return }
        let count = T(d)
        for n in 0..<rows {
            let (g, h, out) = (dy + n * d, normalized + n * d, dx + n * d)
            var sum: T = 0
            var sumNormalized: T = 0
            for i in 0..<d {
                let v = (weight?[i] ?? 1) * g[i]
                sum += v
                sumNormalized += v * h[i]
            }
            let inv = invStd[n]
            let (shift, slope) = (sum / count, sumNormalized / count)
            for i in 0..<d {
                let v = inv * ((weight?[i] ?? 1) * g[i] - shift - h[i] * slope)
                if accumulate { out[i] += v } else { out[i] = v }
            }
        }
    }
}
