/// The polar decomposition g = Q·P: Q with orthonormal columns (orthogonal when g is square), P
/// symmetric positive semidefinite, P = (gᵀg)^(1/2).
///
/// From the SVD g = UΣVᵀ: Q = UVᵀ and P = VΣVᵀ (Higham, *Functions of Matrices*, SIAM 2008, ch. 8). P is
/// unique; Q is unique iff g has full column rank, and is then the orthogonal matrix nearest to g in
/// every unitarily invariant norm. P is symmetrised, (P + Pᵀ)/2, so that rounding leaves it exactly
/// symmetric. For a wide g (rows < columns) the same formulas give Q with orthonormal rows and
/// g = Q·P still holds. Cost: one SVD (O(n³), gesdd) plus two products (4n³ flops for square g).
///
/// Logarithms of the factors, for square g (what the symmetry code relies on):
/// - det Q = sign(det g) when g is invertible (det P = Π σᵢ > 0).
/// - If g is invertible, P is symmetric positive **definite** and always has the real principal
///   logarithm log P = V·diag(log σᵢ)·Vᵀ, which is symmetric. If g is singular, P has a zero
///   eigenvalue and no logarithm, and Q is not unique.
/// - If det g > 0, Q ∈ SO(n). Q is normal with eigenvalues on the unit circle, so it has a real
///   **principal** logarithm (skew-symmetric) iff Q has no eigenvalue −1; when it has −1 the
///   multiplicity is even (det Q = 1), so a real skew-symmetric, non-principal logarithm still
///   exists (Culver's condition holds for a normal matrix), but ``Matrix/logm()`` rejects it.
/// - If det g < 0, det Q = −1: Q has −1 as an eigenvalue of odd multiplicity and has no real
///   logarithm at all; neither does g (its negative real eigenvalues have odd total multiplicity),
///   so exp(t·log P) followed by exp(t·log Q) cannot connect g to the identity in that case.
public struct PolarDecomposition: Sendable {
    /// The orthogonal (orthonormal-column) factor Q.
    public let q: Matrix<Double>
    /// The symmetric positive semidefinite factor P.
    public let p: Matrix<Double>
    /// The singular values of g, descending: the eigenvalues of P.
    public let singularValues: [Double]

    /// Decomposes `g` (finite).
    public init(_ g: Matrix<Double>) throws(LinearAlgebraError) {
        try g.requireFinite("polar decomposition")
        let svd = try SingularValueDecomposition(g)
        q = svd.u * svd.vt
        // ΣVᵀ: row i of Vᵀ scaled by σᵢ; then P = (Vᵀ)ᵀ·(ΣVᵀ).
        var sigmaVt = svd.vt
        for i in 0..<sigmaVt.rows {
            let sigma = svd.singularValues[i]
            for j in 0..<sigmaVt.columns { sigmaVt[i, j] *= sigma }
        }
        let raw = Matrix.product(svd.vt, sigmaVt, transposeA: .transposed)
        var symmetric = raw
        for i in 0..<raw.rows {
            for j in 0..<i {
                let mean = (raw[i, j] + raw[j, i]) / 2
                symmetric[i, j] = mean
                symmetric[j, i] = mean
            }
        }
        p = symmetric
        singularValues = svd.singularValues
    }
}

extension Matrix where Scalar == Double {
    /// The polar decomposition self = Q·P; see ``PolarDecomposition``.
    public func polarDecomposition() throws(LinearAlgebraError) -> PolarDecomposition {
        try PolarDecomposition(self)
    }
}
