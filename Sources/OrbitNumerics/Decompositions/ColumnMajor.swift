/// Conversions between Orbit's row-major matrices and LAPACK's column-major arrays, and the
/// input checks every decomposition makes before calling LAPACK.
extension Matrix {
    /// The entries in column-major order (the transpose's row-major order).
    func columnMajor() -> [Scalar] {
        var out = [Scalar](repeating: 0, count: count)
        withView { v in
            for i in 0..<rows {
                let row = v.row(i)
                for j in 0..<columns { out[j * rows + i] = row[j] }
            }
        }
        return out
    }

    /// A matrix from column-major entries with leading dimension `ld` (≥ rows).
    init(rows: Int, columns: Int, columnMajor entries: UnsafeBufferPointer<Scalar>, leadingDimension ld: Int? = nil) {
        let ld = ld ?? rows
        self.init(rows: rows, columns: columns) { out in
            for j in 0..<columns {
                for i in 0..<rows { out[i * columns + j] = entries[j * ld + i] }
            }
        }
    }

    init(rows: Int, columns: Int, columnMajor entries: [Scalar], leadingDimension ld: Int? = nil) {
        self = entries.withUnsafeBufferPointer {
            Matrix(rows: rows, columns: columns, columnMajor: $0, leadingDimension: ld)
        }
    }

    /// Throws ``LinearAlgebraError/nonFinite(operation:row:column:)`` at the first NaN or ±∞.
    func requireFinite(_ operation: String) throws(LinearAlgebraError) {
        if let (row, column) = firstNonFinite() {
            throw .nonFinite(operation: operation, row: row, column: column)
        }
    }

    /// Throws unless the matrix is square and finite.
    func requireSquareFinite(_ operation: String) throws(LinearAlgebraError) {
        guard isSquare else { throw .notSquare(operation: operation, rows: rows, columns: columns) }
        try requireFinite(operation)
    }
}

/// Maps LAPACK's `info` to a typed error; `positive` describes what info > 0 means for the routine.
func checkLAPACK(
    _ info: Int32, _ operation: String, positive: (Int) -> LinearAlgebraError
) throws(LinearAlgebraError) {
    if info < 0 { throw .illegalArgument(operation: operation, info: Int(info)) }
    if info > 0 { throw positive(Int(info)) }
}
