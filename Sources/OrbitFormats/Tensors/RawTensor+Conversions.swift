import OrbitNumerics

/// Conversions of a ``RawTensor``'s bytes to Swift arrays and matrices.
///
/// Every dtype converts to Float/Double (F16 and BF16 exactly, through ``HalfPrecision``; 64-bit
/// integers round to the nearest representable value; BOOL gives 0 or 1). Elements are loaded
/// unaligned: tensors inside safetensors and NPZ files start at arbitrary byte offsets. Each
/// conversion is one O(n) pass.
extension RawTensor {
    /// The elements as `T`, bit for bit; throws unless the dtype is exactly `T`'s.
    public func elements<T: TensorScalar>(as _: T.Type = T.self) throws -> [T] {
        guard dtype == T.tensorDType else {
            throw FormatError(
                file: "<memory>", tensor: name,
                reason: .dtypeMismatch(expected: T.tensorDType.rawValue, found: dtype.rawValue))
        }
        let n = elementCount
        return [T](unsafeUninitializedCapacity: n) { out, initialized in
            bytes.withUnsafeBytes { UnsafeMutableRawBufferPointer(out).copyMemory(from: $0) }
            initialized = n
        }
    }

    /// The elements converted to Float.
    public func floats() -> [Float] { values(as: Float.self) }

    /// The elements converted to any floating-point type (see ``convert(into:)``).
    public func values<S: BinaryFloatingPoint>(as _: S.Type) -> [S] {
        let n = elementCount
        return [S](unsafeUninitializedCapacity: n) { out, initialized in
            convert(into: out)
            initialized = n
        }
    }

    /// The elements converted to Double.
    public func doubles() -> [Double] { values(as: Double.self) }

