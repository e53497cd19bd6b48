import OrbitNumerics

/// A named n-dimensional array exactly as a file stores it: dtype, shape (row-major, C order) and
/// little-endian bytes.
///
/// The invariant `bytes.count == shape.product × dtype.byteSize` is checked on construction (with
/// overflow checks), so conversions (`RawTensor+Conversions.swift`) cannot run off the end. Readers
/// hand out tensors whose bytes share the file buffer; nothing is copied until converted.
public struct RawTensor: Sendable, Equatable, CustomStringConvertible {
    public let name: String
    public let dtype: TensorDType
    /// Dimensions, outermost first; `[]` is a scalar.
    public let shape: [Int]
    /// The elements, little-endian, row-major.
    public let bytes: ByteSlice

    /// A tensor over `bytes`; throws if their count does not match `dtype` and `shape`.
    /// `file` names the source in errors.
    public init(name: String, dtype: TensorDType, shape: [Int], bytes: ByteSlice, file: String = "<memory>") throws {
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw FormatError(
                file: file, tensor: name, reason: .malformedHeader("negative dimension in shape \(shape)"))
        }
        let expected = try TensorShape.byteCount(
            shape.map { UInt64($0) }, itemSize: dtype.byteSize, file: file, tensor: name)
        guard expected == bytes.count else {
            throw FormatError(
                file: file, tensor: name,
                reason: .byteCountMismatch(dtype: dtype.rawValue, shape: shape, expected: expected, actual: bytes.count)
            )
        }
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.bytes = bytes
    }

    /// A tensor holding `elements` (row-major) with the given shape.
    public init<T: TensorScalar>(name: String, shape: [Int], elements: [T]) throws {
        let bytes = elements.withUnsafeBytes { source in ByteSlice(count: source.count) { $0.copyMemory(from: source) }
        }
        try self.init(name: name, dtype: T.tensorDType, shape: shape, bytes: bytes)
    }

    /// A rows × columns tensor holding `matrix` (Float → F32, Double → F64).
    public init<S: BLASScalar & TensorScalar>(name: String, matrix: Matrix<S>) {
        let bytes = matrix.withUnsafeBufferPointer { source in
            ByteSlice(count: source.count * MemoryLayout<S>.size) {
                $0.copyMemory(from: UnsafeRawBufferPointer(source))
            }
        }
        // The shape and byte count agree by construction.
        try! self.init(name: name, dtype: S.tensorDType, shape: [matrix.rows, matrix.columns], bytes: bytes)
    }

    /// The number of elements (1 for a scalar).
    public var elementCount: Int { bytes.count / dtype.byteSize }

    /// The same data under another name.
    public func renamed(_ newName: String) -> RawTensor {
        try! RawTensor(name: newName, dtype: dtype, shape: shape, bytes: bytes)
    }

    /// The same data with another shape of the same element count.
    public func reshaped(_ newShape: [Int]) throws -> RawTensor {
        try RawTensor(name: name, dtype: dtype, shape: newShape, bytes: bytes)
    }

    public var description: String { "\(name): \(dtype) \(shape)" }
}
