import Testing

@testable import OrbitFormats

@Suite("Formats: float16 and bfloat16 decoding")
struct FormatsHalfPrecisionTests {
    @Test func float16KnownBitPatterns() {
        let f = HalfPrecision.float(fromFloat16Bits:)
        #expect(f(0x3C00) == 1.0)
        #expect(f(0xC000) == -2.0)
        #expect(f(0x7BFF) == 65504)
        #expect(f(0x0001) == 0x1p-24)  // smallest subnormal
        #expect(f(0x8001) == -0x1p-24)
        #expect(f(0x03FF) == 1023 * 0x1p-24)  // largest subnormal
        #expect(f(0x0400) == 0x1p-14)  // smallest normal
        #expect(f(0x3555) == 0x1.554p-2)  // ≈ 1/3
        #expect(f(0x0000) == 0 && f(0x0000).sign == .plus)
        #expect(f(0x8000) == 0 && f(0x8000).sign == .minus)
        #expect(f(0x7C00) == .infinity)
        #expect(f(0xFC00) == -.infinity)
        #expect(f(0x7E00).isNaN)
        #expect(f(0x7C01).isNaN && f(0x7C01).isSignalingNaN)
    }

    @Test func bfloat16KnownBitPatterns() {
        let f = HalfPrecision.float(fromBFloat16Bits:)
        #expect(f(0x3F80) == 1.0)
        #expect(f(0xC000) == -2.0)
        #expect(f(0x477F) == 65280)  // bfloat16 cannot hold 65504; 0x477F is the nearest below
        #expect(f(0x7F7F) == Float(bitPattern: 0x7F7F_0000))  // largest finite ≈ 3.39e38
        #expect(f(0x0001) == Float(bitPattern: 0x0001_0000))  // smallest subnormal ≈ 9.2e-41
        #expect(f(0x0001) > 0 && f(0x0001) < Float.leastNormalMagnitude)
        #expect(f(0x7F80) == .infinity)
        #expect(f(0xFF80) == -.infinity)
        #expect(f(0x7FC0).isNaN)
    }

    #if !os(macOS)
        /// Every one of the 65 536 patterns agrees with Swift's own Float16 conversion.
        @Test func float16MatchesSwiftFloat16Exhaustively() {
            for bits in 0...UInt16.max {
                let ours = HalfPrecision.float(fromFloat16Bits: bits)
                let reference = Float(Float16(bitPattern: bits))
                if reference.isNaN {
                    #expect(ours.isNaN)
                } else {
                    #expect(ours.bitPattern == reference.bitPattern, "bits \(bits)")
                }
            }
        }
    #endif

    @Test func rawTensorConvertsHalfPrecisionAndIntegers() throws {
        let f16 = try RawTensor(
            name: "h", dtype: .float16, shape: [2, 2],
            bytes: ByteSlice(littleEndianBytes([UInt16(0x3C00), 0xC000, 0x7BFF, 0x0001])))
        #expect(f16.floats() == [1, -2, 65504, 0x1p-24])
        #expect(f16.doubles() == [1, -2, 65504, 0x1p-24])
        let m = f16.matrix(Float.self)
        #expect(m.rows == 2 && m.columns == 2 && m[1, 0] == 65504)
        let bf16 = try RawTensor(
            name: "b", dtype: .bfloat16, shape: [2], bytes: ByteSlice(littleEndianBytes([UInt16(0x3F80), 0xC000])))
        #expect(bf16.floats() == [1, -2])
        let i64 = try RawTensor(name: "i", shape: [3], elements: [Int64(-5), 0, 1 << 40])
        #expect(try i64.int64s() == [-5, 0, 1 << 40])
        #expect(i64.doubles() == [-5, 0, 0x1p40])
        #expect(i64.matrix(Double.self).rows == 3)  // vectors are columns: one value per sample
        #expect(throws: FormatError.self) { try f16.int64s() }
        #expect(throws: FormatError.self) { try f16.elements(as: Float.self) }
    }

    @Test func rawTensorRejectsMismatchedBytesAndOverflow() {
        let mismatch = formatError {
            _ = try RawTensor(
                name: "t", dtype: .float32, shape: [2, 3], bytes: ByteSlice([UInt8](repeating: 0, count: 20)))
        }
        #expect(mismatch?.reason == .byteCountMismatch(dtype: "F32", shape: [2, 3], expected: 24, actual: 20))
        let overflow = formatError {
            _ = try RawTensor(name: "t", dtype: .float32, shape: [1 << 40, 1 << 40], bytes: ByteSlice([]))
        }
        #expect(overflow?.reason == .shapeOverflow(shape: [1 << 40, 1 << 40], itemSize: 4))
    }
}
