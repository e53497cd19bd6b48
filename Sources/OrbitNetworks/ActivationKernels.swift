import OrbitNumerics

/// The fused elementwise kernels of a dense step. Each is one pass over a b × n block that stays in
/// cache after the GEMM that produced it; the activation is chosen once per call, outside the loop.
enum ActivationKernels {
    /// z ← z + b (row-broadcast bias), a ← σ(z). `a` may alias `z` (identity steps, inference
    /// workspaces); then only the activation is stored.
    static func biasActivation<Scalar: BLASScalar>(
        rows: Int, columns: Int, z: UnsafeMutablePointer<Scalar>, a: UnsafeMutablePointer<Scalar>,
        bias: UnsafePointer<Scalar>?, activation: Activation
    ) {
        if case .relu = activation, a == z {
            // In place (inference workspaces): branch-free on the sign bit, see `relu(_:)`.
            switch Precision(Scalar.self) {
            case .float:
                biasReLUInPlace(
                    rows, columns, z.reinterpreted(as: Float.self), bias?.reinterpreted(as: Float.self), relu)
                return
            case .double:
                biasReLUInPlace(
                    rows, columns, z.reinterpreted(as: Double.self), bias?.reinterpreted(as: Double.self), relu)
                return
            case .other: break
            }
        }
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
        case .identity:
            // Nothing to do in place without a bias.
            if bias != nil || a != z { apply(rows, columns, z, a, bias) { $0 } }
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
        } else {
            let n = rows * columns
            for i in 0..<n { a[i] = f(z[i]) }
        }
    }

    /// z ← Σ_i c_i·H_i + b (row-broadcast bias), a ← σ(z), reading each H_i once: the first layer of
    /// a point θ(t) of an affine path from products H_i = X·W₁,ᵢᵀ computed once per batch. Two products
    /// (a line) are one pass; otherwise the combination is formed in `z` first. `a` may alias `z`.
    static func combinationBiasActivation<Scalar: BLASScalar>(
        rows: Int, columns: Int, products: [UnsafePointer<Scalar>], coefficients: [Scalar],
        z: UnsafeMutablePointer<Scalar>, a: UnsafeMutablePointer<Scalar>, bias: UnsafePointer<Scalar>?,
        activation: Activation
    ) {
        guard products.count == 2, let bias, case .relu = activation, a == z else {
            ParameterVectorKernels.combination(
                out: z, inputs: products, coefficients: coefficients, count: rows * columns)
            biasActivation(rows: rows, columns: columns, z: z, a: a, bias: bias, activation: activation)
            return
        }
        switch Precision(Scalar.self) {
        case .float:
            lineReLU(
                rows, columns, products[0].reinterpreted(as: Float.self), products[1].reinterpreted(as: Float.self),
                Float(coefficients[0]), Float(coefficients[1]), bias.reinterpreted(as: Float.self),
                z.reinterpreted(as: Float.self), relu)
        case .double:
            lineReLU(
                rows, columns, products[0].reinterpreted(as: Double.self), products[1].reinterpreted(as: Double.self),
                Double(coefficients[0]), Double(coefficients[1]), bias.reinterpreted(as: Double.self),
                z.reinterpreted(as: Double.self), relu)
        case .other:
            lineReLU(
                rows, columns, products[0], products[1], coefficients[0], coefficients[1], bias, z, { $0 > 0 ? $0 : 0 })
        }
    }

    @inline(__always)
    private static func lineReLU<Scalar: BLASScalar>(
        _ rows: Int, _ columns: Int, _ h0: UnsafePointer<Scalar>, _ h1: UnsafePointer<Scalar>, _ c0: Scalar,
        _ c1: Scalar, _ bias: UnsafePointer<Scalar>, _ out: UnsafeMutablePointer<Scalar>,
        _ relu: (Scalar) -> Scalar
    ) {
        for i in 0..<rows {
            let offset = i * columns
            let (x0, x1, o) = (h0 + offset, h1 + offset, out + offset)
            for j in 0..<columns { o[j] = relu(c0 * x0[j] + c1 * x1[j] + bias[j]) }
        }
    }

    @inline(__always)
    private static func biasReLUInPlace<Scalar: BLASScalar>(
        _ rows: Int, _ columns: Int, _ z: UnsafeMutablePointer<Scalar>, _ bias: UnsafePointer<Scalar>?,
        _ relu: (Scalar) -> Scalar
    ) {
        guard let bias else {
            for i in 0..<rows * columns { z[i] = relu(z[i]) }
            return
        }
        for i in 0..<rows {
            let zr = z + i * columns
            for j in 0..<columns { zr[j] = relu(zr[j] + bias[j]) }
        }
    }

    /// max(v, 0) on the sign bit: v when the sign bit is clear (NaN with a clear sign bit stays NaN),
    /// +0 otherwise. `v > 0 ? v : 0` in an in-place loop compiles to a branch per element, mispredicted
    /// half the time on ReLU pre-activations (a quarter of a path evaluation's cycles).
    @inline(__always)
    static func relu(_ v: Float) -> Float {
        Float(bitPattern: v.bitPattern & ~UInt32(bitPattern: Int32(bitPattern: v.bitPattern) >> 31))
    }

    @inline(__always)
    static func relu(_ v: Double) -> Double {
        Double(bitPattern: v.bitPattern & ~UInt64(bitPattern: Int64(bitPattern: v.bitPattern) >> 63))
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
