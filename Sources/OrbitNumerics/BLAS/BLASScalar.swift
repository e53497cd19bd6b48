import RealModule

/// Whether BLAS reads a matrix operand as it is or transposed.
public enum Transpose: Sendable, Hashable {
    case none
    case transposed
}

/// A floating-point type with single- or double-precision BLAS and LAPACK kernels.
///
/// Orbit's numerics are written once, generically over `BLASScalar`, and dispatched to the
/// `s`- or `d`-prefixed routines by the two conformances (``Float`` and ``Double``). That keeps one
/// implementation of every algorithm. It refines swift-numerics' `Real`, so generic code also has
/// `exp`, `log`, `tanh`, `erf`, … for both precisions.
///
/// The BLAS requirements take row-major operands (as Orbit's ``Matrix`` stores them). The LAPACK
/// requirements take **column-major** operands and overwrite them, as LAPACK does; the
/// decompositions convert on the way in and out, which costs O(mn) next to their O(mn·min(m,n)).
/// LAPACK requirements return LAPACK's `info` (0 success, < 0 illegal argument, > 0 routine-specific).
public protocol BLASScalar: Real, BinaryFloatingPoint, Sendable, BitwiseCopyable, CustomStringConvertible
where RawSignificand: FixedWidthInteger {
    // MARK: BLAS (row-major)

    /// C ← α·op(A)·op(B) + β·C with op(A) m×k, op(B) k×n, C m×n.
    static func blasGemm(
        _ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int,
        alpha: Self, a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)
    /// y ← α·op(A)·x + β·y with A m×n.
    static func blasGemv(
        _ trans: Transpose, m: Int, n: Int, alpha: Self, a: UnsafePointer<Self>, lda: Int,
        x: UnsafePointer<Self>, incx: Int, beta: Self, y: UnsafeMutablePointer<Self>, incy: Int)
    /// y ← α·x + y.
    static func blasAxpy(
        n: Int, alpha: Self, x: UnsafePointer<Self>, incx: Int, y: UnsafeMutablePointer<Self>, incy: Int)
    /// x ← α·x.
    static func blasScal(n: Int, alpha: Self, x: UnsafeMutablePointer<Self>, incx: Int)
    /// xᵀy.
    static func blasDot(n: Int, x: UnsafePointer<Self>, incx: Int, y: UnsafePointer<Self>, incy: Int) -> Self
    /// ‖x‖₂, computed without overflow.
    static func blasNrm2(n: Int, x: UnsafePointer<Self>, incx: Int) -> Self

    // MARK: LAPACK (column-major, in place)

    /// LU with partial pivoting, A = P·L·U (`?getrf`). `ipiv` is 1-based.
    static func lapackGetrf(
        m: Int32, n: Int32, a: UnsafeMutablePointer<Self>, lda: Int32, ipiv: UnsafeMutablePointer<Int32>
    ) -> Int32
    /// Solves op(A)·X = B from an LU factorisation (`?getrs`).
    static func lapackGetrs(
        transposed: Bool, n: Int32, nrhs: Int32, a: UnsafePointer<Self>, lda: Int32, ipiv: UnsafePointer<Int32>,
        b: UnsafeMutablePointer<Self>, ldb: Int32
    ) -> Int32
    /// Inverse from an LU factorisation (`?getri`).
    static func lapackGetri(n: Int32, a: UnsafeMutablePointer<Self>, lda: Int32, ipiv: UnsafePointer<Int32>) -> Int32
    /// SVD by divide and conquer (`?gesdd`); `jobz` is "A", "S" or "N".
    static func lapackGesdd(
        jobz: UInt8, m: Int32, n: Int32, a: UnsafeMutablePointer<Self>, lda: Int32, s: UnsafeMutablePointer<Self>,
        u: UnsafeMutablePointer<Self>?, ldu: Int32, vt: UnsafeMutablePointer<Self>?, ldvt: Int32
    ) -> Int32
    /// Symmetric eigen-decomposition by divide and conquer (`?syevd`, upper triangle read).
    static func lapackSyevd(
        vectors: Bool, n: Int32, a: UnsafeMutablePointer<Self>, lda: Int32, w: UnsafeMutablePointer<Self>
    ) -> Int32
    /// Householder QR (`?geqrf`).
    static func lapackGeqrf(
        m: Int32, n: Int32, a: UnsafeMutablePointer<Self>, lda: Int32, tau: UnsafeMutablePointer<Self>
    ) -> Int32
    /// Forms the first n columns of Q from `?geqrf`'s reflectors (`?orgqr`).
    static func lapackOrgqr(
        m: Int32, n: Int32, k: Int32, a: UnsafeMutablePointer<Self>, lda: Int32, tau: UnsafePointer<Self>
    ) -> Int32
    /// Real Schur form A = Z·T·Zᵀ, T quasi-upper-triangular (`?gees`, no sorting).
    static func lapackGees(
        n: Int32, a: UnsafeMutablePointer<Self>, lda: Int32, wr: UnsafeMutablePointer<Self>,
        wi: UnsafeMutablePointer<Self>,
        vs: UnsafeMutablePointer<Self>, ldvs: Int32
    ) -> Int32
    /// Eigenvalues and (optionally) right eigenvectors of a general matrix (`?geev`).
    static func lapackGeev(
        n: Int32, a: UnsafeMutablePointer<Self>, lda: Int32, wr: UnsafeMutablePointer<Self>,
        wi: UnsafeMutablePointer<Self>,
        vr: UnsafeMutablePointer<Self>?, ldvr: Int32
    ) -> Int32
}
