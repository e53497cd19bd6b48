extension Matrix {
    /// op(A)·op(B) as a new matrix (`?gemm`, 2·m·n·k flops).
    public static func product(
        _ a: Matrix, _ b: Matrix, transposeA: Transpose = .none, transposeB: Transpose = .none
    ) -> Matrix {
        let m = transposeA == .none ? a.rows : a.columns
        let n = transposeB == .none ? b.columns : b.rows
        var c = Matrix(rows: m, columns: n)
        a.withView { av in
            b.withView { bv in
                c.withMutableView { cv in gemm(av, bv, into: cv, transposeA: transposeA, transposeB: transposeB) }
            }
        }
        return c
    }

    /// The matrix product A·B (not elementwise).
    public static func * (lhs: Matrix, rhs: Matrix) -> Matrix { product(lhs, rhs) }

    /// A·x for a vector x (`?gemv`).
    public func multiplied(by x: [Scalar], transpose: Transpose = .none) -> [Scalar] {
        let outCount = transpose == .none ? rows : columns
        var y = [Scalar](repeating: 0, count: outCount)
        withView { a in
            x.withUnsafeBufferPointer { xb in
                y.withUnsafeMutableBufferPointer { gemv(a, xb, into: $0, transpose: transpose) }
            }
        }
        return y
    }

    // Through axpy rather than zipMap: a closure built in this generic context runs unspecialised
    // (~20 ns per entry), BLAS runs at memory speed in both precisions.
    public static func + (lhs: Matrix, rhs: Matrix) -> Matrix {
        var result = lhs
        result.add(rhs)
        return result
    }

    public static func - (lhs: Matrix, rhs: Matrix) -> Matrix {
        var result = lhs
        result.add(rhs, scaledBy: -1)
        return result
    }
    public static func * (scale: Scalar, matrix: Matrix) -> Matrix {
        var result = matrix
        result.withUnsafeMutableBufferPointer { scal(scale, $0) }
        return result
    }

    /// self ← self + α·x (`?axpy`).
    public mutating func add(_ x: Matrix, scaledBy alpha: Scalar = 1) {
        precondition(x.rows == rows && x.columns == columns, "add: \(x.shapeDescription) to \(shapeDescription)")
        x.withUnsafeBufferPointer { xb in withUnsafeMutableBufferPointer { axpy(alpha, xb, $0) } }
    }

    /// The Frobenius norm ‖A‖_F (`?nrm2` over the entries).
    public var frobeniusNorm: Scalar { withUnsafeBufferPointer { nrm2($0) } }

    /// The 1-norm max_j Σ_i |a_ij| (largest absolute column sum).
    public var oneNorm: Scalar {
        var sums = [Scalar](repeating: 0, count: columns)
        withView { v in
            for i in 0..<rows {
                let row = v.row(i)
                for j in 0..<columns { sums[j] += abs(row[j]) }
            }
        }
        return sums.max() ?? 0
    }

    /// The trace Σ a_ii.
    public var trace: Scalar {
        precondition(isSquare, "trace of a \(shapeDescription) matrix")
        var t: Scalar = 0
        for i in 0..<rows { t += self[i, i] }
        return t
    }
}
