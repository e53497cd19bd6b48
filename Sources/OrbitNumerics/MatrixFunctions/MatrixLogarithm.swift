#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension Matrix where Scalar == Double {
    /// The principal matrix logarithm: the unique real X with e^X = A whose eigenvalues all satisfy
    /// |Im λ| < π. It exists iff A has no eigenvalue on the closed negative real axis.
    ///
    /// Schur-based inverse scaling and squaring (Kenney & Laub 1989; Higham 2001, "Evaluating Padé
    /// approximants of the matrix logarithm", SIAM J. Matrix Anal. Appl. 22(4), 2001; with the
    /// diagonal-block refinements of Al-Mohy & Higham 2012, "Improved inverse scaling and squaring
    /// algorithms for the matrix logarithm", SIAM J. Sci. Comput. 34(4)), kept entirely in real
    /// arithmetic:
    /// 1. Real Schur form A = Z·T·Zᵀ. An eigenvalue on (−∞, 0] (within the tolerance of
    ///    ``RealLogarithmCheck``) stops here.
    /// 2. T ← T^(1/2) repeatedly (s times), each by the real Schur square root method (Higham 1987),
    ///    until ‖T − I‖₁ ≤ θ₁₆; further roots are taken while one more root would lower the Padé
    ///    degree by at least two, at most twice (Higham 2001's heuristic, extended to m ≤ 16).
    /// 3. X = T^(1/2ˢ) − I, with its diagonal blocks recomputed from the original T as
    ///    λ^(1/2ˢ) − 1 = expm1(log(λ)/2ˢ) (no cancellation), and
    ///    log(I + X) ≈ r_m(X) = Σ_j w_j X (I + x_j X)⁻¹, the [m/m] Padé approximant in partial
    ///    fractions with the m-point Gauss–Legendre rule (x_j, w_j) on [0, 1]. The degree is the
    ///    smallest m with ‖X‖₁ ≤ θ_m (Higham 2001: the largest ‖X‖ with
    ///    |r_m(−‖X‖) − log(1 − ‖X‖)| ≤ u, a bound on ‖r_m(X) − log(I + X)‖).
    /// 4. log T = 2ˢ·r_m(X), then its diagonal blocks are replaced by their exact logarithms (log λ,
    ///    or ln|λ|·I + (arg λ/μ)(B − θI) for a 2×2 block B with eigenvalues λ = θ ± iμ), and
    ///    log A = Z·log T·Zᵀ.
    ///
    /// Cost: ≈ 25n³ (Schur) + s·n³/3 (roots) + m·n³/3 (one quasi-triangular solve per Padé term)
    /// + 4n³ (back-transformation) flops.
    ///
    /// - Throws: ``LinearAlgebraError/noRealLogarithm(eigenvalue:)`` when an eigenvalue lies on the
    ///   closed negative real axis, reporting the largest such; a singular matrix (an eigenvalue with
    ///   |λ| ≤ δ, see ``RealLogarithmCheck``) reports eigenvalue 0. `.notSquare` / `.nonFinite` for
    ///   bad input, `.notConverged` if the Schur form fails or 64 square roots do not bring T near I.
    public func logm() throws(LinearAlgebraError) -> Matrix<Double> {
        try requireSquareFinite("matrix logarithm")
        let n = rows
        if n == 0 { return self }
        let schur = try RealSchurDecomposition(self)
        let delta = RealLogarithmCheck.defaultRelativeTolerance(order: n) * frobeniusNorm
        if let worst = RealLogarithmCheck.closedNegativeAxisEigenvalues(schur, tolerance: delta).last {
            throw .noRealLogarithm(eigenvalue: worst)
        }
        let t = QuasiTriangularMatrix(schur.t, blocks: schur.blocks)
        let logT = try MatrixLogarithm.quasiTriangularLogarithm(t)
        let result = Matrix.product(schur.z * logT, schur.z, transposeB: .transposed)
        if let (row, column) = result.firstNonFinite() {
            throw .nonFinite(operation: "matrix logarithm (overflow)", row: row, column: column)
        }
        return result
    }
}

/// The steps of ``Matrix/logm()`` on the quasi-triangular Schur factor.
enum MatrixLogarithm {
    /// θ_m, m = 1 … 16, from Higham 2001's table (also tabulated in *Functions of Matrices*; checked
    /// against a public implementation). Recomputed in 80-digit arithmetic as the roots of
    /// |r_m(−θ) − log(1 − θ)| = 2⁻⁵³: the table holds them rounded to three digits, so a few (e.g.
    /// θ₁₆ = 0.7236… → 0.724) exceed the root by < 0.1 %, which moves the bound by a fraction of u.
    static let thetas: [Double] = [
        1.10e-5, 1.82e-3, 1.62e-2, 5.39e-2, 1.14e-1, 1.87e-1, 2.64e-1, 3.40e-1,
        4.11e-1, 4.75e-1, 5.31e-1, 5.81e-1, 6.24e-1, 6.62e-1, 6.95e-1, 7.24e-1,
    ]
    /// Beyond this many square roots T^(1/2ˢ) − I has lost all its information to rounding.
    static let maximumSquareRoots = 64

