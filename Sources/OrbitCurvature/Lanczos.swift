import OrbitNetworks
import OrbitNumerics

/// A Ritz pair (θ, u) of a symmetric operator H from a Lanczos run, with its error bar.
public struct RitzPair<Scalar: BLASScalar> {
    /// θ, the Ritz value (an eigenvalue estimate).
    public var value: Double
    /// ‖H·u − θ·u‖ for the unit Ritz vector u. By the Lanczos relation H·Q = Q·T + β_m·q_(m+1)·e_mᵀ
    /// it equals β_m·|y_m| (y the eigenvector of T), which is what is reported unless the residual
    /// was computed explicitly (``LanczosResult/explicitResiduals``). With a residual r, some
    /// eigenvalue of H lies within r of θ (docs/math/curvature.md §2).
    public var residual: Double
    /// u = Q·y, when vectors were requested.
    public var vector: ParameterVector<Scalar>?
}

/// What a Lanczos run produced.
public struct LanczosResult<Scalar: BLASScalar> {
    /// The top-k Ritz pairs, largest value first.
    public var pairs: [RitzPair<Scalar>]
    /// Every Ritz value of the final tridiagonal T_m (ascending) and the squared first components
    /// of its eigenvectors: the nodes and weights of the Gauss quadrature of the spectral measure
    /// seen from the start vector (stochastic Lanczos quadrature, ``SpectralDensity``).
    public var nodes: [Double]
    public var weights: [Double]
    /// The steps taken m (≤ the steps asked for: the run stops early on convergence or breakdown).
    public var steps: Int
    /// The relative residual tolerance the run stopped at: every top-k residual ≤ tolerance·max|θ|.
    public var tolerance: Double
    /// Whether the top-k residuals met the tolerance (or the Krylov space became invariant).
    public var converged: Bool
    /// Whether the residuals are ‖H·u − θ·u‖ computed with k extra products rather than β_m·|y_m|.
    public var explicitResiduals: Bool
}

