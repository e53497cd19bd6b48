/// A real quasi-upper-triangular matrix — the T of a real Schur form — stored column by column, with
/// its diagonal blocks (1×1 for a real eigenvalue, 2×2 for a complex-conjugate pair).
///
/// Column-major because the square root below sweeps block columns and updates the entries above
/// the current block with columns of the result: both are then contiguous runs that vectorise.
struct QuasiTriangularMatrix {
    let order: Int
    /// Entry (i, j) at `j·order + i`.
    var entries: [Double]
    let blocks: [(start: Int, size: Int)]

    init(_ t: Matrix<Double>, blocks: [(start: Int, size: Int)]) {
        precondition(t.isSquare, "quasi-triangular matrix must be square, got \(t.shapeDescription)")
        order = t.rows
        entries = t.columnMajor()
        self.blocks = blocks
    }

    init(order: Int, entries: [Double], blocks: [(start: Int, size: Int)]) {
        self.order = order
        self.entries = entries
        self.blocks = blocks
    }

    subscript(row: Int, column: Int) -> Double {
        get { entries[column * order + row] }
        set { entries[column * order + row] = newValue }
    }

    /// The row-major ``Matrix``.
    var matrix: Matrix<Double> { Matrix(rows: order, columns: order, columnMajor: entries) }

    /// ‖T − I‖₁, the largest absolute column sum of T − I.
    var distanceFromIdentityOneNorm: Double {
        var best = 0.0
        entries.withUnsafeBufferPointer { e in
            for j in 0..<order {
                var sum = 0.0
                for i in 0..<order { sum += abs(e[j * order + i] - (i == j ? 1 : 0)) }
                best = max(best, sum)
            }
        }
        return best
    }

    /// The principal square root R (R² = T, every eigenvalue of R in the open right half-plane),
    /// by the real Schur method of Higham 1987 ("Computing real square roots of a real matrix",
    /// Linear Algebra Appl. 88/89, 1987; also in Higham's *Functions of Matrices*, SIAM 2008).
    ///
    /// R is quasi-upper-triangular with T's block structure. Each diagonal block is rooted in
    /// closed form: √t for a 1×1 block, and for a 2×2 block with eigenvalues θ ± iμ,
    /// R_jj = αI + (T_jj − θI)/(2α) where α + iβ = √(θ + iμ) (principal). The off-diagonal blocks
    /// then follow column by column, bottom to top, from R_ii X + X R_jj = T_ij − Σ_{i<k<j} R_ik R_kj,
    /// a Sylvester equation of order ≤ 4 that is nonsingular because no eigenvalue of R_ii is the
    /// negative of one of R_jj (all lie in the right half-plane).
    ///
    /// Requires that T has no eigenvalue on the closed negative real axis (the caller checks);
    /// otherwise the result contains NaN. Cost: about n³/3 flops.
    func squareRoot() -> QuasiTriangularMatrix {
        let n = order
        var root = [Double](repeating: 0, count: n * n)
        // The right-hand sides of the current block column, T_ij − Σ R_ik R_kj, updated in place
        // as the blocks below them are solved.
        var work = [Double](repeating: 0, count: 2 * n)
        // Each diagonal block of R, row-major in a SIMD4, read once per block pair below.
        var diagonalRoots = [SIMD4<Double>](repeating: SIMD4(), count: blocks.count)
        entries.withUnsafeBufferPointer { t in
            root.withUnsafeMutableBufferPointer { r in
                work.withUnsafeMutableBufferPointer { w in
                    for (jb, bj) in blocks.enumerated() {
                        let q = bj.size, sj = bj.start
                        Self.diagonalBlockRoot(t, r, n, start: sj, size: q)
                        let right =
                            q == 1
                            ? SIMD4(r[sj * n + sj], 0, 0, 0)
                            : SIMD4(r[sj * n + sj], r[(sj + 1) * n + sj], r[sj * n + sj + 1], r[(sj + 1) * n + sj + 1])
                        diagonalRoots[jb] = right
                        for c in 0..<q {
                            for k in 0..<sj { w[c * n + k] = t[(sj + c) * n + k] }
                        }
                        var ib = jb - 1
                        while ib >= 0 {
                            let bi = blocks[ib]
                            let p = bi.size, si = bi.start
                            // C row-major p×q from the work columns.
                            let rhs: SIMD4<Double>
                            switch (p, q) {
                            case (1, 1): rhs = SIMD4(w[si], 0, 0, 0)
                            case (1, 2): rhs = SIMD4(w[si], w[n + si], 0, 0)
                            case (2, 1): rhs = SIMD4(w[si], w[si + 1], 0, 0)
                            default: rhs = SIMD4(w[si], w[n + si], w[si + 1], w[n + si + 1])
                            }
                            let x = SmallSylvester.solve(left: diagonalRoots[ib], p: p, right: right, q: q, rhs: rhs)
                            for a in 0..<p {
                                for c in 0..<q { r[(sj + c) * n + si + a] = x[a * q + c] }
                            }
                            // Entries above block i: w[0..<si, c] −= R[0..<si, si+a] · X[a, c].
                            if si > 0 {
                                for c in 0..<q {
                                    let wc = w.baseAddress! + c * n
                                    if p == 1 {
                                        let x0 = x[c]
                                        let column = r.baseAddress! + si * n
                                        for k in 0..<si { wc[k] -= column[k] * x0 }
                                    } else {
                                        let x0 = x[c], x1 = x[q + c]
                                        let column0 = r.baseAddress! + si * n
                                        let column1 = r.baseAddress! + (si + 1) * n
                                        for k in 0..<si { wc[k] -= column0[k] * x0 + column1[k] * x1 }
                                    }
                                }
                            }
                            ib -= 1
                        }
                    }
                }
            }
        }
        return QuasiTriangularMatrix(order: n, entries: root, blocks: blocks)
    }

