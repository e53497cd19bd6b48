import RealModule

#if canImport(Accelerate)
    import Accelerate
#else
    import CBLAS
#endif

/// Single/double dispatch: every requirement forwards to the `s`-prefixed BLAS/LAPACK routine.
extension Float: BLASScalar {
    @inlinable @inline(__always)
    public static func blasGemm(
        _ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        singleGEMM(
            transA, transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }

    @inlinable @inline(__always)
    public static func blasGemv(
        _ trans: Transpose, m: Int, n: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
        x: UnsafePointer<Float>, incx: Int, beta: Float, y: UnsafeMutablePointer<Float>, incy: Int
    ) {
        cblas_sgemv(
            CblasRowMajor, trans.cblas, Int32(m), Int32(n), alpha, a, Int32(lda), x, Int32(incx),
            beta, y, Int32(incy))
    }

    @inlinable @inline(__always)
    public static func blasAxpy(
        n: Int, alpha: Float, x: UnsafePointer<Float>, incx: Int, y: UnsafeMutablePointer<Float>, incy: Int
    ) {
        cblas_saxpy(Int32(n), alpha, x, Int32(incx), y, Int32(incy))
    }

    @inlinable @inline(__always)
    public static func blasScal(n: Int, alpha: Float, x: UnsafeMutablePointer<Float>, incx: Int) {
        cblas_sscal(Int32(n), alpha, x, Int32(incx))
    }

    @inlinable @inline(__always)
    public static func blasDot(n: Int, x: UnsafePointer<Float>, incx: Int, y: UnsafePointer<Float>, incy: Int) -> Float
    {
        cblas_sdot(Int32(n), x, Int32(incx), y, Int32(incy))
    }

    @inlinable @inline(__always)
    public static func blasNrm2(n: Int, x: UnsafePointer<Float>, incx: Int) -> Float {
        cblas_snrm2(Int32(n), x, Int32(incx))
    }

    public static func lapackGetrf(
        m: Int32, n: Int32, a: UnsafeMutablePointer<Float>, lda: Int32, ipiv: UnsafeMutablePointer<Int32>
    ) -> Int32 {
        LAPACKE_sgetrf(LAPACK_COL_MAJOR, m, n, a, lda, ipiv)
    }

    public static func lapackGetrs(
        transposed: Bool, n: Int32, nrhs: Int32, a: UnsafePointer<Float>, lda: Int32, ipiv: UnsafePointer<Int32>,
        b: UnsafeMutablePointer<Float>, ldb: Int32
    ) -> Int32 {
        LAPACKE_sgetrs(LAPACK_COL_MAJOR, lapackChar(transposed ? "T" : "N"), n, nrhs, a, lda, ipiv, b, ldb)
    }

    public static func lapackGetri(n: Int32, a: UnsafeMutablePointer<Float>, lda: Int32, ipiv: UnsafePointer<Int32>)
        -> Int32
    {
        LAPACKE_sgetri(LAPACK_COL_MAJOR, n, a, lda, ipiv)
    }

    public static func lapackGesdd(
        jobz: UInt8, m: Int32, n: Int32, a: UnsafeMutablePointer<Float>, lda: Int32, s: UnsafeMutablePointer<Float>,
        u: UnsafeMutablePointer<Float>?, ldu: Int32, vt: UnsafeMutablePointer<Float>?, ldvt: Int32
    ) -> Int32 {
        LAPACKE_sgesdd(LAPACK_COL_MAJOR, CChar(bitPattern: jobz), m, n, a, lda, s, u, ldu, vt, ldvt)
    }

    public static func lapackSyevd(
        vectors: Bool, n: Int32, a: UnsafeMutablePointer<Float>, lda: Int32, w: UnsafeMutablePointer<Float>
    ) -> Int32 {
        LAPACKE_ssyevd(LAPACK_COL_MAJOR, lapackChar(vectors ? "V" : "N"), lapackChar("U"), n, a, lda, w)
    }

    public static func lapackGeqrf(
        m: Int32, n: Int32, a: UnsafeMutablePointer<Float>, lda: Int32, tau: UnsafeMutablePointer<Float>
    ) -> Int32 {
        LAPACKE_sgeqrf(LAPACK_COL_MAJOR, m, n, a, lda, tau)
    }

    public static func lapackOrgqr(
        m: Int32, n: Int32, k: Int32, a: UnsafeMutablePointer<Float>, lda: Int32, tau: UnsafePointer<Float>
    ) -> Int32 {
        LAPACKE_sorgqr(LAPACK_COL_MAJOR, m, n, k, a, lda, tau)
    }

    public static func lapackGees(
        n: Int32, a: UnsafeMutablePointer<Float>, lda: Int32, wr: UnsafeMutablePointer<Float>,
        wi: UnsafeMutablePointer<Float>, vs: UnsafeMutablePointer<Float>, ldvs: Int32
    ) -> Int32 {
        var sdim: Int32 = 0
        return LAPACKE_sgees(
            LAPACK_COL_MAJOR, lapackChar("V"), lapackChar("N"), nil, n, a, lda, &sdim, wr, wi, vs, ldvs)
    }

    public static func lapackGeev(
        n: Int32, a: UnsafeMutablePointer<Float>, lda: Int32, wr: UnsafeMutablePointer<Float>,
        wi: UnsafeMutablePointer<Float>, vr: UnsafeMutablePointer<Float>?, ldvr: Int32
    ) -> Int32 {
        LAPACKE_sgeev(
            LAPACK_COL_MAJOR, lapackChar("N"), lapackChar(vr == nil ? "N" : "V"), n, a, lda, wr, wi, nil, 1, vr,
            max(ldvr, 1))
    }
}
