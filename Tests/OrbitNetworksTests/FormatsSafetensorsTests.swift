import OrbitNumerics
import Testing

@testable import OrbitFormats

@Suite("Formats: safetensors")
struct FormatsSafetensorsTests {
    /// A safetensors file from a header string and a data buffer.
    static func file(header: String, data: [UInt8], declaredLength: UInt64? = nil) -> ByteSlice {
        var b = Bytes()
        b.u64(declaredLength ?? UInt64(header.utf8.count))
        b.text(header)
        b.append(data)
        return ByteSlice(b.bytes)
    }

    static func parse(_ header: String, _ data: [UInt8], limits: FormatLimits = .standard) throws -> SafetensorsFile {
        try SafetensorsFile.parse(file(header: header, data: data), file: "t.safetensors", limits: limits)
    }

    @Test func roundTripIsBitExact() throws {
        let dir = TemporaryDirectory()
        var g = SeededGenerator(seed: 1)
        let w = Matrix<Float>.normal(rows: 3, columns: 5, generator: &g)
        let specials: [Float] = [
            .nan, -0.0, .infinity, -.infinity, .leastNonzeroMagnitude, Float(bitPattern: 0x7FC0_1234),
        ]
        let d: [Double] = [1 / 3, -.pi, .nan, 0x1p-1030]
        let original = SafetensorsFile(
            tensors: [
                RawTensor(name: "layers.0.weight", matrix: w),
                try RawTensor(name: "specials", shape: [6], elements: specials),
                try RawTensor(name: "double", shape: [2, 2], elements: d),
                try RawTensor(name: "steps", shape: [], elements: [Int64(12345)]),
                try RawTensor(name: "mask", shape: [3], elements: [UInt8(0), 1, 255]),
                try RawTensor(name: "empty", shape: [0, 4], elements: [Float]()),
            ],
            metadata: ["orbit.version": "0.1", "seed": "7", "quote\"d": "line\nbreak é"])
        let path = dir.file("model.safetensors")
        try original.write(to: path)
        let read = try SafetensorsFile.read(path)
        #expect(read == original)  // names, order, dtypes, shapes, bytes, metadata
        #expect(read["layers.0.weight"]!.matrix(Float.self) == w)
        #expect(read["specials"]!.floats().map(\.bitPattern) == specials.map(\.bitPattern))
        #expect(try read["double"]!.elements(as: Double.self).map(\.bitPattern) == d.map(\.bitPattern))
        #expect(dir.contents == ["model.safetensors"])  // no temporary files left
        #expect(try original.serialized() == FileReader.read(path).array)
    }