    /// Writes the principal square root of T's diagonal block at `start` into R.
    private static func diagonalBlockRoot(
        _ t: UnsafeBufferPointer<Double>, _ r: UnsafeMutableBufferPointer<Double>, _ n: Int, start s: Int, size: Int
    ) {
        if size == 1 {
            r[s * n + s] = t[s * n + s].squareRoot()
            return
        }
        let a = t[s * n + s], b = t[(s + 1) * n + s], c = t[s * n + s + 1], d = t[(s + 1) * n + s + 1]
        let theta = (a + d) / 2
        let half = (a - d) / 2
        let muSquared = -(half * half + b * c)
        if muSquared > 0 {
            let mu = half == 0 ? abs(b).squareRoot() * abs(c).squareRoot() : muSquared.squareRoot()
            let alpha = principalSquareRoot(re: theta, im: mu).re
            let scale = 1 / (2 * alpha)
            r[s * n + s] = alpha + (a - theta) * scale
            r[(s + 1) * n + s] = b * scale
            r[s * n + s + 1] = c * scale
            r[(s + 1) * n + s + 1] = alpha + (d - theta) * scale
        } else {
            // Rounding turned the pair into two real eigenvalues (never seen from gees, whose 2×2
            // blocks are standardised with b·c < 0). For real positive eigenvalues λ₁, λ₂ the root
            // is (T + √det·I)/√(tr + 2√det), free of cancellation here since tr > 0.
            let delta = (a * d - b * c).squareRoot()
            let scale = 1 / (a + d + 2 * delta).squareRoot()
            r[s * n + s] = (a + delta) * scale
            r[(s + 1) * n + s] = b * scale
            r[s * n + s + 1] = c * scale
            r[(s + 1) * n + s + 1] = (d + delta) * scale
        }
    }

    /// √(x + iy) on the principal branch, for y ≥ 0, without cancellation when x < 0.
    static func principalSquareRoot(re x: Double, im y: Double) -> (re: Double, im: Double) {
        let modulus = hypotenuse(x, y)
        if x >= 0 {
            let alpha = ((modulus + x) / 2).squareRoot()
            return (alpha, alpha == 0 ? 0 : y / (2 * alpha))
        }
        let beta = ((modulus - x) / 2).squareRoot()
        return (y / (2 * beta), beta)
    }

