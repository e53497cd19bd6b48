/// Whether a real square matrix A has a real logarithm, decided from its real Schur form.
///
/// The theory (Culver 1966, "On the existence and uniqueness of the real logarithm of a matrix",
/// Proc. AMS 17; also in Higham's *Functions of Matrices*, SIAM 2008):
/// - A has a real **principal** logarithm (the one ``Matrix/logm()`` computes, with every eigenvalue
///   in the strip |Im z| < π) iff A has no eigenvalue on the closed negative real axis (−∞, 0].
/// - A has **some** real logarithm iff A is nonsingular and, for every negative real eigenvalue,
///   each Jordan block size occurs an even number of times. For diagonalisable A that is: every
///   negative eigenvalue has even multiplicity. So −I₂ = exp([[0, −π], [π, 0]]) has a real
///   (non-principal) logarithm, diag(−1, −2) and [[−1, 1], [0, −1]] have none.
///
/// What is decided numerically, with δ = ``tolerance`` = ρ·‖A‖_F (ρ = `relativeTolerance`,
/// default 10·n·ε, ε = 2⁻⁵²: a few times the backward error of the Schur form):
/// - an eigenvalue λ of the computed Schur form with |λ| ≤ δ counts as **zero** (A is treated as
///   singular) and is listed as 0;
/// - an eigenvalue with Re λ < 0 and |Im λ| ≤ δ counts as **negative real** and is listed as Re λ.
///   So a rotation by π − φ counts as having eigenvalue −1 once sin φ ≤ δ.
/// - negative eigenvalues are grouped into clusters of (numerically) equal eigenvalues when
///   consecutive ones differ by at most ``clusterTolerance`` = max(δ, √ε·‖A‖_F), because a repeated
///   eigenvalue is split by rounding by up to O(√ε) when it is defective;
/// - the Jordan structure of a cluster with mean λ̄ and size k comes from the ranks of (A − λ̄I)^j,
///   j = 1 … k (number of blocks of size ≥ j = rank_(j−1) − rank_j), a singular value of
///   (A − λ̄I)^j counting as zero when it is at most max(ρ, √ε)·s^j with s = max(‖A‖_F, ‖A − λ̄I‖_F).
///   If those ranks do not account for all k eigenvalues (a cluster that is not numerically one
///   eigenvalue), ``NegativeEigenvalue/jordanBlockSizes`` is empty and the decision falls back to
///   the parity of k, which is necessary, and sufficient when A is diagonalisable.
///
/// Limits: a defective negative eigenvalue (e.g. a similarity transform of [[−1, 1], [0, −1]]) is
/// usually computed as a complex pair with imaginary parts ~√ε, which the default δ does not catch:
/// the matrix is then reported (correctly for the computed, perturbed spectrum) as having a
/// principal logarithm of norm ~1/√ε. Pass a larger `relativeTolerance` (e.g. 1e-7) to flag such
/// pairs. ``hasPrincipalRealLogarithm`` with the default tolerance is `false` exactly when
/// ``Matrix/logm()`` throws ``LinearAlgebraError/noRealLogarithm(eigenvalue:)``.
///
/// Cost: one real Schur decomposition (≈ 25n³ flops), plus, only for negative eigenvalue clusters,
/// up to k matrix products and SVDs per cluster of size k.
public struct RealLogarithmCheck: Sendable, Equatable {
    /// A cluster of numerically equal negative real eigenvalues.
    public struct NegativeEigenvalue: Sendable, Equatable {
        /// The mean of the cluster's computed real parts.
        public let value: Double
        /// The algebraic multiplicity (cluster size).
        public let multiplicity: Int
        /// The sizes of the Jordan blocks, descending; empty when the rank test was inconclusive.
        public let jordanBlockSizes: [Int]

        /// Culver's condition for this eigenvalue: each Jordan block size occurs an even number of
        /// times (with no resolved structure: the multiplicity is even).
        public var admitsRealLogarithm: Bool {
            if jordanBlockSizes.isEmpty { return multiplicity % 2 == 0 }
            var counts: [Int: Int] = [:]
            for size in jordanBlockSizes { counts[size, default: 0] += 1 }
            return counts.values.allSatisfy { $0 % 2 == 0 }
        }
    }

    /// The eigenvalues counted as lying on (−∞, 0], ascending, with multiplicity (numerically zero
    /// ones as 0).
    public let eigenvaluesOnClosedNegativeAxis: [Double]
    /// Whether an eigenvalue counted as zero (|λ| ≤ ``tolerance``).
    public let isSingular: Bool
    /// The negative eigenvalues, clustered, ascending.
    public let negativeEigenvalues: [NegativeEigenvalue]
    /// No eigenvalue on the closed negative real axis: ``Matrix/logm()`` applies.
    public let hasPrincipalRealLogarithm: Bool
    /// Some real logarithm exists (Culver): nonsingular and every negative eigenvalue admits one.
    public let hasRealLogarithm: Bool
    /// δ, the absolute tolerance used for "zero" and "real".
    public let tolerance: Double
    /// The tolerance for grouping negative eigenvalues.
    public let clusterTolerance: Double

