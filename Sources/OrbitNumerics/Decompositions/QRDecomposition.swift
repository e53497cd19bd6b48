/// Thin Householder QR, A = Q·R with A m×n, Q m×k orthonormal columns, R k×n upper triangular,
/// k = min(m, n) (LAPACK `?geqrf` + `?orgqr`; about 4mn² − (4/3)n³ flops for m ≥ n).
public struct QRDecomposition<Scalar: BLASScalar>: Sendable {
    /// Q, m×min(m,n), with orthonormal columns.
    public let q: Matrix<Scalar>
    /// R, min(m,n)×n, upper triangular.
    public let r: Matrix<Scalar>

    public init(_ a: Matrix<Scalar>) throws(LinearAlgebraError) {
        try a.requireFinite("QR decomposition")
        let m = a.rows, n = a.columns, k = min(m, n)
        if k == 0 {
            q = Matrix(rows: m, columns: 0)
            r = Matrix(rows: 0, columns: n)
            return
        }
        var f = a.columnMajor()
        var tau = [Scalar](repeating: 0, count: k)
        let lda = Int32(m)
        var info = Scalar.lapackGeqrf(m: Int32(m), n: Int32(n), a: &f, lda: lda, tau: &tau)
        try checkLAPACK(info, "QR decomposition") { .notConverged(operation: "QR decomposition", info: $0) }
        var rr = Matrix<Scalar>(rows: k, columns: n)
        for i in 0..<k {
            for j in i..<n { rr[i, j] = f[j * m + i] }
        }
        r = rr
        info = Scalar.lapackOrgqr(m: Int32(m), n: Int32(k), k: Int32(k), a: &f, lda: lda, tau: tau)
        try checkLAPACK(info, "QR decomposition") { .notConverged(operation: "QR decomposition", info: $0) }
        q = Matrix(rows: m, columns: k, columnMajor: f, leadingDimension: m)
    }
}
