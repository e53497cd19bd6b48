import OrbitNumerics

/// A point θ of parameter space: one contiguous buffer of scalars plus the ``ParameterLayout`` that
/// names its tensors. Value semantics (copy on write).
///
/// Every path, centre, merge and symmetry action works on θ as a whole vector (arithmetic goes
/// through BLAS level 1); layout-aware views give a layer's matrix without copying.
public struct ParameterVector<Scalar: BLASScalar>: @unchecked Sendable {
    public let layout: ParameterLayout
    @usableFromInline var storage: AlignedBuffer<Scalar>

    /// A vector of the given layout with every entry `value`.
    public init(layout: ParameterLayout, repeating value: Scalar = 0) {
        self.layout = layout
        storage = AlignedBuffer(repeating: value, count: layout.totalCount)
    }

    /// A vector from flat entries in layout order.
    public init(layout: ParameterLayout, flat: [Scalar]) {
        precondition(flat.count == layout.totalCount, "\(flat.count) values for a layout of \(layout.totalCount)")
        self.layout = layout
        storage = AlignedBuffer(uninitializedCount: flat.count)
        flat.withUnsafeBufferPointer { storage.baseAddress.initialize(from: $0.baseAddress!, count: $0.count) }
    }

    public var count: Int { layout.totalCount }

    @inlinable
    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    }

    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Scalar>) throws -> R) rethrows -> R {
        try withExtendedLifetime(storage) { try body(UnsafeBufferPointer(storage.buffer)) }
    }

    public mutating func withUnsafeMutableBufferPointer<R>(_ body: (UnsafeMutableBufferPointer<Scalar>) throws -> R)
        rethrows -> R
    {
        makeUnique()
        return try withExtendedLifetime(storage) { try body(storage.buffer) }
    }

    /// The entries in layout order.
    public var flat: [Scalar] { withUnsafeBufferPointer { Array($0) } }

    /// Calls `body` with tensor `spec` viewed as a matrix (see ``TensorSpec/matrixShape``), no copy.
    public func withTensor<R>(_ spec: TensorSpec, _ body: (MatrixView<Scalar>) throws -> R) rethrows -> R {
        let (rows, columns) = spec.matrixShape
        return try withUnsafeBufferPointer { buffer in
            try body(MatrixView(baseAddress: buffer.baseAddress! + spec.offset, rows: rows, columns: columns))
        }
    }

    /// Calls `body` with tensor `spec` viewed as a mutable matrix, no copy.
    public mutating func withMutableTensor<R>(_ spec: TensorSpec, _ body: (MutableMatrixView<Scalar>) throws -> R)
        rethrows -> R
    {
        let (rows, columns) = spec.matrixShape
        return try withUnsafeMutableBufferPointer { buffer in
            try body(MutableMatrixView(baseAddress: buffer.baseAddress! + spec.offset, rows: rows, columns: columns))
        }
    }

    /// A copy of the tensor called `name` as a matrix.
    public func tensor(_ name: String) -> Matrix<Scalar>? {
        guard let spec = layout.tensor(named: name) else { return nil }
        return withTensor(spec) { Matrix($0) }
    }

    /// Overwrites the tensor called `name` with `value` (same number of entries).
    public mutating func setTensor(_ name: String, to value: Matrix<Scalar>) {
        guard let spec = layout.tensor(named: name) else { preconditionFailure("no tensor \(name)") }
        precondition(value.count == spec.count, "\(name) has \(spec.count) entries, got \(value.count)")
        withUnsafeMutableBufferPointer { buffer in
            value.withUnsafeBufferPointer {
                (buffer.baseAddress! + spec.offset).update(from: $0.baseAddress!, count: spec.count)
            }
        }
    }

    /// The same point in another precision.
    public func converted<Other: BLASScalar>(to _: Other.Type = Other.self) -> ParameterVector<Other> {
        withUnsafeBufferPointer { source in
            var out = ParameterVector<Other>(layout: layout)
            out.withUnsafeMutableBufferPointer { dst in
                if let base = source.baseAddress { convertElements(base, into: dst.baseAddress!, count: source.count) }
            }
            return out
        }
    }

    /// The first tensor holding a NaN or ±∞, with the flat index inside it.
    public func firstNonFinite() -> (tensor: String, index: Int)? {
        withUnsafeBufferPointer { buffer in
            guard let i = buffer.firstIndex(where: { !$0.isFinite }) else { return nil }
            let spec = layout.tensors.last { $0.offset <= i }!
            return (spec.name, i - spec.offset)
        }
    }
}

extension ParameterVector: Equatable {
    public static func == (lhs: ParameterVector, rhs: ParameterVector) -> Bool {
        lhs.layout == rhs.layout
            && lhs.withUnsafeBufferPointer { a in rhs.withUnsafeBufferPointer { a.elementsEqual($0) } }
    }
}
