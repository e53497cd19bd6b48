/// Real Schur form A = Z·T·Zᵀ (LAPACK `?gees`): Z orthogonal, T quasi-upper-triangular with 1×1
/// blocks for real eigenvalues and 2×2 blocks [[a, b], [c, a]] (b·c < 0) for complex pairs.
/// O(n³), about 25n³ flops with Z.
public struct RealSchurDecomposition<Scalar: BLASScalar>: Sendable {
    /// The quasi-upper-triangular factor T.
    public let t: Matrix<Scalar>
    /// The orthogonal Schur vectors Z.
    public let z: Matrix<Scalar>
    /// The eigenvalues' real parts, in the order of T's diagonal.
    public let eigenvaluesReal: [Scalar]
    /// The eigenvalues' imaginary parts (pairs ±, consecutive).
    public let eigenvaluesImaginary: [Scalar]

    public init(_ a: Matrix<Scalar>) throws(LinearAlgebraError) {
        try a.requireSquareFinite("real Schur decomposition")
        let n = a.rows
        if n == 0 {
            t = a
            z = a
            eigenvaluesReal = []
            eigenvaluesImaginary = []
            return
        }
        var f = a.columnMajor()
        var wr = [Scalar](repeating: 0, count: n)
        var wi = [Scalar](repeating: 0, count: n)
        var vs = [Scalar](repeating: 0, count: n * n)
        let info = Scalar.lapackGees(n: Int32(n), a: &f, lda: Int32(n), wr: &wr, wi: &wi, vs: &vs, ldvs: Int32(n))
        try checkLAPACK(info, "real Schur decomposition") {
            .notConverged(operation: "real Schur decomposition", info: $0)
        }
        var tt = Matrix<Scalar>(rows: n, columns: n, columnMajor: f)
        // gees leaves rounding-level garbage below the subdiagonal in some builds; T is defined as zero there.
        for i in 0..<n {
            for j in 0..<max(0, i - 1) { tt[i, j] = 0 }
        }
        t = tt
        z = Matrix(rows: n, columns: n, columnMajor: vs)
        eigenvaluesReal = wr
        eigenvaluesImaginary = wi
    }

    /// The diagonal blocks of T as (start, size) with size 1 or 2.
    public var blocks: [(start: Int, size: Int)] {
        var result: [(Int, Int)] = []
        var i = 0
        let n = t.rows
        while i < n {
            if i + 1 < n && t[i + 1, i] != 0 {
                result.append((i, 2))
                i += 2
            } else {
                result.append((i, 1))
                i += 1
            }
        }
        return result
    }
}

/// Eigenvalues and right eigenvectors of a general real matrix (LAPACK `?geev`).
///
/// Complex eigenvalues come in conjugate pairs (real part, ±imaginary part); for a pair at j, j+1
/// the eigenvector of λ_j is v_j + i·v_(j+1), as LAPACK packs it.
public struct Eigendecomposition<Scalar: BLASScalar>: Sendable {
    public let eigenvaluesReal: [Scalar]
    public let eigenvaluesImaginary: [Scalar]
    /// The packed right eigenvectors as columns (nil when not requested).
    public let eigenvectors: Matrix<Scalar>?

    public init(_ a: Matrix<Scalar>, computeEigenvectors: Bool = true) throws(LinearAlgebraError) {
        try a.requireSquareFinite("eigen-decomposition")
        let n = a.rows
        if n == 0 {
            eigenvaluesReal = []
            eigenvaluesImaginary = []
            eigenvectors = computeEigenvectors ? a : nil
            return
        }
        var f = a.columnMajor()
        var wr = [Scalar](repeating: 0, count: n)
        var wi = [Scalar](repeating: 0, count: n)
        var vr = [Scalar](repeating: 0, count: computeEigenvectors ? n * n : 0)
        let info = vr.withUnsafeMutableBufferPointer { v in
            Scalar.lapackGeev(
                n: Int32(n), a: &f, lda: Int32(n), wr: &wr, wi: &wi,
                vr: computeEigenvectors ? v.baseAddress : nil, ldvr: Int32(n))
        }
        try checkLAPACK(info, "eigen-decomposition") { .notConverged(operation: "eigen-decomposition", info: $0) }
        eigenvaluesReal = wr
        eigenvaluesImaginary = wi
        eigenvectors = computeEigenvectors ? Matrix(rows: n, columns: n, columnMajor: vr) : nil
    }
}