    /// The default relative tolerance ρ = 10·n·ε for a matrix of order n.
    public static func defaultRelativeTolerance(order n: Int) -> Double { 10 * Double(max(n, 1)) * Double.ulpOfOne }

    /// Checks `a` (square, finite) with tolerance ρ = `relativeTolerance` (default 10·n·ε).
    public init(_ a: Matrix<Double>, relativeTolerance: Double? = nil) throws(LinearAlgebraError) {
        try a.requireSquareFinite("real logarithm check")
        let schur = try RealSchurDecomposition(a)
        try self.init(a, schur: schur, relativeTolerance: relativeTolerance)
    }

    init(_ a: Matrix<Double>, schur: RealSchurDecomposition<Double>, relativeTolerance: Double?)
        throws(LinearAlgebraError)
    {
        let n = a.rows
        let rho = relativeTolerance ?? Self.defaultRelativeTolerance(order: n)
        let normF = a.frobeniusNorm
        let delta = rho * normF
        tolerance = delta
        let sqrtEps = Double.ulpOfOne.squareRoot()
        clusterTolerance = max(delta, sqrtEps * normF)

        let onAxis = Self.closedNegativeAxisEigenvalues(schur, tolerance: delta)
        eigenvaluesOnClosedNegativeAxis = onAxis
        isSingular = onAxis.contains(0)
        hasPrincipalRealLogarithm = onAxis.isEmpty

        var clusters: [[Double]] = []
        for value in onAxis where value < 0 {
            if let last = clusters.last?.last, value - last <= clusterTolerance {
                clusters[clusters.count - 1].append(value)
            } else {
                clusters.append([value])
            }
        }
        var negatives: [NegativeEigenvalue] = []
        for cluster in clusters {
            let mean = cluster.reduce(0, +) / Double(cluster.count)
            let sizes = try Self.jordanBlockSizes(
                a, eigenvalue: mean, multiplicity: cluster.count, relativeTolerance: max(rho, sqrtEps))
            negatives.append(NegativeEigenvalue(value: mean, multiplicity: cluster.count, jordanBlockSizes: sizes))
        }
        negativeEigenvalues = negatives
        hasRealLogarithm = !isSingular && negatives.allSatisfy(\.admitsRealLogarithm)
    }

    /// The eigenvalues of the Schur form on the closed negative real axis (see the type's
    /// documentation for the rule), ascending; shared with ``Matrix/logm()`` so both agree.
    static func closedNegativeAxisEigenvalues(_ schur: RealSchurDecomposition<Double>, tolerance delta: Double)
        -> [Double]
    {
        var result: [Double] = []
        for (re, im) in zip(schur.eigenvaluesReal, schur.eigenvaluesImaginary) {
            if QuasiTriangularMatrix.hypotenuse(re, im) <= delta {
                result.append(0)
            } else if re < 0 && abs(im) <= delta {
                result.append(re)
            }
        }
        return result.sorted()
    }

    /// Jordan block sizes of `eigenvalue` from the nullities of (A − λI)^j (the Weyr characteristic).
    static func jordanBlockSizes(
        _ a: Matrix<Double>, eigenvalue lambda: Double, multiplicity k: Int, relativeTolerance rho: Double
    ) throws(LinearAlgebraError) -> [Int] {
        let n = a.rows
        var shifted = a
        for i in 0..<n { shifted[i, i] -= lambda }
        let scale = max(a.frobeniusNorm, shifted.frobeniusNorm)
        var power = shifted
        var nullities = [0]
        for j in 1...k {
            if j > 1 { power = power * shifted }
            let sigma = try SingularValueDecomposition(power).singularValues
            let threshold = rho * pow(scale, Double(j))
            let nullity = min(k, sigma.filter { $0 <= threshold }.count)
            nullities.append(max(nullity, nullities[nullities.count - 1]))
            if nullity == k { break }
        }
        guard nullities.last == k else { return [] }
        // atLeast[j] = number of Jordan blocks of size ≥ j.
        let atLeast = (1..<nullities.count).map { nullities[$0] - nullities[$0 - 1] } + [0]
        var sizes: [Int] = []
        for j in stride(from: atLeast.count - 1, through: 1, by: -1) {
            let exactly = atLeast[j - 1] - atLeast[j]
            if exactly > 0 { sizes += Array(repeating: j, count: exactly) }
        }
        return sizes
    }
}

extension Matrix where Scalar == Double {
    /// Whether this matrix has a real principal logarithm, or any real logarithm (Culver 1966); see
    /// ``RealLogarithmCheck`` for the theory and the numerical tolerances.
    public func realLogarithmCheck(relativeTolerance: Double? = nil) throws(LinearAlgebraError) -> RealLogarithmCheck {
        try RealLogarithmCheck(self, relativeTolerance: relativeTolerance)
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
