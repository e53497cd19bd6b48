/// Elementwise maps. Large matrices are split across the cores (see ``parallelChunks``);
/// `costPerElement` tells how expensive `transform` is relative to one add (≈ 1 ns), so cheap maps
/// on small matrices stay on one thread.
extension Matrix {
    /// A new matrix with `transform` applied to every entry.
    @inlinable
    public func map(costPerElement: Int = 1, _ transform: @Sendable (Scalar) -> Scalar) -> Matrix {
        withUnsafeBufferPointer { source in
            let src = SendablePointer(source.baseAddress!)
            return Matrix(rows: rows, columns: columns) { out in
                let dst = SendableMutablePointer(out.baseAddress!)
                parallelChunks(count: out.count, costPerElement: costPerElement) { _, range in
                    for i in range { dst.pointer[i] = transform(src.pointer[i]) }
                }
            }
        }
    }

    /// Applies `transform` to every entry in place.
    @inlinable
    public mutating func mapInPlace(costPerElement: Int = 1, _ transform: @Sendable (Scalar) -> Scalar) {
        withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            let p = SendableMutablePointer(base)
            parallelChunks(count: buffer.count, costPerElement: costPerElement) { _, range in
                for i in range { p.pointer[i] = transform(p.pointer[i]) }
            }
        }
    }

    /// A new matrix with `combine(self[i,j], other[i,j])` at every entry; shapes must agree.
    @inlinable
    public func zipMap(_ other: Matrix, costPerElement: Int = 1, _ combine: @Sendable (Scalar, Scalar) -> Scalar)
        -> Matrix
    {
        precondition(
            rows == other.rows && columns == other.columns, "zipMap: \(shapeDescription) and \(other.shapeDescription)")
        return withUnsafeBufferPointer { a in
            other.withUnsafeBufferPointer { b in
                let pa = SendablePointer(a.baseAddress!)
                let pb = SendablePointer(b.baseAddress!)
                return Matrix(rows: rows, columns: columns) { out in
                    let dst = SendableMutablePointer(out.baseAddress!)
                    parallelChunks(count: out.count, costPerElement: costPerElement) { _, range in
                        for i in range { dst.pointer[i] = combine(pa.pointer[i], pb.pointer[i]) }
                    }
                }
            }
        }
    }
}

/// A pointer that may cross into a `@Sendable` closure. Callers guarantee that concurrent chunks
/// touch disjoint elements.
public struct SendablePointer<Scalar>: @unchecked Sendable {
    public let pointer: UnsafePointer<Scalar>
    @inlinable public init(_ pointer: UnsafePointer<Scalar>) { self.pointer = pointer }
}

/// A mutable pointer that may cross into a `@Sendable` closure; see ``SendablePointer``.
public struct SendableMutablePointer<Scalar>: @unchecked Sendable {
    public let pointer: UnsafeMutablePointer<Scalar>
    @inlinable public init(_ pointer: UnsafeMutablePointer<Scalar>) { self.pointer = pointer }
}