/// The Lanczos iteration with full reorthogonalisation for the extreme eigenpairs of a symmetric
/// operator given only through products v ↦ H·v (docs/math/curvature.md §2).
///
/// Each step applies H once, then orthogonalises against every previous basis vector twice
/// (classical Gram–Schmidt, repeated: "twice is enough"), so the basis Q stays orthonormal to working
/// precision and no spurious copies of converged eigenvalues appear. The eigen-decomposition of the
/// m×m tridiagonal T_m goes through LAPACK (`?syevd`, ``SymmetricEigendecomposition``) after each step;
/// the run stops when the top-k residuals β_m·|y_m| fall below `tolerance`·max|θ|, or when β_m
/// vanishes (an invariant subspace: the Ritz values are then exact eigenvalues).
/// Cost: m products plus O(m²·p) for reorthogonalisation and m·p per Ritz vector (p = dimension);
/// memory m + 1 vectors of p scalars.
public enum Lanczos {
    /// Runs at most `steps` Lanczos steps from `start` (normalised here; must be non-zero).
    ///
    /// - Parameters:
    ///   - topK: how many of the largest (algebraic) Ritz pairs to return; ≤ `steps`.
    ///   - tolerance: stop once every top-k residual is ≤ tolerance·max|θ|. A negative tolerance never
    ///     stops early (every step runs unless the Krylov space becomes invariant): what stochastic
    ///     Lanczos quadrature and a fixed-work benchmark need. (0 is not that: LAPACK's divide and
    ///     conquer can deflate a converged Ritz vector's last component to exactly 0.)
    ///   - vectors: whether to form the top-k Ritz vectors.
    ///   - explicitResiduals: with `vectors`, compute ‖H·u − θ·u‖ by k more products.
    public static func run<Scalar: BLASScalar>(
        start: ParameterVector<Scalar>, steps: Int, topK: Int, tolerance: Double = 1e-6, vectors: Bool = false,
        explicitResiduals: Bool = false,
        _ apply: (ParameterVector<Scalar>) throws(CurvatureError) -> ParameterVector<Scalar>
    ) throws(CurvatureError) -> LanczosResult<Scalar> {
        guard steps >= 1 else { throw .invalid(reason: "Lanczos needs at least one step, got \(steps)") }
        guard topK >= 1 else { throw .invalid(reason: "top-k must be at least 1, got \(topK)") }
        guard topK <= steps else { throw .topKExceedsSteps(k: topK, steps: steps) }
        let p = start.count
        let maxSteps = Swift.min(steps, p)
        let k = Swift.min(topK, maxSteps)
        let startNorm = Double(start.norm)
        guard startNorm > 0, startNorm.isFinite else {
            throw .invalid(reason: "the Lanczos start vector must be finite and non-zero")
        }
        var basis: [ParameterVector<Scalar>] = [Scalar(1 / startNorm) * start]
        var alphas: [Double] = [], betas: [Double] = []
        var decomposition: (values: [Double], vectors: Matrix<Double>) = ([], Matrix(rows: 0, columns: 0))
        var converged = false
        var lastBeta = 0.0
        while alphas.count < maxSteps {
            let j = alphas.count
            var w = try apply(basis[j])
            let alpha = Double(w.dot(basis[j]))
            alphas.append(alpha)
            w.add(basis[j], scaledBy: Scalar(-alpha))
            if j > 0 { w.add(basis[j - 1], scaledBy: Scalar(-betas[j - 1])) }
            for _ in 0..<2 {
                for q in basis { w.add(q, scaledBy: -w.dot(q)) }
            }
            let beta = Double(w.norm)
            lastBeta = beta
            decomposition = try eigen(alphas, betas)
            let scaleT = decomposition.values.map(abs).max() ?? 0
            let m = alphas.count
            if beta <= 1e-10 * Swift.max(scaleT, 1e-300) {
                converged = true  // invariant Krylov subspace: the Ritz values are eigenvalues
                lastBeta = 0
                break
            }
            if m >= k {
                let worst = (0..<k).map { i in beta * abs(decomposition.vectors[m - 1, m - 1 - i]) }.max() ?? 0
                if worst <= tolerance * Swift.max(scaleT, 1e-300) {
                    converged = true
                    break
                }
            }
            if m == maxSteps { break }
            betas.append(beta)
            basis.append(Scalar(1 / beta) * w)
        }
        let m = alphas.count
        var pairs: [RitzPair<Scalar>] = []
        for i in 0..<Swift.min(k, m) {
            let column = m - 1 - i
            let value = decomposition.values[column]
            var pair = RitzPair<Scalar>(
                value: value, residual: lastBeta * abs(decomposition.vectors[m - 1, column]), vector: nil)
            if vectors {
                var u = ParameterVector<Scalar>(layout: start.layout)
                for r in 0..<m { u.add(basis[r], scaledBy: Scalar(decomposition.vectors[r, column])) }
                if explicitResiduals {
                    var residual = try apply(u)
                    residual.add(u, scaledBy: Scalar(-value))
                    pair.residual = Double(residual.norm)
                }
                pair.vector = u
            }
            pairs.append(pair)
        }
        return LanczosResult(
            pairs: pairs, nodes: decomposition.values,
            weights: (0..<m).map { decomposition.vectors[0, $0] * decomposition.vectors[0, $0] }, steps: m,
            tolerance: tolerance, converged: converged, explicitResiduals: vectors && explicitResiduals)
    }

    /// The eigen-decomposition of the tridiagonal with diagonal `alphas` and off-diagonal `betas`.
    static func eigen(_ alphas: [Double], _ betas: [Double]) throws(CurvatureError) -> (
        values: [Double], vectors: Matrix<Double>
    ) {
        let m = alphas.count
        var t = Matrix<Double>(rows: m, columns: m)
        for i in 0..<m {
            t[i, i] = alphas[i]
            if i + 1 < m {
                t[i, i + 1] = betas[i]
                t[i + 1, i] = betas[i]
            }
        }
        do {
            let e = try SymmetricEigendecomposition(t)
            return (e.eigenvalues, e.eigenvectors)
        } catch {
            throw .eigensolverFailed(reason: "\(error) (T is \(m)×\(m); a non-finite product reached it)")
        }
    }
}