    /// The elements of an integer or BOOL tensor as Int64; throws for floating-point dtypes (whose
    /// values need not be integers) and for UInt64 values above Int64.max.
    public func int64s() throws -> [Int64] {
        let n = elementCount
        func load<T: FixedWidthInteger & BitwiseCopyable>(_: T.Type) throws -> [Int64] {
            try bytes.withUnsafeBytes { raw in
                try (0..<n).map { i in
                    let value = T(littleEndian: raw.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.size, as: T.self))
                    guard let exact = Int64(exactly: value) else {
                        throw FormatError(
                            file: "<memory>", tensor: name, reason: .notRepresentable("\(value) as Int64"))
                    }
                    return exact
                }
            }
        }
        switch dtype {
        case .int8: return try load(Int8.self)
        case .int16: return try load(Int16.self)
        case .int32: return try load(Int32.self)
        case .int64: return try load(Int64.self)
        case .uint8, .bool: return try load(UInt8.self)
        case .uint16: return try load(UInt16.self)
        case .uint32: return try load(UInt32.self)
        case .uint64: return try load(UInt64.self)
        case .float16, .bfloat16, .float32, .float64:
            throw FormatError(
                file: "<memory>", tensor: name,
                reason: .dtypeMismatch(expected: "an integer dtype", found: dtype.rawValue))
        }
    }

    /// The tensor as a matrix: a scalar is 1×1, a vector of n elements is n×1 (one value per
    /// sample), and rank ≥ 2 keeps the first axis as rows and flattens the rest into columns
    /// (n×28×28 images become n×784).
    public func matrix<S: BLASScalar>(_: S.Type = Float.self) -> Matrix<S> {
        let rows: Int
        switch shape.count {
        case 0: rows = 1
        default: rows = shape[0]
        }
        let columns = rows == 0 ? shape.dropFirst().reduce(1, *) : elementCount / rows
        return Matrix<S>(rows: rows, columns: columns) { convert(into: $0) }
    }

    /// The tensor as a `rows × columns` matrix; throws unless the element count is rows·columns.
    public func matrix<S: BLASScalar>(_: S.Type = Float.self, rows: Int, columns: Int) throws -> Matrix<S> {
        let (product, overflow) = rows.multipliedReportingOverflow(by: columns)
        guard rows >= 0, columns >= 0, !overflow, product == elementCount else {
            throw FormatError(
                file: "<memory>", tensor: name,
                reason: .byteCountMismatch(
                    dtype: dtype.rawValue, shape: [rows, columns],
                    expected: overflow ? Int.max : product * dtype.byteSize,
                    actual: bytes.count))
        }
        return Matrix<S>(rows: rows, columns: columns) { convert(into: $0) }
    }

    /// Writes every element, converted, into `out` (which must hold `elementCount` elements).
    public func convert<S: BinaryFloatingPoint>(into out: UnsafeMutableBufferPointer<S>) {
        precondition(out.count == elementCount, "\(out.count) slots for \(elementCount) elements")
        if convertFast(into: UnsafeMutableRawBufferPointer(out), as: S.self) { return }
        bytes.withUnsafeBytes { raw in
            switch dtype {
            case .float16:
                Self.convert(raw, out, UInt16.self) {
                    S(HalfPrecision.float(fromFloat16Bits: UInt16(littleEndian: $0)))
                }
            case .bfloat16:
                Self.convert(raw, out, UInt16.self) {
                    S(HalfPrecision.float(fromBFloat16Bits: UInt16(littleEndian: $0)))
                }
            case .float32:
                Self.convert(raw, out, UInt32.self) { S(Float(bitPattern: UInt32(littleEndian: $0))) }
            case .float64:
                Self.convert(raw, out, UInt64.self) { S(Double(bitPattern: UInt64(littleEndian: $0))) }
            case .int8: Self.convert(raw, out, Int8.self) { S($0) }
            case .int16: Self.convert(raw, out, Int16.self) { S(Int16(littleEndian: $0)) }
            case .int32: Self.convert(raw, out, Int32.self) { S(Int32(littleEndian: $0)) }
            case .int64: Self.convert(raw, out, Int64.self) { S(Int64(littleEndian: $0)) }
            case .uint8: Self.convert(raw, out, UInt8.self) { S($0) }
            case .bool: Self.convert(raw, out, UInt8.self) { $0 == 0 ? 0 : 1 }
            case .uint16: Self.convert(raw, out, UInt16.self) { S(UInt16(littleEndian: $0)) }
            case .uint32: Self.convert(raw, out, UInt32.self) { S(UInt32(littleEndian: $0)) }
            case .uint64: Self.convert(raw, out, UInt64.self) { S(UInt64(littleEndian: $0)) }
            }
        }
    }

    /// The common large cases — same type (a copy), F64→F32, F32→F64, U8→F32 — as plain loops
    /// that stay fast in debug builds too. Returns false for the other combinations.
    private func convertFast<S>(into out: UnsafeMutableRawBufferPointer, as _: S.Type) -> Bool {
        let n = elementCount
        return bytes.withUnsafeBytes { raw -> Bool in
            guard n > 0, let source = raw.baseAddress, let destination = out.baseAddress else { return true }
            switch (dtype, S.self) {
            case (.float32, is Float.Type), (.float64, is Double.Type):
                destination.copyMemory(from: source, byteCount: raw.count)
            case (.float64, is Float.Type):
                let q = destination.assumingMemoryBound(to: Float.self)
                var i = 0
                while i < n {
                    q[i] = Float(
                        Double(
                            bitPattern: UInt64(
                                littleEndian: source.loadUnaligned(fromByteOffset: i &* 8, as: UInt64.self))))
                    i &+= 1
                }
            case (.float32, is Double.Type):
                let q = destination.assumingMemoryBound(to: Double.self)
                var i = 0
                while i < n {
                    q[i] = Double(
                        Float(
                            bitPattern: UInt32(
                                littleEndian: source.loadUnaligned(fromByteOffset: i &* 4, as: UInt32.self))))
                    i &+= 1
                }
            case (.uint8, is Float.Type):
                let p = source.assumingMemoryBound(to: UInt8.self)
                let q = destination.assumingMemoryBound(to: Float.self)
                var i = 0
                while i < n {
                    q[i] = Float(p[i])
                    i &+= 1
                }
            default:
                return false
            }
            return true
        }
    }

    @inline(__always)
    private static func convert<Source: BitwiseCopyable, S>(
        _ raw: UnsafeRawBufferPointer, _ out: UnsafeMutableBufferPointer<S>, _: Source.Type, _ transform: (Source) -> S
    ) {
        let stride = MemoryLayout<Source>.size
        for i in 0..<out.count {
            out[i] = transform(raw.loadUnaligned(fromByteOffset: i * stride, as: Source.self))
        }
    }
}
