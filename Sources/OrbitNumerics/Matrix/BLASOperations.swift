/// Matrix products and level-1/2 BLAS on views. Shapes are checked with preconditions: a mismatch
/// here is a programming error, not bad data (data is validated where it enters Orbit).

/// C ← α·op(A)·op(B) + β·C through `?gemm`. Cost 2·m·n·k flops.
///
/// - Parameters:
///   - a: A, read as op(A) = A or Aᵀ according to `transposeA`.
///   - b: B, read as op(B) according to `transposeB`.
///   - c: receives the product; must be m×n where op(A) is m×k and op(B) is k×n.
@inlinable
public func gemm<Scalar: BLASScalar>(
    _ a: MatrixView<Scalar>, _ b: MatrixView<Scalar>, into c: MutableMatrixView<Scalar>,
    transposeA: Transpose = .none, transposeB: Transpose = .none, alpha: Scalar = 1, beta: Scalar = 0
) {
    let (m, k) = transposeA == .none ? (a.rows, a.columns) : (a.columns, a.rows)
    let (kb, n) = transposeB == .none ? (b.rows, b.columns) : (b.columns, b.rows)
    precondition(
        k == kb && c.rows == m && c.columns == n,
        "gemm: op(A) \(m)×\(k) · op(B) \(kb)×\(n) into C \(c.rows)×\(c.columns)")
    if m == 0 || n == 0 { return }
    if k == 0 {
        // BLAS leaves C untouched-but-scaled; do it explicitly so beta = 0 clears NaN garbage too.
        for i in 0..<m {
            let row = c.row(i)
            for j in 0..<n { row[j] = beta == 0 ? 0 : beta * row[j] }
        }
        return
    }
    Scalar.blasGemm(
        transposeA, transposeB, m: m, n: n, k: k, alpha: alpha, a: a.baseAddress, lda: a.rowStride,
        b: b.baseAddress, ldb: b.rowStride, beta: beta, c: c.baseAddress, ldc: c.rowStride)
}

/// y ← α·op(A)·x + β·y through `?gemv`. Cost 2·m·n flops.
@inlinable
public func gemv<Scalar: BLASScalar>(
    _ a: MatrixView<Scalar>, _ x: UnsafeBufferPointer<Scalar>, into y: UnsafeMutableBufferPointer<Scalar>,
    transpose: Transpose = .none, alpha: Scalar = 1, beta: Scalar = 0
) {
    let (outCount, inCount) = transpose == .none ? (a.rows, a.columns) : (a.columns, a.rows)
    precondition(
        x.count == inCount && y.count == outCount, "gemv: op(A) \(outCount)×\(inCount), x \(x.count), y \(y.count)")
    if outCount == 0 { return }
    if inCount == 0 {
        for i in 0..<outCount { y[i] = beta == 0 ? 0 : beta * y[i] }
        return
    }
    Scalar.blasGemv(
        transpose, m: a.rows, n: a.columns, alpha: alpha, a: a.baseAddress, lda: a.rowStride,
        x: x.baseAddress!, incx: 1, beta: beta, y: y.baseAddress!, incy: 1)
}

/// y ← α·x + y through `?axpy`.
@inlinable
public func axpy<Scalar: BLASScalar>(
    _ alpha: Scalar, _ x: UnsafeBufferPointer<Scalar>, _ y: UnsafeMutableBufferPointer<Scalar>
) {
    precondition(x.count == y.count, "axpy: lengths \(x.count) and \(y.count)")
    if x.isEmpty { return }
    Scalar.blasAxpy(n: x.count, alpha: alpha, x: x.baseAddress!, incx: 1, y: y.baseAddress!, incy: 1)
}

/// x ← α·x through `?scal`.
@inlinable
public func scal<Scalar: BLASScalar>(_ alpha: Scalar, _ x: UnsafeMutableBufferPointer<Scalar>) {
    if x.isEmpty { return }
    Scalar.blasScal(n: x.count, alpha: alpha, x: x.baseAddress!, incx: 1)
}

/// xᵀy through `?dot`.
@inlinable
public func dot<Scalar: BLASScalar>(_ x: UnsafeBufferPointer<Scalar>, _ y: UnsafeBufferPointer<Scalar>) -> Scalar {
    precondition(x.count == y.count, "dot: lengths \(x.count) and \(y.count)")
    if x.isEmpty { return 0 }
    return Scalar.blasDot(n: x.count, x: x.baseAddress!, incx: 1, y: y.baseAddress!, incy: 1)
}

/// ‖x‖₂ through `?nrm2` (scaled, so no overflow for large entries).
@inlinable
public func nrm2<Scalar: BLASScalar>(_ x: UnsafeBufferPointer<Scalar>) -> Scalar {
    if x.isEmpty { return 0 }
    return Scalar.blasNrm2(n: x.count, x: x.baseAddress!, incx: 1)
}
