import OrbitNumerics

/// The fused elementwise kernels of a dense step. Each is one pass over a b × n block that stays in
/// cache after the GEMM that produced it; the activation is chosen once per call, outside the loop.
enum ActivationKernels {
    /// z ← z + b (row-broadcast bias), a ← σ(z). `a` may alias `z` (identity).
    static func biasActivation<Scalar: BLASScalar>(
        rows: Int, columns: Int, z: UnsafeMutablePointer<Scalar>, a: UnsafeMutablePointer<Scalar>,
        bias: UnsafePointer<Scalar>?, activation: Activation
    ) {
        switch Precision(Scalar.self) {
        case .float:
            biasActivationKernel(
                rows: rows, columns: columns, z: z.reinterpreted(as: Float.self), a: a.reinterpreted(as: Float.self),
                bias: bias?.reinterpreted(as: Float.self), activation: activation)
        case .double:
            biasActivationKernel(
                rows: rows, columns: columns, z: z.reinterpreted(as: Double.self), a: a.reinterpreted(as: Double.self),
                bias: bias?.reinterpreted(as: Double.self), activation: activation)
        case .other:
            biasActivationKernel(rows: rows, columns: columns, z: z, a: a, bias: bias, activation: activation)
        }
    }

    @inline(__always)
    private static func biasActivationKernel<Scalar: BLASScalar>(
        rows: Int, columns: Int, z: UnsafeMutablePointer<Scalar>, a: UnsafeMutablePointer<Scalar>,
        bias: UnsafePointer<Scalar>?, activation: Activation
    ) {
        switch activation {
        case .identity: apply(rows, columns, z, a, bias) { $0 }
        case .relu: apply(rows, columns, z, a, bias) { $0 > 0 ? $0 : 0 }
        case .leakyReLU(let slope):
            let s = Scalar(slope)
            apply(rows, columns, z, a, bias) { $0 > 0 ? $0 : s * $0 }
        case .tanh: apply(rows, columns, z, a, bias) { Scalar.tanh($0) }
        case .sigmoid: apply(rows, columns, z, a, bias) { 1 / (1 + Scalar.exp(-$0)) }
        case .gelu:
            let invSqrt2 = 1 / Scalar.sqrt(2)
            apply(rows, columns, z, a, bias) { $0 * (1 + Scalar.erf($0 * invSqrt2)) / 2 }
        }
    }

    @inline(__always)
    private static func apply<Scalar: BLASScalar>(
        _ rows: Int, _ columns: Int, _ z: UnsafeMutablePointer<Scalar>, _ a: UnsafeMutablePointer<Scalar>,
        _ bias: UnsafePointer<Scalar>?, _ f: (Scalar) -> Scalar
    ) {
        if let bias {
            for i in 0..<rows {
                let zr = z + i * columns, ar = a + i * columns
                for j in 0..<columns {
                    let v = zr[j] + bias[j]
                    zr[j] = v
                    ar[j] = f(v)
                }
            }
        } else if a != z {
            let n = rows * columns
            for i in 0..<n { a[i] = f(z[i]) }
        }
    }

    /// g ← g ⊙ σ′(z), using a = σ(z) where that is cheaper (sigmoid, tanh).
    static func multiplyByDerivative<Scalar: BLASScalar>(
        count n: Int, gradient g: UnsafeMutablePointer<Scalar>, z: UnsafePointer<Scalar>, a: UnsafePointer<Scalar>,
        activation: Activation
    ) {
        if case .relu = activation {
            // Branch-free on the bit pattern of a = max(z, 0) ≥ 0 (non-zero exactly when z > 0): the
            // select g = z > 0 ? g : 0 compiles to a mispredicted branch per element on SSE2 targets.
            switch Precision(Scalar.self) {
            case .float:
                let gb = UnsafeMutableRawPointer(g).assumingMemoryBound(to: UInt32.self)
                let ab = UnsafeRawPointer(a).assumingMemoryBound(to: UInt32.self)
                for i in 0..<n { gb[i] &= 0 &- ((ab[i] | (0 &- ab[i])) >> 31) }
                return
            case .double:
                let gb = UnsafeMutableRawPointer(g).assumingMemoryBound(to: UInt64.self)
                let ab = UnsafeRawPointer(a).assumingMemoryBound(to: UInt64.self)
                for i in 0..<n { gb[i] &= 0 &- ((ab[i] | (0 &- ab[i])) >> 63) }
                return
            case .other: break
            }
        }
        switch Precision(Scalar.self) {
        case .float:
            derivativeKernel(
                count: n, gradient: g.reinterpreted(as: Float.self), z: z.reinterpreted(as: Float.self),
                a: a.reinterpreted(as: Float.self), activation: activation)
        case .double:
            derivativeKernel(
                count: n, gradient: g.reinterpreted(as: Double.self), z: z.reinterpreted(as: Double.self),
                a: a.reinterpreted(as: Double.self), activation: activation)
        case .other:
            derivativeKernel(count: n, gradient: g, z: z, a: a, activation: activation)
        }
    }

    @inline(__always)
    private static func derivativeKernel<Scalar: BLASScalar>(
        count n: Int, gradient g: UnsafeMutablePointer<Scalar>, z: UnsafePointer<Scalar>, a: UnsafePointer<Scalar>,
        activation: Activation
    ) {
        switch activation {
        case .identity: return
        case .relu: for i in 0..<n { g[i] = z[i] > 0 ? g[i] : 0 }
        case .leakyReLU(let slope):
            let s = Scalar(slope)
            for i in 0..<n { g[i] = z[i] > 0 ? g[i] : s * g[i] }
        case .tanh: for i in 0..<n { g[i] *= 1 - a[i] * a[i] }
        case .sigmoid: for i in 0..<n { g[i] *= a[i] * (1 - a[i]) }
        case .gelu: for i in 0..<n { g[i] *= Activation.gelu.derivative(z[i]) }
        }
    }
}
