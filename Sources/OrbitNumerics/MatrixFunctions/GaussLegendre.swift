/// An m-point Gauss–Legendre quadrature rule: ∫ f ≈ Σ_j w_j f(x_j), exact for polynomials of
/// degree ≤ 2m − 1.
///
/// On [−1, 1] the nodes are the zeros of the Legendre polynomial P_m and the weights are
/// w_j = 2 / ((1 − x_j²) P_m′(x_j)²). They are computed by the Golub–Welsch method (Golub & Welsch
/// 1969, "Calculation of Gauss quadrature rules", Math. Comp. 23): the nodes are the eigenvalues of
/// the symmetric tridiagonal Jacobi matrix with off-diagonal k/√(4k² − 1), k = 1 … m − 1. The
/// eigensolver gives nodes to about ε·m; one Newton step on P_m then restores full precision, and
/// the weights are taken from the closed form (more accurate than 2·v₁² from the eigenvectors).
/// Cost: one m×m symmetric eigenproblem plus O(m²) for the polish.
///
/// The matrix logarithm uses the rules mapped to [0, 1]: log(I + X) = ∫₀¹ X (I + tX)⁻¹ dt, and the
/// m-point rule applied to that integral is exactly the [m/m] Padé approximant of log(I + X)
/// (Dieci, Morini & Papini 1996; Higham 2001).
public struct GaussLegendreRule: Sendable, Equatable {
    /// The nodes, ascending.
    public let nodes: [Double]
    /// The weights, in the order of ``nodes``.
    public let weights: [Double]

    /// The m-point rule on [−1, 1] (m ≥ 1).
    public init(points m: Int) {
        precondition(m >= 1, "a Gauss–Legendre rule needs at least one point, got \(m)")
        var jacobi = Matrix<Double>(rows: m, columns: m)
        for k in 1..<max(m, 1) {
            let kk = Double(k)
            let beta = kk / (4 * kk * kk - 1).squareRoot()
            jacobi[k - 1, k] = beta
            jacobi[k, k - 1] = beta
        }
        // A finite symmetric tridiagonal matrix: syevd cannot fail on it.
        let eigen = try! SymmetricEigendecomposition(jacobi)
        var x = eigen.eigenvalues
        var w = [Double](repeating: 0, count: m)
        for j in 0..<m {
            var (p, dp) = Self.legendre(m, at: x[j])
            x[j] -= p / dp
            (p, dp) = Self.legendre(m, at: x[j])
            w[j] = 2 / ((1 - x[j] * x[j]) * dp * dp)
        }
        // The rule is symmetric about 0 in exact arithmetic; enforce it so that odd moments vanish
        // to the last bit and the middle node of an odd rule is exactly 0.
        for j in 0..<(m / 2) {
            let k = m - 1 - j
            let node = (x[k] - x[j]) / 2
            let weight = (w[j] + w[k]) / 2
            x[j] = -node
            x[k] = node
            w[j] = weight
            w[k] = weight
        }
        if m % 2 == 1 { x[m / 2] = 0 }
        nodes = x
        weights = w
    }

    init(nodes: [Double], weights: [Double]) {
        self.nodes = nodes
        self.weights = weights
    }

    /// The rule mapped affinely from [−1, 1] to [a, b]: x ↦ (a + b)/2 + (b − a)/2 · x, w ↦ (b − a)/2 · w.
    public func mapped(to interval: ClosedRange<Double>) -> GaussLegendreRule {
        let half = (interval.upperBound - interval.lowerBound) / 2
        let mid = (interval.upperBound + interval.lowerBound) / 2
        return GaussLegendreRule(nodes: nodes.map { mid + half * $0 }, weights: weights.map { half * $0 })
    }

    /// Σ_j w_j f(x_j).
    public func integrate(_ f: (Double) -> Double) -> Double {
        zip(nodes, weights).reduce(0) { $0 + $1.1 * f($1.0) }
    }

    /// (P_m(x), P_m′(x)) by the three-term recurrence (k+1)P_{k+1} = (2k+1)xP_k − kP_{k−1}.
    /// The derivative formula m(xP_m − P_{m−1})/(x² − 1) is only used at interior nodes, |x| < 1.
    static func legendre(_ m: Int, at x: Double) -> (value: Double, derivative: Double) {
        var previous = 1.0
        var current = x
        if m == 0 { return (1, 0) }
        for k in 1..<m {
            let kk = Double(k)
            let next = ((2 * kk + 1) * x * current - kk * previous) / (kk + 1)
            previous = current
            current = next
        }
        return (current, Double(m) * (x * current - previous) / (x * x - 1))
    }

    /// The rules with 1 … 16 points on [0, 1], built once on first use (the logarithm needs at most 16).
    static let unitIntervalRules: [GaussLegendreRule] = (1...16).map {
        GaussLegendreRule(points: $0).mapped(to: 0...1)
    }
}
