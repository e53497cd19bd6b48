import OrbitNumerics

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A real skew-symmetric logarithm of a rotation Q ∈ SO(n), including the case the principal
/// logarithm (``Matrix/logm()``) rejects: eigenvalue −1, which in SO(n) has even multiplicity.
///
/// Q is normal, so its real Schur form Q = Z·T·Zᵀ is block diagonal (up to rounding) with 1×1 blocks
/// ±1 and 2×2 rotation blocks [[a, b], [c, a]] (eigenvalues a ± iμ, μ = √(−bc)). Each rotation block
/// B gets ln ρ·I + (θ/μ)(B − aI) with θ = atan2(μ, a), ρ = |λ|; the −1 eigenvalues are paired up
/// (i, j) and each pair gets the rotation-by-π generator π(e_j e_iᵀ − e_i e_jᵀ) — Culver's condition
/// (every negative eigenvalue in pairs of equal Jordan blocks) holds for a normal matrix with det > 0.
/// log Q = Z·L·Zᵀ, verified by ‖e^{log Q} − Q‖_F ≤ 1e-8·‖Q‖_F because the construction assumes T
/// block diagonal. Cost: one real Schur form (≈25n³ flops) and one expm (O(n³)).
///
/// Used by ``OrbitCurve``'s polar fallback (Zhao, Dehmamy, Walters, Yu, ICML 2025, §6: GL⁺ is
/// connected, so a piecewise-exponential path always exists even when g has no principal log).
enum OrthogonalLogarithm {
    enum Failure: Error {
        /// An odd number of −1 eigenvalues (det Q = −1) or a reconstruction that does not match Q.
        case noRealLogarithm(String)
        case numerics(LinearAlgebraError)
    }

    static func logarithm(_ q: Matrix<Double>) throws(Failure) -> Matrix<Double> {
        let n = q.rows
        let schur: RealSchurDecomposition<Double>
        do { schur = try RealSchurDecomposition(q) } catch { throw .numerics(error) }
        var l = Matrix<Double>(rows: n, columns: n)
        var negatives: [Int] = []
        for block in schur.blocks {
            let s = block.start
            if block.size == 1 {
                let lambda = schur.t[s, s]
                if lambda > 0 {
                    l[s, s] = log(lambda)
                } else {
                    negatives.append(s)
                }
            } else {
                let a = (schur.t[s, s] + schur.t[s + 1, s + 1]) / 2
                let mu = (-(schur.t[s, s + 1] * schur.t[s + 1, s])).squareRoot()
                let theta = atan2(mu, a)
                let logRho = log((a * a + mu * mu).squareRoot())
                for i in 0..<2 {
                    for j in 0..<2 {
                        let centred = schur.t[s + i, s + j] - (i == j ? a : 0)
                        l[s + i, s + j] = (i == j ? logRho : 0) + theta / mu * centred
                    }
                }
            }
        }
        guard negatives.count.isMultiple(of: 2) else {
            throw .noRealLogarithm("an odd number (\(negatives.count)) of eigenvalues −1: det Q = −1")
        }
        for pair in stride(from: 0, to: negatives.count, by: 2) {
            let i = negatives[pair]
            let j = negatives[pair + 1]
            let magnitude = log(-schur.t[i, i]) / 2 + log(-schur.t[j, j]) / 2
            l[i, i] = magnitude
            l[j, j] = magnitude
            l[i, j] = -Double.pi
            l[j, i] = Double.pi
        }
        let result = Matrix.product(schur.z * l, schur.z, transposeB: .transposed)
        let back: Matrix<Double>
        do { back = try result.expm() } catch { throw .numerics(error) }
        let error = (back - q).frobeniusNorm
        guard error <= 1e-8 * max(q.frobeniusNorm, 1) else {
            throw .noRealLogarithm(
                "the Schur-based logarithm does not reproduce Q (error \(error)); Q is not orthogonal enough")
        }
        return result
    }
}
