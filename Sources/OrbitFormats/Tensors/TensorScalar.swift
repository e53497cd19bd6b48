/// Swift element types that map one-to-one onto a ``TensorDType``, so typed arrays can be stored
/// in and read back from a ``RawTensor`` bit-exactly.
public protocol TensorScalar: BitwiseCopyable, Sendable {
    static var tensorDType: TensorDType { get }
}

extension Float: TensorScalar { public static var tensorDType: TensorDType { .float32 } }
extension Double: TensorScalar { public static var tensorDType: TensorDType { .float64 } }
extension Int8: TensorScalar { public static var tensorDType: TensorDType { .int8 } }
extension Int16: TensorScalar { public static var tensorDType: TensorDType { .int16 } }
extension Int32: TensorScalar { public static var tensorDType: TensorDType { .int32 } }
extension Int64: TensorScalar { public static var tensorDType: TensorDType { .int64 } }
extension UInt8: TensorScalar { public static var tensorDType: TensorDType { .uint8 } }
extension UInt16: TensorScalar { public static var tensorDType: TensorDType { .uint16 } }
extension UInt32: TensorScalar { public static var tensorDType: TensorDType { .uint32 } }
extension UInt64: TensorScalar { public static var tensorDType: TensorDType { .uint64 } }
