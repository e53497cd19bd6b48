/// A dense row-major matrix of `rows × columns` scalars with value semantics (copy on write).
///
/// Element (i, j) is stored at offset `i·columns + j`. Operations that do not need their own storage
/// take ``MatrixView`` / ``MutableMatrixView``, which can also point into buffers Orbit does not own
/// (a tensor inside a parameter vector, a minibatch inside a data set).
public struct Matrix<Scalar: BLASScalar>: @unchecked Sendable {
    public let rows: Int
    public let columns: Int
    @usableFromInline var storage: AlignedBuffer<Scalar>

    /// A matrix with every entry equal to `value`.
    public init(rows: Int, columns: Int, repeating value: Scalar = 0) {
        precondition(rows >= 0 && columns >= 0, "negative matrix shape \(rows)×\(columns)")
        self.rows = rows
        self.columns = columns
        storage = AlignedBuffer(repeating: value, count: rows * columns)
    }

    /// A matrix from its rows; all rows must have the same length.
    public init(_ rowArrays: [[Scalar]]) {
        let columns = rowArrays.first?.count ?? 0
        precondition(rowArrays.allSatisfy { $0.count == columns }, "ragged rows")
        self.init(rows: rowArrays.count, columns: columns, flat: rowArrays.flatMap { $0 })
    }

    /// A matrix from its entries in row-major order.
    public init(rows: Int, columns: Int, flat entries: [Scalar]) {
        precondition(entries.count == rows * columns, "\(entries.count) entries for a \(rows)×\(columns) matrix")
        self.rows = rows
        self.columns = columns
        storage = AlignedBuffer(uninitializedCount: rows * columns)
        entries.withUnsafeBufferPointer { storage.baseAddress.initialize(from: $0.baseAddress!, count: $0.count) }
    }

    /// A matrix whose entries `initializer` writes in row-major order; every entry must be written.
    public init(
        rows: Int, columns: Int,
        uninitialized initializer: (UnsafeMutableBufferPointer<Scalar>) throws -> Void
    ) rethrows {
        self.rows = rows
        self.columns = columns
        storage = AlignedBuffer(uninitializedCount: rows * columns)
        try initializer(storage.buffer)
    }

    /// A copy of the entries of `view`.
    public init(_ view: MatrixView<Scalar>) {
        self.init(rows: view.rows, columns: view.columns) { buffer in
            for i in 0..<view.rows {
                (buffer.baseAddress! + i * view.columns).update(from: view.row(i).baseAddress!, count: view.columns)
            }
        }
    }

    /// The n×n identity.
    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(rows: n, columns: n)
        for i in 0..<n { m[i, i] = 1 }
        return m
    }

    /// The square matrix with `diagonal` on its diagonal.
    public static func diagonal(_ diagonal: [Scalar]) -> Matrix {
        var m = Matrix(rows: diagonal.count, columns: diagonal.count)
        for (i, d) in diagonal.enumerated() { m[i, i] = d }
        return m
    }

    public var count: Int { rows * columns }
    public var isSquare: Bool { rows == columns }
    public var shapeDescription: String { "\(rows)×\(columns)" }

    @inlinable
    public subscript(row: Int, column: Int) -> Scalar {
        get {
            precondition(
                row >= 0 && row < rows && column >= 0 && column < columns,
                "index (\(row), \(column)) out of \(rows)×\(columns)")
            return storage.baseAddress[row * columns + column]
        }
        set {
            precondition(
                row >= 0 && row < rows && column >= 0 && column < columns,
                "index (\(row), \(column)) out of \(rows)×\(columns)")
            makeUnique()
            storage.baseAddress[row * columns + column] = newValue
        }
    }

    /// The entries in row-major order.
    public var flat: [Scalar] { withUnsafeBufferPointer { Array($0) } }

    /// The rows as arrays.
    public var rowArrays: [[Scalar]] { (0..<rows).map { i in withView { Array($0.row(i)) } } }

    @inlinable
    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    }

    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Scalar>) throws -> R) rethrows -> R {
        try withExtendedLifetime(storage) { try body(UnsafeBufferPointer(storage.buffer)) }
    }

    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (UnsafeMutableBufferPointer<Scalar>) throws -> R
    ) rethrows -> R {
        makeUnique()
        return try withExtendedLifetime(storage) { try body(storage.buffer) }
    }

    /// Calls `body` with a read-only view of the whole matrix; the view must not escape.
    public func withView<R>(_ body: (MatrixView<Scalar>) throws -> R) rethrows -> R {
        try withExtendedLifetime(storage) {
            try body(MatrixView(baseAddress: storage.baseAddress, rows: rows, columns: columns))
        }
    }

    /// Calls `body` with a mutable view of the whole matrix; the view must not escape.
    public mutating func withMutableView<R>(_ body: (MutableMatrixView<Scalar>) throws -> R) rethrows -> R {
        makeUnique()
        return try withExtendedLifetime(storage) {
            try body(MutableMatrixView(baseAddress: storage.baseAddress, rows: rows, columns: columns))
        }
    }

    /// The transpose (a copy).
    public func transposed() -> Matrix {
        withView { source in
            Matrix(rows: columns, columns: rows) { out in
                for i in 0..<rows {
                    let row = source.row(i)
                    for j in 0..<columns { out[j * rows + i] = row[j] }
                }
            }
        }
    }

    /// Rows `rowRange` and columns `columnRange` as a new matrix.
    public func submatrix(rows rowRange: Range<Int>, columns columnRange: Range<Int>) -> Matrix {
        withView { Matrix($0.submatrix(rows: rowRange, columns: columnRange)) }
    }

    /// The entries converted to another precision.
    public func converted<Other: BLASScalar>(to _: Other.Type = Other.self) -> Matrix<Other> {
        withUnsafeBufferPointer { source in
            Matrix<Other>(rows: rows, columns: columns) { out in
                if let base = source.baseAddress {
                    convertElements(base, into: out.baseAddress!, count: source.count)
                }
            }
        }
    }
}

extension Matrix: Equatable {
    public static func == (lhs: Matrix, rhs: Matrix) -> Bool {
        lhs.rows == rhs.rows && lhs.columns == rhs.columns
            && lhs.withUnsafeBufferPointer { a in rhs.withUnsafeBufferPointer { b in a.elementsEqual(b) } }
    }
}

extension Matrix: CustomStringConvertible {
    public var description: String {
        let shown = rowArrays.prefix(8).map { row in
            row.prefix(8).map { "\($0)" }.joined(separator: ", ") + (row.count > 8 ? ", …" : "")
        }
        return "Matrix<\(Scalar.self)> \(shapeDescription) [\n  " + shown.joined(separator: "\n  ")
            + (rows > 8 ? "\n  …" : "") + "\n]"
    }
}
