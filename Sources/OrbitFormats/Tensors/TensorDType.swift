/// The element types Orbit reads and writes, with their byte sizes and their names in the
/// safetensors header (`"F32"`) and in NumPy's little-endian `descr` (`"<f4"`).
///
/// Tensor bytes inside Orbit are always little-endian; readers convert big-endian files on load.
public enum TensorDType: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case float16 = "F16"
    /// bfloat16: the top 16 bits of an IEEE binary32 (no NumPy equivalent).
    case bfloat16 = "BF16"
    case float32 = "F32"
    case float64 = "F64"
    case int8 = "I8"
    case int16 = "I16"
    case int32 = "I32"
    case int64 = "I64"
    case uint8 = "U8"
    case uint16 = "U16"
    case uint32 = "U32"
    case uint64 = "U64"
    /// One byte per element, 0 or 1.
    case bool = "BOOL"

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .int8, .uint8, .bool: return 1
        case .float16, .bfloat16, .int16, .uint16: return 2
        case .float32, .int32, .uint32: return 4
        case .float64, .int64, .uint64: return 8
        }
    }

    /// The safetensors `dtype` string.
    public var safetensorsName: String { rawValue }

    /// The dtype a safetensors header names, if Orbit knows it.
    public init?(safetensorsName: String) { self.init(rawValue: safetensorsName) }

    /// NumPy's little-endian `descr` (`<f4`, `|u1`, …); `nil` for bfloat16, which NumPy lacks.
    public var numpyDescr: String? {
        switch self {
        case .float16: return "<f2"
        case .bfloat16: return nil
        case .float32: return "<f4"
        case .float64: return "<f8"
        case .int8: return "|i1"
        case .int16: return "<i2"
        case .int32: return "<i4"
        case .int64: return "<i8"
        case .uint8: return "|u1"
        case .uint16: return "<u2"
        case .uint32: return "<u4"
        case .uint64: return "<u8"
        case .bool: return "|b1"
        }
    }

    /// The dtype of a NumPy `descr` and whether its bytes are big-endian. Accepts `<`, `>`, `|` and
    /// `=` byte-order marks (`=` means native, little-endian on every platform Orbit runs on).
    public static func fromNumpy(_ descr: String) -> (dtype: TensorDType, bigEndian: Bool)? {
        guard let order = descr.first, "<>|=".contains(order) else { return nil }
        let code = descr.dropFirst()
        let dtype: TensorDType
        switch code {
        case "f2": dtype = .float16
        case "f4": dtype = .float32
        case "f8": dtype = .float64
        case "i1": dtype = .int8
        case "i2": dtype = .int16
        case "i4": dtype = .int32
        case "i8": dtype = .int64
        case "u1": dtype = .uint8
        case "u2": dtype = .uint16
        case "u4": dtype = .uint32
        case "u8": dtype = .uint64
        case "b1": dtype = .bool
        default: return nil
        }
        return (dtype, order == ">" && dtype.byteSize > 1)
    }

    public var isFloatingPoint: Bool { [.float16, .bfloat16, .float32, .float64].contains(self) }
    public var isInteger: Bool { !isFloatingPoint && self != .bool }

    public var description: String { rawValue }
}
