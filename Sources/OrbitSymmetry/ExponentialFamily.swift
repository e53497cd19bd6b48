import OrbitNumerics

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// e^{tL} for many t from one real eigendecomposition of L — how ``OrbitCurve`` evaluates
/// g_k(t) = exp(t·log g_k) at many points cheaply (the curves of Zhao, Dehmamy, Walters, Yu,
/// ICML 2025, Eq. 5).
///
/// LAPACK `dgeev` gives L·V = V·B with V real (a complex pair a ± ib with eigenvector u ± iw gives the
/// columns u, w) and B block diagonal: 1×1 blocks a and 2×2 blocks [[a, b], [−b, a]]. Then
///
///     e^{tL} = V·e^{tB}·V⁻¹,   e^{t[[a, b], [−b, a]]} = e^{ta}[[cos bt, sin bt], [−sin bt, cos bt]],
///
/// one O(h²) scaling and one GEMM per t instead of a scaling-and-squaring expm (~10 GEMMs and a
/// solve). Numerical soundness: the error is about κ(V)·ε relative (κ(V) = σ_max/σ_min of V, from
/// the SVD). When κ(V) > `maximumCondition` (default 1e6, so errors stay ≲ 1e-10) — defective or
/// nearly defective L, e.g. a Jordan block — the family falls back to ``Matrix/expm()`` per t.
/// The tests compare both routes. Cost: construction ≈ 30h³ (geev, SVD, LU inverse); per t O(h³).
public struct ExponentialFamily: Sendable {
    /// L.
    public let generator: Matrix<Double>
    /// κ(V), or +∞ when V is singular.
    public let conditionNumber: Double
    /// Whether the eigenvector route is used (κ(V) ≤ maximumCondition).
    public let isSpectral: Bool
    let vectors: Matrix<Double>
    let inverseVectors: Matrix<Double>
    /// (start, a, b): a 1×1 block (b = 0, size 1) or a 2×2 block.
    let blocks: [(start: Int, size: Int, real: Double, imaginary: Double)]

    public init(generator l: Matrix<Double>, maximumCondition: Double = 1e6) throws(LinearAlgebraError) {
        generator = l
        let n = l.rows
        let eigen = try Eigendecomposition(l)
        let v = eigen.eigenvectors ?? Matrix.identity(n)
        var blocks: [(Int, Int, Double, Double)] = []
        var j = 0
        while j < n {
            if eigen.eigenvaluesImaginary[j] != 0 && j + 1 < n {
                blocks.append((j, 2, eigen.eigenvaluesReal[j], eigen.eigenvaluesImaginary[j]))
                j += 2
            } else {
                blocks.append((j, 1, eigen.eigenvaluesReal[j], 0))
                j += 1
            }
        }
        let singular = try SingularValueDecomposition(v).singularValues
        let condition = (singular.last ?? 0) > 0 ? singular[0] / singular.last! : .infinity
        conditionNumber = condition
        if condition <= maximumCondition, let inverse = try? v.inverse() {
            isSpectral = true
            vectors = v
            inverseVectors = inverse
        } else {
            isSpectral = false
            vectors = Matrix(rows: 0, columns: 0)
            inverseVectors = Matrix(rows: 0, columns: 0)
        }
        self.blocks = blocks
    }

    /// e^{tL}.
    public func exp(_ t: Double) -> Matrix<Double> {
        guard isSpectral else { return GroupElementFlow.exp(t * generator) }
        // V·e^{tB}: column j of V times the block's entries.
        var scaled = vectors
        let n = vectors.rows
        for block in blocks {
            let s = block.start
            if block.size == 1 {
                let e = realExponential(t * block.real)
                for i in 0..<n { scaled[i, s] *= e }
            } else {
                let e = realExponential(t * block.real)
                let c = e * cos(block.imaginary * t)
                let d = e * sin(block.imaginary * t)
                for i in 0..<n {
                    let u = vectors[i, s]
                    let w = vectors[i, s + 1]
                    // [u w]·[[c, d], [−d, c]] = [c·u − d·w, d·u + c·w].
                    scaled[i, s] = c * u - d * w
                    scaled[i, s + 1] = d * u + c * w
                }
            }
        }
        return scaled * inverseVectors
    }
}

/// The C library's exp for one value (a file-scope name, so it does not clash with
/// ``ExponentialFamily/exp(_:)``).
private func realExponential(_ x: Double) -> Double { exp(x) }