    /// The smallest Padé degree m with τ ≤ θ_m, or nil when τ > θ₁₆.
    static func degree(for tau: Double) -> Int? {
        thetas.firstIndex { tau <= $0 }.map { $0 + 1 }
    }

    /// log T for quasi-triangular T with no eigenvalue on the closed negative real axis.
    static func quasiTriangularLogarithm(_ t0: QuasiTriangularMatrix) throws(LinearAlgebraError) -> Matrix<Double> {
        let n = t0.order
        var t = t0
        var s = 0
        var extraRoots = 0
        var m = 16
        while true {
            let tau = t.distanceFromIdentityOneNorm
            if let m1 = degree(for: tau) {
                let m2 = degree(for: tau / 2) ?? m1
                if m1 - m2 <= 1 || extraRoots == 2 {
                    m = m1
                    break
                }
                extraRoots += 1
            }
            if s == maximumSquareRoots {
                throw .notConverged(operation: "matrix logarithm (square roots)", info: s)
            }
            t = t.squareRoot()
            s += 1
        }

        // X = T^(1/2ˢ) − I, diagonal blocks from the original T without cancellation.
        var x = t
        for i in 0..<n { x[i, i] -= 1 }
        for block in t0.blocks {
            DiagonalBlockFunction.write(into: &x, block: block, from: t0) { re, im in
                rootMinusOne(re: re, im: im, squareRoots: s)
            }
        }
        let rule = GaussLegendreRule.unitIntervalRules[m - 1]
        var sum = [Double](repeating: 0, count: n * n)
        for (node, weight) in zip(rule.nodes, rule.weights) {
            x.accumulateResolventTerm(node: node, weight: weight, into: &sum)
        }
        let scale = Double(sign: .plus, exponent: s, significand: 1)
        var logT = QuasiTriangularMatrix(order: n, entries: sum.map { scale * $0 }, blocks: t0.blocks)
        for block in t0.blocks {
            DiagonalBlockFunction.write(into: &logT, block: block, from: t0) { re, im in
                (log(QuasiTriangularMatrix.hypotenuse(re, im)), atan2(im, re))
            }
        }
        return logT.matrix
    }

    /// λ^(1/2ˢ) − 1 for λ = re + i·im (principal branch), accurate when λ^(1/2ˢ) ≈ 1:
    /// with log(λ)/2ˢ = a + ib, e^(a+ib) − 1 = (expm1(a)·cos b − 2 sin²(b/2)) + i·e^a sin b.
    static func rootMinusOne(re: Double, im: Double, squareRoots s: Int) -> (re: Double, im: Double) {
        let scale = Double(sign: .plus, exponent: -s, significand: 1)
        let a = log(QuasiTriangularMatrix.hypotenuse(re, im)) * scale
        let b = atan2(im, re) * scale
        let halfSin = sin(b / 2)
        return (expm1(a) * cos(b) - 2 * halfSin * halfSin, exp(a) * sin(b))
    }
}

/// f on a diagonal block of a real Schur factor, in closed form.
///
/// For a 1×1 block λ it is f(λ). For a 2×2 block B with eigenvalues θ ± iμ (μ > 0), N = B − θI
/// satisfies N² = −μ²I, and any f with f(z̄) = f(z)‾ gives f(B) = Re f(λ)·I + (Im f(λ)/μ)·N,
/// λ = θ + iμ (check on the eigenvectors of N, where N acts as ±iμ).
enum DiagonalBlockFunction {
    /// Overwrites `target`'s block with f of `source`'s block; `f` maps (Re λ, Im λ) to (Re f, Im f).
    /// A 2×2 block whose eigenvalues rounding made real is left as it is.
    static func write(
        into target: inout QuasiTriangularMatrix, block: (start: Int, size: Int), from source: QuasiTriangularMatrix,
        _ f: (Double, Double) -> (re: Double, im: Double)
    ) {
        let i = block.start
        if block.size == 1 {
            target[i, i] = f(source[i, i], 0).re
            return
        }
        let a = source[i, i], b = source[i, i + 1], c = source[i + 1, i], d = source[i + 1, i + 1]
        let theta = (a + d) / 2
        let half = (a - d) / 2
        let muSquared = -(half * half + b * c)
        guard muSquared > 0 else { return }
        let mu = half == 0 ? abs(b).squareRoot() * abs(c).squareRoot() : muSquared.squareRoot()
        let value = f(theta, mu)
        let slope = value.im / mu
        target[i, i] = value.re + slope * half
        target[i, i + 1] = slope * b
        target[i + 1, i] = slope * c
        target[i + 1, i + 1] = value.re - slope * half
    }
}
