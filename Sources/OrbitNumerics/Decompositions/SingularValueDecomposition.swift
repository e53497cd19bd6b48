/// Thin singular value decomposition A = U·diag(σ)·Vᵀ, σ₁ ≥ σ₂ ≥ … ≥ 0 (LAPACK `?gesdd`,
/// divide and conquer; O(mn·min(m,n)) flops).
public struct SingularValueDecomposition<Scalar: BLASScalar>: Sendable {
    /// U, m×k with orthonormal columns, k = min(m, n).
    public let u: Matrix<Scalar>
    /// The singular values, descending.
    public let singularValues: [Scalar]
    /// Vᵀ, k×n with orthonormal rows.
    public let vt: Matrix<Scalar>

    public init(_ a: Matrix<Scalar>) throws(LinearAlgebraError) {
        try a.requireFinite("SVD")
        let m = a.rows, n = a.columns, k = min(m, n)
        if k == 0 {
            u = Matrix(rows: m, columns: 0)
            singularValues = []
            vt = Matrix(rows: 0, columns: n)
            return
        }
        var f = a.columnMajor()
        var s = [Scalar](repeating: 0, count: k)
        var uu = [Scalar](repeating: 0, count: m * k)
        var vv = [Scalar](repeating: 0, count: k * n)
        let info = Scalar.lapackGesdd(
            jobz: UInt8(ascii: "S"), m: Int32(m), n: Int32(n), a: &f, lda: Int32(m), s: &s,
            u: &uu, ldu: Int32(m), vt: &vv, ldvt: Int32(k))
        try checkLAPACK(info, "SVD") { .notConverged(operation: "SVD", info: $0) }
        u = Matrix(rows: m, columns: k, columnMajor: uu)
        singularValues = s
        vt = Matrix(rows: k, columns: n, columnMajor: vv)
    }

    /// U·diag(σ)·Vᵀ.
    public func reconstructed() -> Matrix<Scalar> {
        var us = u
        for i in 0..<us.rows {
            for j in 0..<us.columns { us[i, j] *= singularValues[j] }
        }
        return us * vt
    }
}
