/// A read-only row-major view of `rows × columns` scalars at `baseAddress`, consecutive rows
/// `rowStride` elements apart (`rowStride ≥ columns`; BLAS's leading dimension).
///
/// A view owns nothing: its memory must outlive it. Use it to hand a block of a larger buffer to
/// BLAS without copying — a weight tensor inside a parameter vector, a minibatch inside a data set.
public struct MatrixView<Scalar: BLASScalar>: @unchecked Sendable {
    public let baseAddress: UnsafePointer<Scalar>
    public let rows: Int
    public let columns: Int
    public let rowStride: Int

    @inlinable
    public init(baseAddress: UnsafePointer<Scalar>, rows: Int, columns: Int, rowStride: Int? = nil) {
        let stride = rowStride ?? columns
        precondition(rows >= 0 && columns >= 0 && stride >= max(columns, 1) || (rows == 0 || columns == 0))
        self.baseAddress = baseAddress
        self.rows = rows
        self.columns = columns
        self.rowStride = max(stride, 1)
    }

    @inlinable
    public subscript(row: Int, column: Int) -> Scalar {
        precondition(
            row >= 0 && row < rows && column >= 0 && column < columns,
            "index (\(row), \(column)) out of \(rows)×\(columns)")
        return baseAddress[row * rowStride + column]
    }

    /// Row `i` as a buffer of `columns` scalars.
    @inlinable
    public func row(_ i: Int) -> UnsafeBufferPointer<Scalar> {
        precondition(i >= 0 && i < rows, "row \(i) out of \(rows)")
        return UnsafeBufferPointer(start: baseAddress + i * rowStride, count: columns)
    }

    /// Whether rows follow each other without gaps (the view is one contiguous block).
    @inlinable public var isContiguous: Bool { rowStride == columns || rows <= 1 }

    /// A block of this view (no copy).
    public func submatrix(rows rowRange: Range<Int>, columns columnRange: Range<Int>) -> MatrixView {
        precondition(rowRange.lowerBound >= 0 && rowRange.upperBound <= rows, "rows \(rowRange) out of \(rows)")
        precondition(
            columnRange.lowerBound >= 0 && columnRange.upperBound <= columns, "columns \(columnRange) out of \(columns)"
        )
        return MatrixView(
            baseAddress: baseAddress + rowRange.lowerBound * rowStride + columnRange.lowerBound,
            rows: rowRange.count, columns: columnRange.count, rowStride: rowStride)
    }
}

/// A mutable row-major view; see ``MatrixView``.
public struct MutableMatrixView<Scalar: BLASScalar>: @unchecked Sendable {
    public let baseAddress: UnsafeMutablePointer<Scalar>
    public let rows: Int
    public let columns: Int
    public let rowStride: Int

    @inlinable
    public init(baseAddress: UnsafeMutablePointer<Scalar>, rows: Int, columns: Int, rowStride: Int? = nil) {
        let stride = rowStride ?? columns
        precondition(rows >= 0 && columns >= 0 && stride >= max(columns, 1) || (rows == 0 || columns == 0))
        self.baseAddress = baseAddress
        self.rows = rows
        self.columns = columns
        self.rowStride = max(stride, 1)
    }

    /// The same memory, read-only.
    @inlinable
    public var readOnly: MatrixView<Scalar> {
        MatrixView(baseAddress: baseAddress, rows: rows, columns: columns, rowStride: rowStride)
    }

    @inlinable
    public subscript(row: Int, column: Int) -> Scalar {
        get {
            precondition(
                row >= 0 && row < rows && column >= 0 && column < columns,
                "index (\(row), \(column)) out of \(rows)×\(columns)")
            return baseAddress[row * rowStride + column]
        }
        nonmutating set {
            precondition(
                row >= 0 && row < rows && column >= 0 && column < columns,
                "index (\(row), \(column)) out of \(rows)×\(columns)")
            baseAddress[row * rowStride + column] = newValue
        }
    }

    @inlinable
    public func row(_ i: Int) -> UnsafeMutableBufferPointer<Scalar> {
        precondition(i >= 0 && i < rows, "row \(i) out of \(rows)")
        return UnsafeMutableBufferPointer(start: baseAddress + i * rowStride, count: columns)
    }

    @inlinable public var isContiguous: Bool { rowStride == columns || rows <= 1 }

    /// A block of this view (no copy).
    public func submatrix(rows rowRange: Range<Int>, columns columnRange: Range<Int>) -> MutableMatrixView {
        precondition(rowRange.lowerBound >= 0 && rowRange.upperBound <= rows, "rows \(rowRange) out of \(rows)")
        precondition(
            columnRange.lowerBound >= 0 && columnRange.upperBound <= columns, "columns \(columnRange) out of \(columns)"
        )
        return MutableMatrixView(
            baseAddress: baseAddress + rowRange.lowerBound * rowStride + columnRange.lowerBound,
            rows: rowRange.count, columns: columnRange.count, rowStride: rowStride)
    }

    /// Copies `source` (same shape) into this view.
    public func assign(_ source: MatrixView<Scalar>) {
        precondition(
            source.rows == rows && source.columns == columns,
            "assign \(source.rows)×\(source.columns) into \(rows)×\(columns)")
        for i in 0..<rows { row(i).baseAddress!.update(from: source.row(i).baseAddress!, count: columns) }
    }
}
