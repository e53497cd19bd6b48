import OrbitNumerics
import Testing

@testable import OrbitFormats

@Suite("Formats: NPY")
struct FormatsNPYTests {
    /// An NPY file with the given header dict text, version and data.
    static func npy(_ dict: String, _ data: [UInt8], major: UInt8 = 1) -> ByteSlice {
        var b = Bytes()
        b.append([0x93] + Array("NUMPY".utf8) + [major, 0])
        let header = dict + "\n"
        if major == 1 { b.u16(UInt16(header.utf8.count)) } else { b.u32(UInt32(header.utf8.count)) }
        b.text(header)
        b.append(data)
        return ByteSlice(b.bytes)
    }

    static func parse(_ dict: String, _ data: [UInt8], major: UInt8 = 1) throws -> RawTensor {
        try NPYFile.parse(npy(dict, data, major: major), name: "x", file: "x.npy")
    }

    @Test func roundTripIsBitExact() throws {
        let dir = TemporaryDirectory()
        var g = SeededGenerator(seed: 3)
        let tensors = [
            RawTensor(name: "f", matrix: Matrix<Float>.normal(rows: 4, columns: 3, generator: &g)),
            RawTensor(name: "d", matrix: Matrix<Double>.normal(rows: 2, columns: 5, generator: &g)),
            try RawTensor(name: "u", shape: [2, 2, 2], elements: (0..<8).map { UInt8($0 * 30) }),
            try RawTensor(name: "i", shape: [3], elements: [Int64.min, 0, Int64.max]),
            try RawTensor(name: "s", shape: [], elements: [Float.nan]),
            try RawTensor(name: "e", shape: [0, 7], elements: [Double]()),
        ]
        for t in tensors {
            let path = dir.file(t.name + ".npy")
            try NPYFile.write(t, to: path)
            let back = try NPYFile.read(path)
            #expect(back == t)
            let bytes = try NPYFile.serialized(t)
            #expect((bytes.count - t.bytes.count) % 64 == 0)  // data 64-byte aligned
        }
    }

    @Test func headerMatchesNumpyLayout() throws {
        let t = try RawTensor(name: "a", shape: [2, 3], elements: [Float](repeating: 0, count: 6))
        let header = try NPYFile.header(for: t)
        #expect(header.count == 128)
        let text = String(decoding: header[10...], as: UTF8.self)
        #expect(text.hasPrefix("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"))
        #expect(text.hasSuffix(" \n"))
        let vector = try NPYFile.header(
            for: try RawTensor(name: "v", shape: [5], elements: [UInt8](repeating: 0, count: 5)))
        #expect(
            String(decoding: vector[10...], as: UTF8.self).hasPrefix(
                "{'descr': '|u1', 'fortran_order': False, 'shape': (5,), }"))
    }

    @Test func readsVersionsTwoAndThreeAndBigEndian() throws {
        let v2 = try Self.parse(
            "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", littleEndianBytes([2.5]), major: 2)
        #expect(v2.doubles() == [2.5])
        let v3 = try Self.parse(
            "{\"descr\": \"<i4\", \"fortran_order\": False, \"shape\": (2,)}", littleEndianBytes([Int32(-1), 7]),
            major: 3)
        #expect(try v3.int64s() == [-1, 7])
        let big = try Self.parse(
            "{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", [0x3F, 0x80, 0, 0, 0xC0, 0, 0, 0])
        #expect(big.floats() == [1, -2])
        #expect(big.dtype == .float32)
        let bigInt = try Self.parse(
            "{'descr': '>i8', 'fortran_order': False, 'shape': (), }", [0, 0, 0, 0, 0, 0, 1, 2])
        #expect(try bigInt.int64s() == [258])
        // Fortran order is harmless for a vector.
        let column = try Self.parse(
            "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 1), }", littleEndianBytes([Float(1), 2]))
        #expect(column.floats() == [1, 2])
        let half = try Self.parse(
            "{'descr': '<f2', 'fortran_order': False, 'shape': (1,), }", littleEndianBytes([UInt16(0x7BFF)]))
        #expect(half.floats() == [65504])
    }

    @Test func hostileFilesGiveSpecificErrors() throws {
        let six = [UInt8](repeating: 0, count: 24)
        #expect(
            formatError { _ = try NPYFile.parse(ByteSlice(Array("NUMPY!".utf8)), name: "x", file: "x.npy") }?.reason
                == .badMagic(expected: "93 4e 55 4d 50 59 (\\x93NUMPY)", found: "4e 55 4d 50 59 21"))
        #expect(
            formatError {
                _ = try Self.parse("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", six, major: 4)
            }?.reason
                == .unsupported("NPY format version 4.0"))
        #expect(
            formatError { _ = try Self.parse("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", six) }?
                .reason
                == .fortranOrder)
        #expect(
            formatError { _ = try Self.parse("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 4), }", six) }?
                .reason
                == .byteCountMismatch(dtype: "<f4", shape: [2, 4], expected: 32, actual: 24))
        #expect(
            formatError { _ = try Self.parse("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", six) }?
                .reason
                == .byteCountMismatch(dtype: "<f4", shape: [2, 2], expected: 16, actual: 24))
        #expect(
            formatError {
                _ = try Self.parse(
                    "{'descr': '<f4', 'fortran_order': False, 'shape': (1099511627776, 1099511627776), }", six)
            }?
            .reason == .shapeOverflow(shape: [1 << 40, 1 << 40], itemSize: 4))
        #expect(
            formatError { _ = try Self.parse("{'descr': '<U10', 'fortran_order': False, 'shape': (1,), }", six) }?
                .reason
                == .unsupportedDType("<U10"))
        #expect(
            formatError {
                _ = try Self.parse("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", six)
            }?.reason
                == .unsupportedDType("structured dtype"))
        #expect(
            formatError { _ = try Self.parse("{'descr': '<f4', 'descr': '<f4', 'shape': (1,), }", six) }?.reason
                == .duplicateKey("descr"))
        if case .malformedHeader = formatError({ _ = try Self.parse("__import__('os').system('true')", six) })?.reason {
        } else {
            Issue.record("code in header")
        }
        if case .malformedHeader = formatError({
            _ = try Self.parse("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", six)
        })?.reason {
        } else {
            Issue.record("negative dimension")
        }
        // Header length beyond the file.
        var b = Bytes()
        b.append([0x93] + Array("NUMPY".utf8) + [1, 0])
        b.u16(60000)
        b.text("{'descr'")
        #expect(
            formatError { _ = try NPYFile.parse(ByteSlice(b.bytes), name: "x", file: "x.npy") }?.reason
                == .headerBeyondFile(headerLength: 60000, fileSize: 18))
        // Truncated before the header length.
        #expect(
            formatError {
                _ = try NPYFile.parse(ByteSlice([0x93] + Array("NUMPY".utf8) + [1, 0, 5]), name: "x", file: "x.npy")
            }?.reason
                == .truncated(what: "the header length", offset: 8, needed: 2, available: 1))
        // bfloat16 has no NumPy dtype.
        let bf = try RawTensor(name: "b", dtype: .bfloat16, shape: [1], bytes: ByteSlice([0, 0]))
        if case .notRepresentable = formatError({ _ = try NPYFile.serialized(bf) })?.reason {
        } else {
            Issue.record("bf16 npy")
        }
    }
}
