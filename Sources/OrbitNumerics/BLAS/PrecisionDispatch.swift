/// Run-time dispatch to code specialised for Float or Double.
///
/// Generic code called from another module runs unspecialised unless the whole call chain is
/// inlinable, and per-element arithmetic through witness tables is ~20× slower. Hot elementwise
/// kernels therefore test `Scalar.self` once per call and call one generic implementation with
/// concrete pointer types, which the compiler specialises at that call site: one implementation,
/// full speed in both precisions.
extension UnsafeMutablePointer where Pointee: BLASScalar {
    /// The same memory typed as `T`; only valid when `T.self == Pointee.self`.
    @inlinable @inline(__always)
    public func reinterpreted<T: BLASScalar>(as _: T.Type) -> UnsafeMutablePointer<T> {
        UnsafeMutableRawPointer(self).assumingMemoryBound(to: T.self)
    }
}

extension UnsafePointer where Pointee: BLASScalar {
    /// The same memory typed as `T`; only valid when `T.self == Pointee.self`.
    @inlinable @inline(__always)
    public func reinterpreted<T: BLASScalar>(as _: T.Type) -> UnsafePointer<T> {
        UnsafeRawPointer(self).assumingMemoryBound(to: T.self)
    }
}

/// Which concrete precision a generic `Scalar` is.
public enum Precision: Sendable {
    case float, double, other

    @inlinable @inline(__always)
    public init<Scalar: BLASScalar>(_: Scalar.Type) {
        self = Scalar.self == Float.self ? .float : Scalar.self == Double.self ? .double : .other
    }
}

extension MatrixView {
    /// The same view typed as `T`; only valid when `T.self == Scalar.self`.
    @inlinable @inline(__always)
    public func reinterpreted<T: BLASScalar>(as _: T.Type) -> MatrixView<T> {
        MatrixView<T>(
            baseAddress: baseAddress.reinterpreted(as: T.self), rows: rows, columns: columns, rowStride: rowStride)
    }
}

extension MutableMatrixView {
    /// The same view typed as `T`; only valid when `T.self == Scalar.self`.
    @inlinable @inline(__always)
    public func reinterpreted<T: BLASScalar>(as _: T.Type) -> MutableMatrixView<T> {
        MutableMatrixView<T>(
            baseAddress: baseAddress.reinterpreted(as: T.self), rows: rows, columns: columns, rowStride: rowStride)
    }
}
