import OrbitNumerics

/// The elementwise second-order kernels of Pearlmutter's R-operator (see ``HessianVectorWorkspace``):
/// the activation's σ″ term of the backward pass and the loss's R-op. One pass over a b × n block
/// each; the activation and loss are chosen once per call, outside the loop. Per-kind code lives
/// here, next to ``ActivationKernels`` and ``LossKernels``, so a new layer kind adds its terms in one place.
enum CurvatureKernels {
    /// R{∂L/∂z} = σ′(z)⊙R{∂L/∂a} + σ″(z)⊙R{z}⊙∂L/∂a, written over `rGradient` (which holds R{∂L/∂a}).
    /// `gradient` must still hold ∂L/∂a (not yet multiplied by σ′).
    ///
    /// σ″ per activation: identity, ReLU and leaky ReLU 0 (piecewise linear: at the kink z = 0, a
    /// measure-zero set, σ′ is taken one-sided — 0 for ReLU, the slope for leaky ReLU — and σ″ = 0,
    /// so the product is the Hessian of the piece the point lies on); tanh −2t(1 − t²) with t = tanh z;
    /// sigmoid s(1 − s)(1 − 2s) with s = sigmoid z; GELU z·Φ(z) has σ″ = φ(z)(2 − z²).
    static func backward<Scalar: BLASScalar>(
        count n: Int, rGradient: UnsafeMutablePointer<Scalar>, gradient: UnsafePointer<Scalar>,
        z: UnsafePointer<Scalar>, a: UnsafePointer<Scalar>, rz: UnsafePointer<Scalar>, activation: Activation
    ) {
        switch activation {
        case .identity: return
        case .relu, .leakyReLU:
            // σ″ = 0: only the σ′ mask (one-sided at the kink, the same as the backward pass).
            ActivationKernels.multiplyByDerivative(count: n, gradient: rGradient, z: z, a: a, activation: activation)
            return
        default: break
        }
        switch Precision(Scalar.self) {
        case .float:
            backwardKernel(
                n, rGradient.reinterpreted(as: Float.self), gradient.reinterpreted(as: Float.self),
                z.reinterpreted(as: Float.self), a.reinterpreted(as: Float.self), rz.reinterpreted(as: Float.self),
                activation)
        case .double:
            backwardKernel(
                n, rGradient.reinterpreted(as: Double.self), gradient.reinterpreted(as: Double.self),
                z.reinterpreted(as: Double.self), a.reinterpreted(as: Double.self), rz.reinterpreted(as: Double.self),
                activation)
        case .other:
            backwardKernel(n, rGradient, gradient, z, a, rz, activation)
        }
    }

    @inline(__always)
    private static func backwardKernel<Scalar: BLASScalar>(
        _ n: Int, _ rg: UnsafeMutablePointer<Scalar>, _ g: UnsafePointer<Scalar>, _ z: UnsafePointer<Scalar>,
        _ a: UnsafePointer<Scalar>, _ rz: UnsafePointer<Scalar>, _ activation: Activation
    ) {
        switch activation {
        case .identity, .relu, .leakyReLU: return
        case .tanh:
            for i in 0..<n {
                let t = a[i], d = 1 - t * t
                rg[i] = d * (rg[i] - 2 * t * rz[i] * g[i])
            }
        case .sigmoid:
            for i in 0..<n {
                let s = a[i], d = s * (1 - s)
                rg[i] = d * (rg[i] + (1 - 2 * s) * rz[i] * g[i])
            }
        case .gelu:
            let invSqrt2 = 1 / Scalar.sqrt(2), invSqrt2Pi = 1 / Scalar.sqrt(2 * Scalar.pi)
            for i in 0..<n {
                let x = z[i]
                let phi = Scalar.exp(-x * x / 2) * invSqrt2Pi
                let cdf = (1 + Scalar.erf(x * invSqrt2)) / 2
                rg[i] = (cdf + x * phi) * rg[i] + phi * (2 - x * x) * rz[i] * g[i]
            }
        }
    }

    /// R{∂L/∂f} for the batch mean L = scale·Σ_i ℓ_i, given R{f} (`rOutputs`) and the outputs f.
    ///
    /// Softmax cross-entropy: ∂²ℓ/∂f² = diag(p) − p·pᵀ with p = softmax(f), so row i of the result is
    /// scale·p⊙(r − ⟨p, r⟩). Squared error (against values or one-hot classes): 2·scale·r.
    /// Cost O(b·k).
    static func lossR<Scalar: BLASScalar>(
        _ loss: LossFunction, outputs: MatrixView<Scalar>, rOutputs: MatrixView<Scalar>,
        into result: MutableMatrixView<Scalar>, scale: Scalar
    ) {
        let b = outputs.rows, k = outputs.columns
        switch loss {
        case .meanSquaredError:
            for i in 0..<b {
                let r = rOutputs.row(i), out = result.row(i)
                for j in 0..<k { out[j] = 2 * scale * r[j] }
            }
        case .softmaxCrossEntropy:
            for i in 0..<b {
                let f = outputs.row(i), r = rOutputs.row(i), out = result.row(i)
                var maxValue = f[0]
                for j in 1..<k where f[j] > maxValue { maxValue = f[j] }
                var sum: Scalar = 0
                for j in 0..<k {
                    let e = Scalar.exp(f[j] - maxValue)
                    out[j] = e
                    sum += e
                }
                var pr: Scalar = 0
                let inverse = 1 / sum
                for j in 0..<k {
                    out[j] *= inverse
                    pr += out[j] * r[j]
                }
                for j in 0..<k { out[j] = scale * out[j] * (r[j] - pr) }
            }
        }
    }
}