    /// √(x² + y²) without overflow or underflow in the squares.
    static func hypotenuse(_ x: Double, _ y: Double) -> Double {
        let big = max(abs(x), abs(y))
        if big == 0 { return 0 }
        let xs = x / big, ys = y / big
        return big * (xs * xs + ys * ys).squareRoot()
    }
}

/// R_ii X + X R_jj = C for blocks of order p, q ∈ {1, 2}. With a 1×1 block on either side this
/// is a scalar or a 2×2 system, solved by Cramer's rule (forward stable for 2×2); two 2×2 blocks
/// give the 4×4 system (I₂ ⊗ R_ii + R_jjᵀ ⊗ I₂) vec X = vec C, solved by Gaussian elimination
/// with partial pivoting. Small matrices live in SIMD values and stack memory, so the O(n²) calls
/// from the square root neither allocate nor loop over dynamic shapes.
enum SmallSylvester {
    /// `left` is p×p and `right` q×q, `rhs` p×q, all row-major; returns X row-major p×q.
    static func solve(left: SIMD4<Double>, p: Int, right: SIMD4<Double>, q: Int, rhs: SIMD4<Double>) -> SIMD4<Double> {
        switch (p, q) {
        case (1, 1):
            return SIMD4(rhs[0] / (left[0] + right[0]), 0, 0, 0)
        case (2, 1):
            // (R_ii + rI)·x = c.
            let r = right[0]
            let m11 = left[0] + r, m12 = left[1], m21 = left[2], m22 = left[3] + r
            let det = m11 * m22 - m12 * m21
            return SIMD4((m22 * rhs[0] - m12 * rhs[1]) / det, (m11 * rhs[1] - m21 * rhs[0]) / det, 0, 0)
        case (1, 2):
            // x·(rI + R_jj) = c, x a row.
            let r = left[0]
            let m11 = right[0] + r, m12 = right[1], m21 = right[2], m22 = right[3] + r
            let det = m11 * m22 - m12 * m21
            return SIMD4((rhs[0] * m22 - rhs[1] * m21) / det, (rhs[1] * m11 - rhs[0] * m12) / det, 0, 0)
        default:
            return solve4(left: left, right: right, rhs: rhs)
        }
    }

    /// The 2×2-by-2×2 case. Unknowns ordered x11, x12, x21, x22 (row-major X).
    private static func solve4(left a: SIMD4<Double>, right b: SIMD4<Double>, rhs: SIMD4<Double>) -> SIMD4<Double> {
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 20) { buffer in
            let k = buffer.baseAddress!  // 4×4 row-major, then the right-hand side at 16…19
            // Row (r, c): Σ_t A[r,t]·X[t,c] + Σ_t X[r,t]·B[t,c].
            (k[0], k[1], k[2], k[3]) = (a[0] + b[0], b[2], a[1], 0)
            (k[4], k[5], k[6], k[7]) = (b[1], a[0] + b[3], 0, a[1])
            (k[8], k[9], k[10], k[11]) = (a[2], 0, a[3] + b[0], b[2])
            (k[12], k[13], k[14], k[15]) = (0, a[2], b[1], a[3] + b[3])
            for i in 0..<4 { k[16 + i] = rhs[i] }
            for col in 0..<4 {
                var pivot = col
                for row in (col + 1)..<4 where abs(k[4 * row + col]) > abs(k[4 * pivot + col]) { pivot = row }
                if pivot != col {
                    for c in col..<4 { swap(&k[4 * col + c], &k[4 * pivot + c]) }
                    swap(&k[16 + col], &k[16 + pivot])
                }
                let diagonal = k[4 * col + col]
                for row in (col + 1)..<4 {
                    let factor = k[4 * row + col] / diagonal
                    if factor == 0 { continue }
                    for c in (col + 1)..<4 { k[4 * row + c] -= factor * k[4 * col + c] }
                    k[16 + row] -= factor * k[16 + col]
                }
            }
            var x = SIMD4<Double>()
            for row in stride(from: 3, through: 0, by: -1) {
                var sum = k[16 + row]
                for c in (row + 1)..<4 { sum -= k[4 * row + c] * x[c] }
                x[row] = sum / k[4 * row + row]
            }
            return x
        }
    }
}
