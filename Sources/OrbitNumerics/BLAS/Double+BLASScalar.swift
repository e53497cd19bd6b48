import RealModule

#if canImport(Accelerate)
    import Accelerate
#else
    import CBLAS
#endif

/// Single/double dispatch: every requirement forwards to the `d`-prefixed BLAS/LAPACK routine.
extension Double: BLASScalar {
    @inlinable @inline(__always)
    public static func blasGemm(
        _ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int,
        alpha: Double, a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        cblas_dgemm(
            CblasRowMajor, transA.cblas, transB.cblas, Int32(m), Int32(n), Int32(k),
            alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    @inlinable @inline(__always)
    public static func blasGemv(
        _ trans: Transpose, m: Int, n: Int, alpha: Double, a: UnsafePointer<Double>, lda: Int,
        x: UnsafePointer<Double>, incx: Int, beta: Double, y: UnsafeMutablePointer<Double>, incy: Int
    ) {
        cblas_dgemv(
            CblasRowMajor, trans.cblas, Int32(m), Int32(n), alpha, a, Int32(lda), x, Int32(incx),
            beta, y, Int32(incy))
    }

    @inlinable @inline(__always)
    public static func blasAxpy(
        n: Int, alpha: Double, x: UnsafePointer<Double>, incx: Int, y: UnsafeMutablePointer<Double>, incy: Int
    ) {
        cblas_daxpy(Int32(n), alpha, x, Int32(incx), y, Int32(incy))
    }

    @inlinable @inline(__always)
    public static func blasScal(n: Int, alpha: Double, x: UnsafeMutablePointer<Double>, incx: Int) {
        cblas_dscal(Int32(n), alpha, x, Int32(incx))
    }

    @inlinable @inline(__always)
    public static func blasDot(n: Int, x: UnsafePointer<Double>, incx: Int, y: UnsafePointer<Double>, incy: Int)
        -> Double
    {
        cblas_ddot(Int32(n), x, Int32(incx), y, Int32(incy))
    }

    @inlinable @inline(__always)
    public static func blasNrm2(n: Int, x: UnsafePointer<Double>, incx: Int) -> Double {
        cblas_dnrm2(Int32(n), x, Int32(incx))
    }

    public static func lapackGetrf(
        m: Int32, n: Int32, a: UnsafeMutablePointer<Double>, lda: Int32, ipiv: UnsafeMutablePointer<Int32>
    ) -> Int32 {
        LAPACKE_dgetrf(LAPACK_COL_MAJOR, m, n, a, lda, ipiv)
    }

    public static func lapackGetrs(
        transposed: Bool, n: Int32, nrhs: Int32, a: UnsafePointer<Double>, lda: Int32, ipiv: UnsafePointer<Int32>,
        b: UnsafeMutablePointer<Double>, ldb: Int32
    ) -> Int32 {
        LAPACKE_dgetrs(LAPACK_COL_MAJOR, lapackChar(transposed ? "T" : "N"), n, nrhs, a, lda, ipiv, b, ldb)
    }

    public static func lapackGetri(n: Int32, a: UnsafeMutablePointer<Double>, lda: Int32, ipiv: UnsafePointer<Int32>)
        -> Int32
    {
        LAPACKE_dgetri(LAPACK_COL_MAJOR, n, a, lda, ipiv)
    }

    public static func lapackGesdd(
        jobz: UInt8, m: Int32, n: Int32, a: UnsafeMutablePointer<Double>, lda: Int32, s: UnsafeMutablePointer<Double>,
        u: UnsafeMutablePointer<Double>?, ldu: Int32, vt: UnsafeMutablePointer<Double>?, ldvt: Int32
    ) -> Int32 {
        LAPACKE_dgesdd(LAPACK_COL_MAJOR, CChar(bitPattern: jobz), m, n, a, lda, s, u, ldu, vt, ldvt)
    }

    public static func lapackSyevd(
        vectors: Bool, n: Int32, a: UnsafeMutablePointer<Double>, lda: Int32, w: UnsafeMutablePointer<Double>
    ) -> Int32 {
        LAPACKE_dsyevd(LAPACK_COL_MAJOR, lapackChar(vectors ? "V" : "N"), lapackChar("U"), n, a, lda, w)
    }

    public static func lapackGeqrf(
        m: Int32, n: Int32, a: UnsafeMutablePointer<Double>, lda: Int32, tau: UnsafeMutablePointer<Double>
    ) -> Int32 {
        LAPACKE_dgeqrf(LAPACK_COL_MAJOR, m, n, a, lda, tau)
    }

    public static func lapackOrgqr(
        m: Int32, n: Int32, k: Int32, a: UnsafeMutablePointer<Double>, lda: Int32, tau: UnsafePointer<Double>
    ) -> Int32 {
        LAPACKE_dorgqr(LAPACK_COL_MAJOR, m, n, k, a, lda, tau)
    }

    public static func lapackGees(
        n: Int32, a: UnsafeMutablePointer<Double>, lda: Int32, wr: UnsafeMutablePointer<Double>,
        wi: UnsafeMutablePointer<Double>, vs: UnsafeMutablePointer<Double>, ldvs: Int32
    ) -> Int32 {
        var sdim: Int32 = 0
        return LAPACKE_dgees(
            LAPACK_COL_MAJOR, lapackChar("V"), lapackChar("N"), nil, n, a, lda, &sdim, wr, wi, vs, ldvs)
    }

    public static func lapackGeev(
        n: Int32, a: UnsafeMutablePointer<Double>, lda: Int32, wr: UnsafeMutablePointer<Double>,
        wi: UnsafeMutablePointer<Double>, vr: UnsafeMutablePointer<Double>?, ldvr: Int32
    ) -> Int32 {
        LAPACKE_dgeev(
            LAPACK_COL_MAJOR, lapackChar("N"), lapackChar(vr == nil ? "N" : "V"), n, a, lda, wr, wi, nil, 1, vr,
            max(ldvr, 1))
    }
}
