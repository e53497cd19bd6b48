/// LU factorisation with partial pivoting, A = P·L·U (LAPACK `?getrf`), of a square matrix.
///
/// Gives the determinant, its sign and log|det| without overflow: det A = (−1)^s · Π u_ii where s
/// is the number of row interchanges. Factorising costs (2/3)n³ flops; each solve 2n² per column.
/// A singular matrix factorises (det = 0) but cannot ``solve(_:)`` or ``inverse()``.
public struct LUDecomposition<Scalar: BLASScalar>: Sendable {
    public let order: Int
    /// L (unit lower, below the diagonal) and U (upper), column-major as LAPACK left them.
    let factors: [Scalar]
    /// 1-based pivot rows as LAPACK returns them.
    let pivots: [Int32]
    /// The first zero pivot (1-based), if the matrix is singular.
    public let zeroPivot: Int?

    /// Factorises `a`; throws for a non-square or non-finite matrix.
    public init(_ a: Matrix<Scalar>) throws(LinearAlgebraError) {
        try a.requireSquareFinite("LU decomposition")
        let n = a.rows
        order = n
        var f = a.columnMajor()
        var ipiv = [Int32](repeating: 0, count: n)
        let info =
            n == 0 ? 0 : Scalar.lapackGetrf(m: Int32(n), n: Int32(n), a: &f, lda: Int32(max(n, 1)), ipiv: &ipiv)
        if info < 0 { throw .illegalArgument(operation: "LU decomposition", info: Int(info)) }
        factors = f
        pivots = ipiv
        zeroPivot = info > 0 ? Int(info) : nil
    }

    /// The sign of det A: +1, −1, or 0 when singular.
    public var determinantSign: Int {
        if zeroPivot != nil { return 0 }
        var sign = 1
        for i in 0..<order {
            if pivots[i] != Int32(i + 1) { sign = -sign }
            if factors[i * order + i] < 0 { sign = -sign }
        }
        return sign
    }

    /// log|det A| (−∞ when singular), summed as Σ log|u_ii| so it never overflows.
    public var logAbsDeterminant: Double {
        if zeroPivot != nil { return -.infinity }
        var s = 0.0
        for i in 0..<order { s += log(abs(Double(factors[i * order + i]))) }
        return s
    }

    /// det A = sign · exp(log|det A|) (may overflow to ±∞ for large matrices; prefer the log form).
    public var determinant: Double {
        let sign = determinantSign
        return sign == 0 ? 0 : Double(sign) * exp(logAbsDeterminant)
    }

    /// X with op(A)·X = B.
    public func solve(_ b: Matrix<Scalar>, transposed: Bool = false) throws(LinearAlgebraError) -> Matrix<Scalar> {
        guard b.rows == order else {
            throw .dimensionMismatch(operation: "solve", detail: "A is \(order)×\(order) but B has \(b.rows) rows")
        }
        if let pivot = zeroPivot { throw .singular(operation: "solve", pivot: pivot) }
        try b.requireFinite("solve (right-hand side)")
        if order == 0 || b.columns == 0 { return b }
        var x = b.columnMajor()
        let n = Int32(order)
        let info = factors.withUnsafeBufferPointer { f in
            pivots.withUnsafeBufferPointer { p in
                Scalar.lapackGetrs(
                    transposed: transposed, n: n, nrhs: Int32(b.columns), a: f.baseAddress!, lda: n,
                    ipiv: p.baseAddress!, b: &x, ldb: n)
            }
        }
        try checkLAPACK(info, "solve") { .notConverged(operation: "solve", info: $0) }
        return Matrix(rows: order, columns: b.columns, columnMajor: x)
    }

    /// A⁻¹ (`?getri`, 2n³ flops in all).
    public func inverse() throws(LinearAlgebraError) -> Matrix<Scalar> {
        if let pivot = zeroPivot { throw .singular(operation: "inverse", pivot: pivot) }
        if order == 0 { return Matrix(rows: 0, columns: 0) }
        var f = factors
        let info = pivots.withUnsafeBufferPointer { p in
            Scalar.lapackGetri(n: Int32(order), a: &f, lda: Int32(order), ipiv: p.baseAddress!)
        }
        try checkLAPACK(info, "inverse") { .singular(operation: "inverse", pivot: $0) }
        return Matrix(rows: order, columns: order, columnMajor: f)
    }
}

extension Matrix {
    /// det A via LU (see ``LUDecomposition``).
    public func determinant() throws(LinearAlgebraError) -> Double { try LUDecomposition(self).determinant }

    /// A⁻¹ via LU; throws ``LinearAlgebraError/singular(operation:pivot:)`` for a singular matrix.
    public func inverse() throws(LinearAlgebraError) -> Matrix { try LUDecomposition(self).inverse() }

    /// X with A·X = B via LU.
    public func solve(_ b: Matrix) throws(LinearAlgebraError) -> Matrix { try LUDecomposition(self).solve(b) }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
