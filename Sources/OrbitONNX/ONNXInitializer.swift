import Foundation
import OrbitFormats

/// Decoding of ONNX `TensorProto`s (initializers and `Constant` values) into ``RawTensor``s.
///
/// ONNX stores a tensor's elements either as little-endian bytes in `raw_data` or in a typed
/// repeated field (`float_data` for FLOAT, `int32_data` for FLOAT16/BFLOAT16 bit patterns,
/// `double_data`, `int64_data`). Dims come from the file, so their product is computed with
/// overflow checks and compared with the data actually present before anything is allocated: a
/// tensor's RawTensor is never larger than the bytes the file holds for it. O(elements) per tensor.
enum ONNXInitializer {
    /// `TensorProto.DataType` values Orbit reads (onnx.proto, `enum DataType`).
    enum DataType: Int32 {
        case float = 1
        case int32 = 6
        case int64 = 7
        case bool = 9
        case float16 = 10
        case double = 11
        case bfloat16 = 16

        var dtype: TensorDType {
            switch self {
            case .float: return .float32
            case .int32: return .int32
            case .int64: return .int64
            case .bool: return .bool
            case .float16: return .float16
            case .double: return .float64
            case .bfloat16: return .bfloat16
            }
        }
    }

    /// The dims of `tensor` as Ints, each ≥ 0, with an element count that fits in `Int`.
    static func shape(of tensor: Onnx_TensorProto, file: String) throws(ONNXError) -> (shape: [Int], count: Int) {
        var count = 1
        var shape: [Int] = []
        guard tensor.dims.count <= FormatLimits.standard.maxRank else {
            throw .badTensor(file: file, tensor: tensor.name, reason: "rank \(tensor.dims.count) is too large")
        }
        for d in tensor.dims {
            guard d >= 0, let dim = Int(exactly: d) else {
                throw .badTensor(file: file, tensor: tensor.name, reason: "negative dimension in dims \(tensor.dims)")
            }
            let (product, overflow) = count.multipliedReportingOverflow(by: Swift.max(dim, 1))
            guard !overflow, product <= Int.max / 8 else {
                throw .badTensor(file: file, tensor: tensor.name, reason: "dims \(tensor.dims) overflow")
            }
            count = product
            shape.append(dim)
        }
        return (shape, shape.contains(0) ? 0 : count)
    }

    /// The tensor's elements with its dims, named `tensor.name`. Throws for external data, segments,
    /// unsupported data types, and data shorter or longer than the dims say.
    static func rawTensor(_ tensor: Onnx_TensorProto, file: String) throws(ONNXError) -> RawTensor {
        let name = tensor.name
        if tensor.dataLocation == .external || !tensor.externalData.isEmpty {
            throw .externalData(file: file, tensor: name)
        }
        if tensor.hasSegment {
            throw .badTensor(file: file, tensor: name, reason: "segmented tensors are not supported")
        }
        guard let type = DataType(rawValue: tensor.dataType) else {
            throw .badTensor(
                file: file, tensor: name,
                reason:
                    "data type \(tensor.dataType) is not one Orbit reads (FLOAT, DOUBLE, FLOAT16, BFLOAT16, INT32, INT64, BOOL)"
            )
        }
        let (shape, count) = try Self.shape(of: tensor, file: file)
        let itemSize = type.dtype.byteSize
        func short(_ field: String, _ present: Int, _ unit: String) -> ONNXError {
            .badTensor(
                file: file, tensor: name,
                reason:
                    "dims \(shape) need \(count) elements (\(count * itemSize) bytes) but \(field) holds \(present) \(unit)"
            )
        }
        let bytes: ByteSlice
        if tensor.hasRawData {
            let raw = tensor.rawData
            guard raw.count == count * itemSize else { throw short("raw_data", raw.count, "bytes") }
            bytes = ByteSlice(count: raw.count) { out in raw.withUnsafeBytes { out.copyMemory(from: $0) } }
        } else {
            // Typed fields: the count is checked before the bytes are laid out.
            switch type {
            case .float:
                guard tensor.floatData.count == count else {
                    throw short("float_data", tensor.floatData.count, "values")
                }
                bytes = littleEndianBytes(tensor.floatData.map(\.bitPattern))
            case .double:
                guard tensor.doubleData.count == count else {
                    throw short("double_data", tensor.doubleData.count, "values")
                }
                bytes = littleEndianBytes(tensor.doubleData.map(\.bitPattern))
            case .float16, .bfloat16:
                // The 16-bit patterns sit in the low half of each int32_data entry.
                guard tensor.int32Data.count == count else {
                    throw short("int32_data", tensor.int32Data.count, "values")
                }
                bytes = littleEndianBytes(tensor.int32Data.map { UInt16(truncatingIfNeeded: $0) })
            case .int32:
                guard tensor.int32Data.count == count else {
                    throw short("int32_data", tensor.int32Data.count, "values")
                }
                bytes = littleEndianBytes(tensor.int32Data)
            case .bool:
                guard tensor.int32Data.count == count else {
                    throw short("int32_data", tensor.int32Data.count, "values")
                }
                bytes = littleEndianBytes(tensor.int32Data.map { UInt8($0 != 0 ? 1 : 0) })
            case .int64:
                guard tensor.int64Data.count == count else {
                    throw short("int64_data", tensor.int64Data.count, "values")
                }
                bytes = littleEndianBytes(tensor.int64Data)
            }
        }
        do {
            return try RawTensor(name: name, dtype: type.dtype, shape: shape, bytes: bytes, file: file)
        } catch {
            throw .badTensor(file: file, tensor: name, reason: "\(error)")
        }
    }

    static func littleEndianBytes<T: FixedWidthInteger>(_ values: [T]) -> ByteSlice {
        ByteSlice(count: values.count * MemoryLayout<T>.size) { out in
            for (i, v) in values.enumerated() {
                out.storeBytes(of: v.littleEndian, toByteOffset: i * MemoryLayout<T>.size, as: T.self)
            }
        }
    }

    /// The values of an integer tensor (Reshape's target shape), at most `limit` of them.
    static func integers(_ tensor: RawTensor, file: String, limit: Int = 64) throws(ONNXError) -> [Int64] {
        guard tensor.elementCount <= limit, let values = try? tensor.int64s() else {
            throw .badTensor(
                file: file, tensor: tensor.name,
                reason: "expected at most \(limit) integers, found \(tensor.dtype) \(tensor.shape)")
        }
        return values
    }

    /// `tensor` (out, in) from (in, out): a byte-level transpose, whatever the item size. O(elements).
    static func transposed(_ tensor: RawTensor, name: String) -> RawTensor {
        let (rows, columns) = (tensor.shape[0], tensor.shape[1])
        let size = tensor.dtype.byteSize
        let bytes = ByteSlice(count: tensor.bytes.count) { out in
            tensor.bytes.withUnsafeBytes { source in
                for r in 0..<rows {
                    for c in 0..<columns {
                        let from = (r * columns + c) * size
                        let to = (c * rows + r) * size
                        out.baseAddress!.advanced(by: to).copyMemory(
                            from: source.baseAddress!.advanced(by: from), byteCount: size)
                    }
                }
            }
        }
        // The byte count is unchanged and the shape's product is the same.
        return try! RawTensor(name: name, dtype: tensor.dtype, shape: [columns, rows], bytes: bytes)
    }
}
