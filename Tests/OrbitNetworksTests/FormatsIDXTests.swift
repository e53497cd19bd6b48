import CZlib
import Testing

@testable import OrbitFormats

/// Writes `bytes` gzip-compressed with zlib's gzopen/gzwrite.
func writeGzip(_ bytes: [UInt8], to path: String) {
    let file = gzopen(path, "wb")!
    var bytes = bytes
    let written = bytes.withUnsafeMutableBytes { gzwrite(file, $0.baseAddress, UInt32($0.count)) }
    precondition(Int(written) == bytes.count)
    precondition(gzclose(file) == Z_OK)
}

/// An IDX file: magic, big-endian dimensions, data.
func idxBytes(type: UInt8, dims: [UInt32], data: [UInt8]) -> [UInt8] {
    var b = Bytes()
    b.append([0, 0, type, UInt8(dims.count)])
    for d in dims { b.u32BE(d) }
    b.append(data)
    return b.bytes
}

@Suite("Formats: IDX")
struct FormatsIDXTests {
    @Test func readsRawAndGzipUInt8() throws {
        let dir = TemporaryDirectory()
        let pixels = (0..<(3 * 2 * 4)).map { UInt8($0 * 10) }
        let bytes = idxBytes(type: 0x08, dims: [3, 2, 4], data: pixels)
        let raw = dir.write(bytes, to: "images-idx3-ubyte")
        writeGzip(bytes, to: dir.file("images-idx3-ubyte.gz"))
        for path in [raw, dir.file("images-idx3-ubyte.gz")] {
            let t = try IDXFile.read(path)
            #expect(t.dtype == .uint8 && t.shape == [3, 2, 4])
            #expect(try t.elements(as: UInt8.self) == pixels)
            let m = t.matrix(Float.self)
            #expect(m.rows == 3 && m.columns == 8 && m[2, 7] == 230)
        }
    }

    @Test func convertsBigEndianTypes() throws {
        let dir = TemporaryDirectory()
        var i32 = Bytes()
        for v: Int32 in [-2, 70000] { i32.u32BE(UInt32(bitPattern: v)) }
        #expect(
            try IDXFile.read(dir.write(idxBytes(type: 0x0C, dims: [2], data: i32.bytes), to: "a")).int64s() == [
                -2, 70000,
            ])
        var f32 = Bytes()
        for v: Float in [1.5, -0.25] { f32.u32BE(v.bitPattern) }
        #expect(
            try IDXFile.read(dir.write(idxBytes(type: 0x0D, dims: [1, 2], data: f32.bytes), to: "b")).floats() == [
                1.5, -0.25,
            ])
        let f64 = withUnsafeBytes(of: (3.0).bitPattern.bigEndian) { Array($0) }
        #expect(try IDXFile.read(dir.write(idxBytes(type: 0x0E, dims: [1], data: f64), to: "c")).doubles() == [3])
        #expect(
            try IDXFile.read(dir.write(idxBytes(type: 0x0B, dims: [2], data: [0xFF, 0xFE, 0x01, 0x00]), to: "d"))
                .int64s() == [-2, 256])
        #expect(
            try IDXFile.read(dir.write(idxBytes(type: 0x09, dims: [2], data: [0xFF, 0x05]), to: "e")).int64s() == [
                -1, 5,
            ])
    }

    @Test func hostileFilesGiveSpecificErrors() throws {
        let dir = TemporaryDirectory()
        var count = 0
        func reason(_ bytes: [UInt8], gzip: Bool = false) -> FormatError.Reason? {
            count += 1
            let path = dir.file("f\(count).idx")
            if gzip { writeGzip(bytes, to: path) } else { _ = dir.write(bytes, to: "f\(count).idx") }
            return formatError { _ = try IDXFile.read(path) }?.reason
        }
        #expect(
            reason([1, 0, 8, 1, 0, 0, 0, 0]) == .badMagic(expected: "00 00 TYPE NDIMS (IDX)", found: "01 00 08 01"))
        #expect(reason([0, 0, 0x0A, 1, 0, 0, 0, 0]) == .unsupportedDType("IDX type 0xa"))
        #expect(reason([0, 0]) == .truncated(what: "the IDX magic", offset: 0, needed: 4, available: 2))
        #expect(
            reason([0, 0, 8, 3, 0, 0, 0, 1])
                == .truncated(what: "the 3 IDX dimensions", offset: 4, needed: 12, available: 4))
        // Raw: the data must be exactly what the dimensions say.
        #expect(
            reason(idxBytes(type: 0x08, dims: [2, 3], data: [1, 2, 3, 4, 5]))
                == .byteCountMismatch(dtype: "U8", shape: [2, 3], expected: 6, actual: 5))
        #expect(
            reason(idxBytes(type: 0x0D, dims: [2], data: [UInt8](repeating: 0, count: 12)))
                == .byteCountMismatch(dtype: "F32", shape: [2], expected: 8, actual: 12))
        // Absurd declared sizes: overflow, or far more than the file could hold.
        #expect(
            reason(idxBytes(type: 0x0E, dims: [0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF], data: []))
                == .shapeOverflow(shape: [0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF], itemSize: 8))
        if case .absurdSize = reason(idxBytes(type: 0x08, dims: [60000, 28, 28], data: [1, 2, 3]), gzip: true) {
        } else {
            Issue.record("gzip declaring 47 MB in a tiny file")
        }
        // Gzip: content beyond the declared size (a bomb), or short of it.
        #expect(
            reason(idxBytes(type: 0x08, dims: [2, 2], data: [UInt8](repeating: 7, count: 100)), gzip: true)
                == .decompressedSizeMismatch(declared: 4 + 8 + 4, actual: "more than 16"))
        #expect(
            reason(idxBytes(type: 0x08, dims: [4, 4], data: [1, 2, 3]), gzip: true)
                == .truncated(what: "IDX data of shape [4, 4]", offset: 12 + 3, needed: 13, available: 0))
        // Corrupt gzip data.
        let good = idxBytes(type: 0x08, dims: [64], data: [UInt8](repeating: 1, count: 64))
        writeGzip(good, to: dir.file("corrupt.gz"))
        var gz = try FileReader.read(dir.file("corrupt.gz")).array
        gz[gz.count - 6] ^= 0xFF  // the CRC-32 trailer
        let corrupt = dir.write(gz, to: "corrupt2.gz")
        if case .decompressionFailed = formatError({ _ = try IDXFile.read(corrupt) })?.reason {
        } else {
            Issue.record("gzip CRC")
        }
        #expect(
            formatError { _ = try IDXFile.read(dir.file("missing")) }?.reason
                == .io("cannot stat: No such file or directory"))
        #expect(formatError { _ = try IDXFile.read(dir.path) }?.reason == .notARegularFile)
    }
}
