/// Decoding of the two 16-bit float formats into `Float` (exactly: every value of both is a Float).
///
/// IEEE binary16: 1 sign bit, 5 exponent bits (bias 15), 10 fraction bits. Exponent 0 holds zero
/// and subnormals, value = fraction · 2⁻²⁴ (the smallest, 0x0001, is 2⁻²⁴ ≈ 5.96e-8); exponent 31
/// holds ±∞ (fraction 0) and NaN, whose payload is kept in the top fraction bits. Largest finite:
/// 0x7BFF = 65504.
///
/// bfloat16 is the upper half of a binary32 (1 sign, 8 exponent, 7 fraction bits), so decoding is a
/// 16-bit shift, subnormals, ∞ and NaN included.
///
/// Written by hand rather than via Swift's `Float16`, which is unavailable on Intel macOS.
public enum HalfPrecision {
    /// The binary16 value with bit pattern `bits`, as a Float.
    @inlinable
    public static func float(fromFloat16Bits bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = UInt32(bits >> 10) & 0x1F
        let fraction = UInt32(bits & 0x3FF)
        switch exponent {
        case 0:
            // Zero or subnormal: fraction · 2⁻²⁴, exact in Float.
            let magnitude = Float(fraction) * 0x1p-24
            return sign == 0 ? magnitude : -magnitude
        case 0x1F:
            // ±∞ or NaN (payload moved to the top of the binary32 fraction).
            return Float(bitPattern: sign | 0x7F80_0000 | (fraction << 13))
        default:
            // Rebias the exponent from 15 to 127.
            return Float(bitPattern: sign | ((exponent + 112) << 23) | (fraction << 13))
        }
    }

    /// The bfloat16 value with bit pattern `bits`, as a Float.
    @inlinable
    public static func float(fromBFloat16Bits bits: UInt16) -> Float {
        Float(bitPattern: UInt32(bits) << 16)
    }
}
