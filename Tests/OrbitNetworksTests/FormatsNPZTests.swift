import CZlib
import OrbitNumerics
import Testing

@testable import OrbitFormats

/// Raw deflate (windowBits −15), as in ZIP members, straight from zlib.
func rawDeflate(_ input: [UInt8]) -> [UInt8] {
    var stream = z_stream()
    let initStatus = deflateInit2_(
        &stream, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
    precondition(initStatus == Z_OK)
    defer { deflateEnd(&stream) }
    var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))))
    var input = input
    let produced = input.withUnsafeMutableBufferPointer { i in
        out.withUnsafeMutableBufferPointer { o -> Int in
            stream.next_in = i.baseAddress
            stream.avail_in = uInt(i.count)
            stream.next_out = o.baseAddress
            stream.avail_out = uInt(o.count)
            precondition(deflate(&stream, Z_FINISH) == Z_STREAM_END)
            return o.count - Int(stream.avail_out)
        }
    }
    return Array(out.prefix(produced))
}

func crc32Of(_ bytes: [UInt8]) -> UInt32 {
    bytes.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, uInt($0.count))) }
}

/// A hand-built ZIP archive, with every field overridable to make hostile archives.
struct TestZip {
    struct Member {
        var name: String
        var data: [UInt8]
        var deflate = false
        var crc: UInt32? = nil
        var uncompressedSize: UInt32? = nil
        var flags: UInt16 = 0
        var method: UInt16? = nil
        var localOffsetOverride: UInt32? = nil
        /// Keep only this many compressed bytes (a stream cut short).
        var cutPayloadTo: Int? = nil
    }

    var members: [Member]
    var directoryOffsetDelta = 0

    var bytes: [UInt8] {
        var out = Bytes()
        var central = Bytes()
        for m in members {
            var payload = m.deflate ? rawDeflate(m.data) : m.data
            if let cut = m.cutPayloadTo { payload = Array(payload.prefix(cut)) }
            let crc = m.crc ?? crc32Of(m.data)
            let offset = UInt32(out.bytes.count)
            let method = m.method ?? (m.deflate ? 8 : 0)
            out.u32(0x0403_4B50)
            out.u16(20)
            out.u16(m.flags)
            out.u16(method)
            out.u32(0)
            out.u32(crc)
            out.u32(UInt32(payload.count))
            out.u32(m.uncompressedSize ?? UInt32(m.data.count))
            out.u16(UInt16(m.name.utf8.count))
            out.u16(0)
            out.text(m.name)
            out.append(payload)
            central.u32(0x0201_4B50)
            central.u16(20)
            central.u16(20)
            central.u16(m.flags)
            central.u16(method)
            central.u32(0)
            central.u32(crc)
            central.u32(UInt32(payload.count))
            central.u32(m.uncompressedSize ?? UInt32(m.data.count))
            central.u16(UInt16(m.name.utf8.count))
            central.u16(0)
            central.u16(0)
            central.u16(0)
            central.u16(0)
            central.u32(0)
            central.u32(m.localOffsetOverride ?? offset)
            central.text(m.name)
        }
        let directoryOffset = out.bytes.count
        out.append(central.bytes)
        out.u32(0x0605_4B50)
        out.u16(0)
        out.u16(0)
        out.u16(UInt16(members.count))
        out.u16(UInt16(members.count))
        out.u32(UInt32(central.bytes.count))
        out.u32(UInt32(directoryOffset + directoryOffsetDelta))
        out.u16(0)
        return out.bytes
    }
}

@Suite("Formats: NPZ and ZIP")
struct FormatsNPZTests {
    static func npyBytes(_ t: RawTensor) -> [UInt8] { try! NPYFile.serialized(t) }

    static func sample() throws -> [RawTensor] {
        var g = SeededGenerator(seed: 5)
        return [
            RawTensor(name: "x_train", matrix: Matrix<Float>.normal(rows: 6, columns: 4, generator: &g)),
            try RawTensor(name: "y_train", shape: [6], elements: [Int64(0), 1, 2, 0, 1, 2]),
            RawTensor(name: "w", matrix: Matrix<Double>.normal(rows: 2, columns: 2, generator: &g)),
            try RawTensor(name: "pixels", shape: [2, 3], elements: [UInt8(0), 1, 2, 253, 254, 255]),
        ]
    }

    @Test func storedRoundTripIsBitExact() throws {
        let dir = TemporaryDirectory()
        let original = NPZFile(arrays: try Self.sample())
        for zip64 in [false, true] {
            let path = dir.file("a\(zip64).npz")
            try original.write(to: path, forceZip64: zip64)
            let read = try NPZFile.read(path)
            #expect(read == original)
            #expect(read.names == ["x_train", "y_train", "w", "pixels"])
            #expect(try NPZFile.read(path, only: ["w"]).names == ["w"])
            #expect(try original.serialized(forceZip64: zip64) == FileReader.read(path).array)
        }
        // Deterministic: the same arrays give the same bytes.
        #expect(try original.serialized() == original.serialized())
    }