    @Test func headerIsCompactPaddedAndMetadataFirst() throws {
        let bytes = try SafetensorsFile(
            tensors: [try RawTensor(name: "a", shape: [1], elements: [Float(1)])], metadata: ["k": "v"]
        ).serialized()
        let n = Int(
            bytes.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
        #expect(n % 8 == 0)
        let header = String(decoding: bytes[8..<(8 + n)], as: UTF8.self)
        #expect(header.hasPrefix(#"{"__metadata__":{"k":"v"},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#))
        let padding = header.reversed().prefix { $0 == " " }.count
        #expect(padding < 8 && header.dropLast(padding).hasSuffix("[0,4]}}"))
        #expect(bytes.count == 8 + n + 4)
    }

    @Test func readsHandWrittenHalfPrecisionAndIntegerTensors() throws {
        let header =
            #"{"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"b":{"dtype":"BF16","shape":[1],"data_offsets":[4,6]},"#
            + #""i":{"dtype":"I64","shape":[1],"data_offsets":[6,14]},"u":{"dtype":"U8","shape":[2],"data_offsets":[14,16]},"__metadata__":{"format":"pt"}}"#
        let data =
            littleEndianBytes([UInt16(0x3C00), 0xC000]) + littleEndianBytes([UInt16(0x4040)])
            + littleEndianBytes([Int64(-3)]) + [7, 9]
        let f = try Self.parse(header, data)
        #expect(f.tensors.map(\.name) == ["h", "b", "i", "u"])
        #expect(f["h"]!.floats() == [1, -2])
        #expect(f["b"]!.floats() == [3])
        #expect(try f["i"]!.int64s() == [-3])  // read from an unaligned offset
        #expect(f["u"]!.floats() == [7, 9])
        #expect(f.metadata == ["format": "pt"])
        #expect(formatError { _ = try f.tensor("missing") }?.reason == .missing(available: ["h", "b", "i", "u"]))
    }

    @Test func hostileHeadersGiveSpecificErrors() throws {
        let ok = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
        let eight = [UInt8](repeating: 0, count: 8)
        // Truncated: not even the length.
        #expect(
            formatError { _ = try SafetensorsFile.parse(ByteSlice([1, 2, 3]), file: "t") }?.reason
                == .truncated(what: "the 8-byte header length", offset: 0, needed: 8, available: 3))
        // Header length beyond the file, including 2^60.
        #expect(
            formatError {
                _ = try SafetensorsFile.parse(Self.file(header: ok, data: eight, declaredLength: 1000), file: "t")
            }?.reason
                == .headerBeyondFile(headerLength: 1000, fileSize: 8 + ok.utf8.count + 8))
        if case .headerBeyondFile(let n, _) = formatError({
            _ = try SafetensorsFile.parse(Self.file(header: ok, data: eight, declaredLength: 1 << 60), file: "t")
        })?.reason {
            #expect(n == 1 << 60)
        } else {
            Issue.record("2^60 header length")
        }
        // Header above the limit.
        #expect(
            formatError { _ = try Self.parse(ok, eight, limits: FormatLimits(maxHeaderBytes: 16)) }?.reason
                == .absurdSize(what: "header length", value: UInt64(ok.utf8.count), limit: 16))
        // Absurd shape.
        #expect(
            formatError {
                _ = try Self.parse(
                    #"{"a":{"dtype":"F32","shape":[1099511627776,1099511627776],"data_offsets":[0,8]}}"#, eight)
            }?
            .reason == .shapeOverflow(shape: [1 << 40, 1 << 40], itemSize: 4))
        #expect(
            formatError {
                _ = try Self.parse(
                    #"{"a":{"dtype":"F32","shape":[99999999999999999999999],"data_offsets":[0,8]}}"#, eight)
            }?
            .reason == .malformedHeader("'shape' entry 99999999999999999999999 does not fit in 64 bits"))
        #expect(
            formatError {
                _ = try Self.parse(
                    #"{"a":{"dtype":"F32","shape":[18446744073709551615,0],"data_offsets":[0,0]}}"#, [])
            }?.reason == .shapeOverflow(shape: [UInt64.max, 0], itemSize: 4))
        // Offsets out of range, overlapping, leaving gaps.
        #expect(
            formatError { _ = try Self.parse(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#, eight) }?
                .reason
                == .offsetsOutOfRange(begin: 4, end: 12, bufferSize: 8))
        #expect(
            formatError { _ = try Self.parse(#"{"a":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}}"#, eight) }?
                .reason
                == .offsetsOutOfRange(begin: 8, end: 0, bufferSize: 8))
        let overlap = formatError {
            _ = try Self.parse(
                #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
                eight)
        }
        #expect(overlap?.reason == .overlappingOffsets(other: "a", begin: 4, end: 8, otherBegin: 0, otherEnd: 8))
        #expect(overlap?.tensor == "b")
        #expect(
            formatError { _ = try Self.parse(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, eight) }?
                .reason
                == .uncoveredBytes(begin: 0, end: 4))
        #expect(
            formatError { _ = try Self.parse(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, eight) }?
                .reason
                == .uncoveredBytes(begin: 4, end: 8))
        // dtype/shape vs byte count.
        let mismatch = formatError {
            _ = try Self.parse(#"{"a":{"dtype":"F64","shape":[2],"data_offsets":[0,8]}}"#, eight)
        }
        #expect(mismatch?.reason == .byteCountMismatch(dtype: "F64", shape: [2], expected: 16, actual: 8))
        #expect(mismatch?.tensor == "a")
        #expect(mismatch?.description == "t.safetensors: 'a': F64 [2] needs 16 bytes but 8 are present")
        // Text problems.
        var bad = Array(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"x\#u{e9}":{}}"#.utf8)
        bad[bad.count - 7] = 0xFF  // break the é (C3 A9 → FF A9)
        let utf8 = formatError {
            var b = Bytes()
            b.u64(UInt64(bad.count))
            b.append(bad + eight)
            _ = try SafetensorsFile.parse(ByteSlice(b.bytes), file: "t")
        }
        #expect(utf8?.reason == .invalidUTF8(offset: bad.count - 7))
        if case .invalidJSON = formatError({
            _ = try Self.parse(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}"#, eight)
        })?.reason {
        } else {
            Issue.record("unterminated object")
        }
        if case .invalidJSON = formatError({ _ = try Self.parse(String(repeating: "[", count: 10000), eight) })?.reason
        {
        } else {
            Issue.record("deep nesting")
        }
        #expect(
            formatError {
                _ = try Self.parse(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"a":{}}"#, eight)
            }?.reason
                == .duplicateKey("a"))
        #expect(
            formatError { _ = try Self.parse(#"{"a":{"dtype":"F8_E4M3","shape":[8],"data_offsets":[0,8]}}"#, eight) }?
                .reason
                == .unsupportedDType("F8_E4M3"))
        #expect(
            formatError { _ = try Self.parse(#"{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#, eight) }?
                .reason
                == .malformedHeader("'shape' entries must be non-negative integers, found -2"))
        #expect(
            formatError { _ = try Self.parse(#"{"a":{"dtype":"F32","shape":[2]}}"#, eight) }?.reason
                == .malformedHeader("missing 'data_offsets'"))
        #expect(
            formatError { _ = try Self.parse(#"{"__metadata__":{"k":1}}"#, []) }?.reason
                == .malformedHeader("'__metadata__' value for 'k' is a number, not a string"))
        #expect(
            formatError { _ = try Self.parse("[]", []) }?.reason
                == .malformedHeader("the header is an array, not an object"))
        // Writers refuse duplicate names.
        let a = try RawTensor(name: "a", shape: [1], elements: [Float(1)])
        #expect(formatError { _ = try SafetensorsFile(tensors: [a, a]).serialized() }?.reason == .duplicateKey("a"))
    }

    /// Random truncations and byte flips of a valid file must throw or parse — never crash.
    @Test func mutatedFilesNeverCrash() throws {
        let valid = try SafetensorsFile(
            tensors: [
                try RawTensor(name: "w", shape: [3, 2], elements: [Float](repeating: 1, count: 6)),
                try RawTensor(name: "b", shape: [3], elements: [Double](repeating: 2, count: 3)),
            ], metadata: ["a": "b"]
        ).serialized()
        var g = SeededGenerator(seed: 42)
        for trial in 0..<400 {
            var bytes = valid
            if trial % 3 == 0 {
                bytes = Array(bytes.prefix(Int(g.next() % UInt64(bytes.count))))
            } else {
                for _ in 0..<(1 + trial % 4) {
                    bytes[Int(g.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: g.next())
                }
            }
            do {
                let f = try SafetensorsFile.parse(ByteSlice(bytes), file: "fuzz")
                for t in f.tensors { _ = t.doubles() }
            } catch is FormatError {
            } catch {
                Issue.record("unexpected error \(error)")
            }
        }
    }
}
