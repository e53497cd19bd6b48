/// Eigen-decomposition of a symmetric matrix, A = V·diag(λ)·Vᵀ with λ ascending and V orthogonal
/// (LAPACK `?syevd`, divide and conquer; O(n³)). Only the upper triangle of A is read.
public struct SymmetricEigendecomposition<Scalar: BLASScalar>: Sendable {
    /// The eigenvalues, ascending.
    public let eigenvalues: [Scalar]
    /// The eigenvectors as columns, in the order of ``eigenvalues``.
    public let eigenvectors: Matrix<Scalar>

    public init(_ a: Matrix<Scalar>) throws(LinearAlgebraError) {
        try a.requireSquareFinite("symmetric eigen-decomposition")
        let n = a.rows
        if n == 0 {
            eigenvalues = []
            eigenvectors = Matrix(rows: 0, columns: 0)
            return
        }
        var f = a.columnMajor()
        var w = [Scalar](repeating: 0, count: n)
        let info = Scalar.lapackSyevd(vectors: true, n: Int32(n), a: &f, lda: Int32(n), w: &w)
        try checkLAPACK(info, "symmetric eigen-decomposition") {
            .notConverged(operation: "symmetric eigen-decomposition", info: $0)
        }
        eigenvalues = w
        eigenvectors = Matrix(rows: n, columns: n, columnMajor: f)
    }
}