    @Test func readsDeflatedMembers() throws {
        let arrays = try Self.sample()
        let zip = TestZip(members: [
            .init(name: "x_train.npy", data: Self.npyBytes(arrays[0]), deflate: true),
            .init(name: "pixels.npy", data: Self.npyBytes(arrays[3]), deflate: false),
            .init(
                name: "big.npy",
                data: Self.npyBytes(
                    try RawTensor(name: "big", shape: [5000], elements: [Float](repeating: 1.5, count: 5000))),
                deflate: true),
        ])
        let npz = try NPZFile.parse(ByteSlice(zip.bytes), file: "z.npz")
        #expect(npz.names == ["x_train", "pixels", "big"])
        #expect(npz["x_train"] == arrays[0])
        #expect(npz["pixels"] == arrays[3])
        #expect(npz["big"]!.floats() == [Float](repeating: 1.5, count: 5000))
        #expect(
            formatError { _ = try npz.array("y_train", file: "z.npz") }?.reason
                == .missing(available: ["x_train", "pixels", "big"]))
    }

    @Test func hostileArchivesGiveSpecificErrors() throws {
        let arrays = try Self.sample()
        let data = Self.npyBytes(arrays[0])
        func parse(_ zip: TestZip) throws { _ = try NPZFile.parse(ByteSlice(zip.bytes), file: "z.npz") }
        func reason(_ zip: TestZip) -> FormatError.Reason? { formatError { try parse(zip) }?.reason }

        // CRC mismatch, stored and deflated.
        let good = crc32Of(data)
        #expect(
            reason(TestZip(members: [.init(name: "a.npy", data: data, crc: good ^ 1)]))
                == .crcMismatch(expected: good ^ 1, actual: good))
        #expect(
            reason(TestZip(members: [.init(name: "a.npy", data: data, deflate: true, crc: 7)]))
                == .crcMismatch(expected: 7, actual: good))
        // Declared size smaller / larger than what the deflate stream holds.
        #expect(
            reason(TestZip(members: [.init(name: "a.npy", data: data, deflate: true, uncompressedSize: 100)]))
                == .decompressedSizeMismatch(declared: 100, actual: "more than 100"))
        #expect(
            reason(
                TestZip(members: [
                    .init(name: "a.npy", data: data, deflate: true, uncompressedSize: UInt32(data.count + 10))
                ]))
                == .decompressedSizeMismatch(declared: data.count + 10, actual: String(data.count)))
        // A deflate stream cut short.
        if case .decompressionFailed = reason(
            TestZip(members: [.init(name: "a.npy", data: data, deflate: true, cutPayloadTo: 20)]))
        {
        } else {
            Issue.record("deflate stream cut short")
        }
        // A tiny member declaring 4 GB: refused before allocating.
        if case .absurdSize(let what, let value, _) = reason(
            TestZip(members: [.init(name: "a.npy", data: [1, 2, 3], deflate: true, uncompressedSize: 0xFFFF_FFF0)]))
        {
            #expect(what == "declared uncompressed size" && value == 0xFFFF_FFF0)
        } else {
            Issue.record("bomb")
        }
        // Stored sizes must agree.
        #expect(
            reason(TestZip(members: [.init(name: "a.npy", data: data, uncompressedSize: 5)]))
                == .decompressedSizeMismatch(declared: 5, actual: "\(data.count) stored bytes"))
        // Duplicate names, encryption, unknown methods.
        #expect(
            reason(TestZip(members: [.init(name: "a.npy", data: data), .init(name: "a.npy", data: data)]))
                == .duplicateKey("a.npy"))
        #expect(
            reason(TestZip(members: [.init(name: "a", data: data), .init(name: "a.npy", data: data)]))
                == .duplicateKey("a"))
        #expect(
            reason(TestZip(members: [.init(name: "a.npy", data: data, flags: 1)]))
                == .unsupported("encrypted ZIP members"))
        #expect(
            reason(TestZip(members: [.init(name: "a.npy", data: data, method: 12)]))
                == .unsupported("ZIP compression method 12"))
        // Overlapping members (the quadratic zip-bomb construction).
        let overlapping = formatError {
            try parse(
                TestZip(members: [
                    .init(name: "a.npy", data: data), .init(name: "b.npy", data: data, localOffsetOverride: 0),
                ]))
        }
        if case .overlappingOffsets = overlapping?.reason {
        } else {
            Issue.record("overlap: \(String(describing: overlapping))")
        }
        // Central directory pointing outside the file; not a ZIP at all; truncated.
        if case .offsetsOutOfRange = reason(
            TestZip(members: [.init(name: "a.npy", data: data)], directoryOffsetDelta: 1000))
        {
        } else {
            Issue.record("directory offset")
        }
        let notZip = formatError { _ = try NPZFile.parse(ByteSlice(data), file: "z.npz") }
        if case .badMagic = notZip?.reason {} else { Issue.record("not a zip") }
        let truncated = formatError {
            _ = try NPZFile.parse(
                ByteSlice(Array(TestZip(members: [.init(name: "a.npy", data: data)]).bytes.dropLast(5))), file: "z.npz")
        }
        if case .badMagic = truncated?.reason {} else { Issue.record("truncated zip") }
        // A member that is not NPY.
        #expect(
            reason(TestZip(members: [.init(name: "a.npy", data: [1, 2, 3, 4, 5, 6, 7, 8])]))
                == .badMagic(expected: "93 4e 55 4d 50 59 (\\x93NUMPY)", found: "01 02 03 04 05 06"))
    }

    @Test func mutatedArchivesNeverCrash() throws {
        let valid = try NPZFile(arrays: try Self.sample()).serialized()
        let deflated = TestZip(
            members: try Self.sample().map { .init(name: $0.name + ".npy", data: Self.npyBytes($0), deflate: true) }
        ).bytes
        var g = SeededGenerator(seed: 9)
        for trial in 0..<400 {
            var bytes = trial % 2 == 0 ? valid : deflated
            for _ in 0..<(1 + trial % 3) {
                bytes[Int(g.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: g.next())
            }
            if trial % 5 == 0 { bytes = Array(bytes.prefix(Int(g.next() % UInt64(bytes.count)))) }
            do {
                _ = try NPZFile.parse(ByteSlice(bytes), file: "fuzz")
            } catch is FormatError {
            } catch {
                Issue.record("unexpected error \(error)")
            }
        }
    }
}
