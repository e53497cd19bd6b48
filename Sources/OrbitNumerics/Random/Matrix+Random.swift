/// Seeded random matrices. Entries are drawn in row-major order from one ``SeededGenerator``, so a
/// seed fixes the matrix regardless of thread count.
extension Matrix {
    /// Entries i.i.d. uniform on [lower, upper).
    public static func uniform(
        rows: Int, columns: Int, in range: Range<Double> = 0..<1, generator: inout SeededGenerator
    ) -> Matrix {
        let width = range.upperBound - range.lowerBound
        return Matrix(rows: rows, columns: columns) { out in
            for i in 0..<out.count { out[i] = Scalar(range.lowerBound + width * generator.nextUnitDouble()) }
        }
    }

    /// Entries i.i.d. normal with the given mean and standard deviation.
    public static func normal(
        rows: Int, columns: Int, mean: Double = 0, standardDeviation: Double = 1, generator: inout SeededGenerator
    ) -> Matrix {
        Matrix(rows: rows, columns: columns) { out in
            for i in 0..<out.count { out[i] = Scalar(mean + standardDeviation * generator.nextGaussian()) }
        }
    }

    /// A matrix with orthonormal rows (rows ≤ columns) or orthonormal columns (rows ≥ columns),
    /// Haar-distributed: the Q of a QR factorisation of a Gaussian matrix with the signs of R's
    /// diagonal folded in (Mezzadri 2007), scaled by `gain` (as PyTorch's `orthogonal_`).
    public static func orthogonal(
        rows: Int, columns: Int, gain: Double = 1, generator: inout SeededGenerator
    ) -> Matrix {
        let tall = rows >= columns
        let gaussian = Matrix<Double>.normal(
            rows: tall ? rows : columns, columns: tall ? columns : rows, generator: &generator)
        // A Gaussian matrix is full rank with probability one; QR cannot fail on finite input.
        let qr = try! QRDecomposition(gaussian)
        var q = qr.q
        let r = qr.r
        for j in 0..<q.columns where r[j, j] < 0 {
            for i in 0..<q.rows { q[i, j] = -q[i, j] }
        }
        let oriented = tall ? q : q.transposed()
        return oriented.converted(to: Scalar.self).map { $0 * Scalar(gain) }
    }
}
