import Foundation
import Testing

@testable import OrbitFormats
@testable import OrbitNetworks

/// No header field can make Orbit allocate more than the file justifies, and shape products that
/// overflow are errors: hostile headers the format suites do not already cover, plus network
/// descriptions, whose few bytes fix the size of θ.
@Suite struct ReliabilityHostileInputTests {
    /// NPY: a shape whose product overflows, a huge shape over 8 bytes of data, a dtype whose item
    /// size disagrees with the data, a rank above the limit — each a specific error, no allocation.
    @Test func npyHeadersCannotOverflowOrOverAllocate() throws {
        func parse(_ dict: String, _ data: [UInt8]) -> FormatError.Reason? {
            formatError { _ = try FormatsNPYTests.parse(dict, data) }?.reason
        }
        let eight = [UInt8](repeating: 0, count: 8)
        #expect(
            parse("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", eight)
                == .shapeOverflow(shape: [1 << 32, 1 << 32], itemSize: 4))
        // 2⁶¹ elements of 8 bytes: the element count fits in 64 bits, the byte count does not.
        #expect(
            parse("{'descr': '<f8', 'fortran_order': False, 'shape': (2305843009213693952,), }", eight)
                == .shapeOverflow(shape: [1 << 61], itemSize: 8))
        #expect(
            parse("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000, 1000), }", eight)
                == .byteCountMismatch(
                    dtype: "<f4", shape: [1_000_000_000, 1000], expected: 4_000_000_000_000, actual: 8))
        #expect(
            parse("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", eight)
                == .byteCountMismatch(dtype: "<f8", shape: [2], expected: 16, actual: 8))
        let rank65 = "(" + String(repeating: "1, ", count: 65) + ")"
        #expect(
            parse("{'descr': '<f4', 'fortran_order': False, 'shape': \(rank65), }", [0, 0, 0, 0])
                == .absurdSize(what: "rank", value: 65, limit: 64))
    }

    /// Safetensors: data offsets past the end of the file, a huge tensor claimed over a tiny buffer,
    /// and a shape product that overflows only with the item size.
    @Test func safetensorsOffsetsAndShapesAreBounded() throws {
        func parse(_ header: String, _ data: [UInt8]) -> FormatError.Reason? {
            formatError { _ = try FormatsSafetensorsTests.parse(header, data) }?.reason
        }
        let eight = [UInt8](repeating: 0, count: 8)
        #expect(
            parse(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,18446744073709551615]}}"#, eight)
                == .offsetsOutOfRange(begin: 0, end: UInt64.max, bufferSize: 8))
        #expect(
            parse(#"{"a":{"dtype":"F32","shape":[1000000000000],"data_offsets":[0,8]}}"#, eight)
                == .byteCountMismatch(dtype: "F32", shape: [1_000_000_000_000], expected: 4_000_000_000_000, actual: 8))
        #expect(
            parse(#"{"a":{"dtype":"F64","shape":[2305843009213693952],"data_offsets":[0,8]}}"#, eight)
                == .shapeOverflow(shape: [1 << 61], itemSize: 8))
        let declaredLength = FormatsSafetensorsTests.file(header: "{}", data: [], declaredLength: 1 << 62)
        if case .headerBeyondFile = formatError({ _ = try SafetensorsFile.parse(declaredLength, file: "t") })?.reason {
        } else {
            Issue.record("a header length of 2^62 must be refused before allocating")
        }
    }

    /// IDX: dimensions whose product overflows, or that claim 4 GB over a 12-byte raw file or a tiny
    /// gzip file (a bomb), are refused before the data buffer is allocated.
    @Test func idxDimensionsAreBoundedByTheFile() throws {
        let directory = TemporaryDirectory()
        let overflow = directory.write(
            idxBytes(type: 0x0E, dims: [UInt32.max, UInt32.max, UInt32.max], data: []), to: "overflow.idx")
        #expect(
            formatError { _ = try IDXFile.read(overflow) }?.reason
                == .shapeOverflow(shape: [UInt64(UInt32.max), UInt64(UInt32.max), UInt64(UInt32.max)], itemSize: 8))
        let huge = directory.write(idxBytes(type: 0x08, dims: [65536, 65536], data: [1, 2, 3, 4]), to: "huge.idx")
        #expect(
            formatError { _ = try IDXFile.read(huge) }?.reason
                == .byteCountMismatch(dtype: "U8", shape: [65536, 65536], expected: 1 << 32, actual: 4))
        let bomb = directory.file("bomb.idx.gz")
        writeGzip(idxBytes(type: 0x08, dims: [65536, 65536], data: [1, 2, 3, 4]), to: bomb)
        if case .absurdSize = formatError({ _ = try IDXFile.read(bomb) })?.reason {
        } else {
            Issue.record("a gzip IDX file declaring 4 GB must be refused before allocating")
        }
    }

    /// Network descriptions: sizes whose weight count overflows `Int`, totals beyond what 8-byte
    /// scalars can address, and `resmlp` repetition counts above ``Network/maxBlockCount`` are
    /// errors (before, `layout` trapped on the overflow, and a 20-byte description took seconds).
    @Test func networkDescriptionsCannotOverflowTheLayout() throws {
        let hostile = [
            "mlp:9999999999-9999999999-1",
            "linear:4294967296-4294967296",
            "mlp:1152921504606846976-2-1",
            "resmlp:4-8x99999999999-2",
            // Found by fuzz-network-description: 52,409 blocks took seconds to lay out.
            "resmlp:78-6x52409-10",
            "resmlp:4-8x1001-2",
            #"{"input": 9999999999, "blocks": [{"type": "dense", "outputs": 9999999999}]}"#,
            #"{"input": 3037000500, "blocks": [{"type": "dense", "outputs": 3037000500, "bias": false}]}"#,
        ]
        for text in hostile {
            #expect(throws: NetworkError.self, "\(text)") { _ = try Network(parsing: text) }
        }
        // Large but representable descriptions still parse, and their counts are exact.
        let wide = try Network(parsing: "linear:100000-100000")
        #expect(wide.parameterCount == 10_000_000_000)
        #expect(try Network(parsing: "resmlp:4-8x1000-2").blocks.count == 1002)
    }
}
