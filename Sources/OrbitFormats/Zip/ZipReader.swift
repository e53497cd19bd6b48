/// One member of a ZIP archive, as its central directory describes it, validated.
struct ZipEntry: Equatable {
    var name: String
    /// 0 = stored, 8 = deflate.
    var method: UInt16
    var crc32: UInt32
    var compressedSize: Int
    var uncompressedSize: Int
    var localHeaderOffset: Int
    /// Where the member's (compressed) bytes start, from its local header.
    var dataOffset: Int
}

/// Reading ZIP archives (PKWARE APPNOTE 6.3), enough for `.npz` files: stored and deflated
/// members, ZIP64 records and extra fields, no encryption, no multi-disk archives.
///
/// ```
/// [local header 30 B + name + extra][data] …   one per member
/// [central directory: 46 B + name + extra + comment per member]
/// [ZIP64 end record 56 B + locator 20 B]       only when a field overflows 16/32 bits
/// [end of central directory 22 B + comment ≤ 65535 B]
/// ```
/// Every offset and size is checked against the buffer and against each other before use:
/// members must lie before the central directory and must not overlap (overlapping members are
/// how "zip bombs" reach quadratic expansion); the entry count is bounded by the directory size;
/// declared uncompressed sizes must be plausible for their compressed size (deflate ≤ ~1032:1)
/// and their total under ``FormatLimits/maxDecompressedBytes``. Extraction then produces exactly
/// the declared size and checks the CRC-32. O(archive size) time.
enum ZipReader {
    static let localSignature: UInt32 = 0x0403_4B50
    static let centralSignature: UInt32 = 0x0201_4B50
    static let endSignature: UInt32 = 0x0605_4B50
    static let zip64EndSignature: UInt32 = 0x0606_4B50
    static let zip64LocatorSignature: UInt32 = 0x0706_4B50

    /// The validated members of the archive in `raw`, in central-directory order.
    static func entries(_ raw: UnsafeRawBufferPointer, file: String, limits: FormatLimits) throws -> [ZipEntry] {
        func fail(_ reason: FormatError.Reason, _ member: String? = nil) -> FormatError {
            FormatError(file: file, tensor: member, reason: reason)
        }
        // 1. The end-of-central-directory record: the last "PK\5\6" whose comment reaches the end.
        guard raw.count >= 22 else {
            throw fail(.badMagic(expected: "a ZIP archive (end-of-central-directory record)", found: hexPrefix(raw)))
        }
        var endOffset: Int?
        var candidate = raw.count - 22
        let lowest = max(0, raw.count - 22 - 0xFFFF)
        while candidate >= lowest {
            if raw.loadUnaligned(fromByteOffset: candidate, as: UInt32.self) == endSignature.littleEndian {
                let commentLength = Int(
                    UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: candidate + 20, as: UInt16.self)))
                if candidate + 22 + commentLength == raw.count {
                    endOffset = candidate
                    break
                }
            }
            candidate -= 1
        }
        guard let endOffset else {
            throw fail(.badMagic(expected: "a ZIP archive (end-of-central-directory record)", found: hexPrefix(raw)))
        }
        var cursor = ByteCursor(raw, file: file, offset: endOffset + 4)
        let disk = try cursor.u16("disk number")
        let directoryDisk = try cursor.u16("central directory disk")
        _ = try cursor.u16("entries on this disk")
        var entryCount = UInt64(try cursor.u16("entry count"))
        var directorySize = UInt64(try cursor.u32("central directory size"))
        var directoryOffset = UInt64(try cursor.u32("central directory offset"))
        var directoryLimit = endOffset  // the directory must end before this

        // 2. ZIP64: a locator just before the end record points to the ZIP64 end record.
        if endOffset >= 20,
            raw.loadUnaligned(fromByteOffset: endOffset - 20, as: UInt32.self) == zip64LocatorSignature.littleEndian
        {
            var locator = ByteCursor(raw, file: file, offset: endOffset - 16)
            _ = try locator.u32("ZIP64 locator disk")
            let recordOffset = try locator.u64("ZIP64 end record offset")
            guard endOffset >= 20 + 56, recordOffset <= UInt64(endOffset - 20 - 56) else {
                throw fail(.offsetsOutOfRange(begin: recordOffset, end: recordOffset &+ 56, bufferSize: endOffset - 20))
            }
            var record = ByteCursor(raw, file: file, offset: Int(recordOffset))
            guard try record.u32("ZIP64 end record signature") == zip64EndSignature else {
                throw fail(
                    .badMagic(
                        expected: "ZIP64 end record (PK\\6\\6)", found: "another record at offset \(recordOffset)"))
            }
            _ = try record.u64("ZIP64 end record size")
            _ = try record.u16("version made by")
            _ = try record.u16("version needed")
            let disk64 = try record.u32("disk number")
            let directoryDisk64 = try record.u32("central directory disk")
            _ = try record.u64("entries on this disk")
            entryCount = try record.u64("entry count")
            directorySize = try record.u64("central directory size")
            directoryOffset = try record.u64("central directory offset")
            guard disk64 == 0 && directoryDisk64 == 0 else { throw fail(.unsupported("multi-disk ZIP archives")) }
            directoryLimit = Int(recordOffset)
        } else if disk != 0 || directoryDisk != 0 {
            throw fail(.unsupported("multi-disk ZIP archives"))
        }
        guard directoryOffset <= UInt64(directoryLimit), directorySize <= UInt64(directoryLimit) - directoryOffset
        else {
            throw fail(
                .offsetsOutOfRange(
                    begin: directoryOffset, end: directoryOffset &+ directorySize, bufferSize: directoryLimit))
        }
        // Each central entry takes at least 46 bytes, so the count is bounded by the directory size.
        guard entryCount <= directorySize / 46 else {
            throw fail(.absurdSize(what: "ZIP entry count", value: entryCount, limit: directorySize / 46))
        }

        // 3. The central directory.
        var entries: [ZipEntry] = []
        var names = Set<String>()
        var totalUncompressed = 0
        cursor = ByteCursor(raw, file: file, offset: Int(directoryOffset))
        let directoryEnd = Int(directoryOffset + directorySize)
        for index in 0..<Int(entryCount) {
            guard try cursor.u32("central directory entry \(index)") == centralSignature else {
                throw fail(
                    .badMagic(
                        expected: "central directory entry (PK\\1\\2)",
                        found: "another record at offset \(cursor.offset - 4)"))
            }
            _ = try cursor.u16("version made by")
            _ = try cursor.u16("version needed")
            let flags = try cursor.u16("flags")
            let method = try cursor.u16("compression method")
            _ = try cursor.u32("modification time")
            let crc = try cursor.u32("CRC-32")
            var compressed = UInt64(try cursor.u32("compressed size"))
            var uncompressed = UInt64(try cursor.u32("uncompressed size"))
            let nameLength = Int(try cursor.u16("name length"))
            let extraLength = Int(try cursor.u16("extra length"))
            let commentLength = Int(try cursor.u16("comment length"))
            _ = try cursor.u16("disk number start")
            _ = try cursor.u16("internal attributes")
            _ = try cursor.u32("external attributes")
            var localOffset = UInt64(try cursor.u32("local header offset"))
            let nameBytes = try cursor.bytes(nameLength, for: "member name")
            let name = decodeName(nameBytes, utf8: flags & 0x0800 != 0)
            let extra = try cursor.bytes(extraLength, for: "extra field of '\(name)'")
            try cursor.skip(commentLength, for: "comment of '\(name)'")
            guard cursor.offset <= directoryEnd else {
                throw fail(.truncated(what: "central directory", offset: cursor.offset, needed: 0, available: 0), name)
            }
            // ZIP64 extra field: the 64-bit values of exactly those fields that are 0xFFFFFFFF.
            try readZip64Extra(
                extra, uncompressed: &uncompressed, compressed: &compressed, localOffset: &localOffset, file: file,
                name: name)

            guard names.insert(name).inserted else { throw fail(.duplicateKey(name)) }
            guard flags & 0x0001 == 0 else { throw fail(.unsupported("encrypted ZIP members"), name) }
            guard method == 0 || method == 8 else { throw fail(.unsupported("ZIP compression method \(method)"), name) }
            guard localOffset <= UInt64(directoryOffset), compressed <= directoryOffset - localOffset else {
                throw fail(
                    .offsetsOutOfRange(
                        begin: localOffset, end: localOffset &+ compressed, bufferSize: Int(directoryOffset)), name)
            }
            if method == 0 && compressed != uncompressed {
                throw fail(
                    .decompressedSizeMismatch(declared: Int(uncompressed), actual: "\(compressed) stored bytes"), name)
            }
            let plausible =
                method == 0 ? Int(compressed) : limits.plausibleDecompressedBytes(compressedSize: Int(compressed))
            guard uncompressed <= UInt64(plausible) else {
                throw fail(
                    .absurdSize(what: "declared uncompressed size", value: uncompressed, limit: UInt64(plausible)), name
                )
            }
            totalUncompressed += Int(uncompressed)
            guard totalUncompressed <= limits.maxDecompressedBytes else {
                throw fail(
                    .absurdSize(
                        what: "total uncompressed size", value: UInt64(totalUncompressed),
                        limit: UInt64(limits.maxDecompressedBytes)))
            }

            // The local header repeats name and extra (possibly of other lengths); data follows it.
            var local = ByteCursor(raw, file: file, offset: Int(localOffset), tensor: name)
            guard try local.u32("local header") == localSignature else {
                throw fail(
                    .badMagic(expected: "local header (PK\\3\\4)", found: "another record at offset \(localOffset)"),
                    name)
            }
            try local.skip(22, for: "local header")
            let localNameLength = Int(try local.u16("local name length"))
            let localExtraLength = Int(try local.u16("local extra length"))
            try local.skip(localNameLength + localExtraLength, for: "local name and extra field")
            let dataOffset = local.offset
            guard UInt64(dataOffset) + compressed <= directoryOffset else {
                throw fail(
                    .offsetsOutOfRange(
                        begin: UInt64(dataOffset), end: UInt64(dataOffset) + compressed,
                        bufferSize: Int(directoryOffset)), name)
            }
            entries.append(
                ZipEntry(
                    name: name, method: method, crc32: crc, compressedSize: Int(compressed),
                    uncompressedSize: Int(uncompressed), localHeaderOffset: Int(localOffset), dataOffset: dataOffset))
        }

        // 4. Members must not share bytes.
        let sorted = entries.sorted { $0.localHeaderOffset < $1.localHeaderOffset }
        for (a, b) in zip(sorted, sorted.dropFirst()) where a.dataOffset + a.compressedSize > b.localHeaderOffset {
            throw fail(
                .overlappingOffsets(
                    other: a.name, begin: b.localHeaderOffset, end: b.dataOffset + b.compressedSize,
                    otherBegin: a.localHeaderOffset, otherEnd: a.dataOffset + a.compressedSize), b.name)
        }
        return entries
    }

    private static func readZip64Extra(
        _ extra: UnsafeRawBufferPointer, uncompressed: inout UInt64, compressed: inout UInt64,
        localOffset: inout UInt64,
        file: String, name: String
    ) throws {
        var cursor = ByteCursor(extra, file: file, tensor: name)
        while cursor.remaining >= 4 {
            let id = try cursor.u16("extra field id")
            let size = Int(try cursor.u16("extra field size"))
            let body = try cursor.bytes(size, for: "extra field")
            guard id == 0x0001 else { continue }
            var field = ByteCursor(body, file: file, tensor: name)
            if uncompressed == 0xFFFF_FFFF { uncompressed = try field.u64("ZIP64 uncompressed size") }
            if compressed == 0xFFFF_FFFF { compressed = try field.u64("ZIP64 compressed size") }
            if localOffset == 0xFFFF_FFFF { localOffset = try field.u64("ZIP64 local header offset") }
        }
    }

    /// Names are UTF-8 when flag bit 11 says so, else code page 437 — which agrees with ASCII, and
    /// NumPy only writes ASCII keys with the UTF-8 flag unset; other bytes are mapped as Latin-1.
    private static func decodeName(_ bytes: UnsafeRawBufferPointer, utf8: Bool) -> String {
        if utf8 || bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
    }

    /// The member's uncompressed bytes, exactly its declared size, CRC-checked. Stored members share
    /// the archive's buffer.
    static func extract(_ entry: ZipEntry, from data: ByteSlice, file: String) throws -> ByteSlice {
        let contents: ByteSlice
        if entry.method == 0 {
            contents = data[entry.dataOffset..<(entry.dataOffset + entry.compressedSize)]
        } else {
            contents = try data.withUnsafeBytes { raw in
                try Zlib.inflateRaw(
                    UnsafeRawBufferPointer(rebasing: raw[entry.dataOffset..<(entry.dataOffset + entry.compressedSize)]),
                    declaredSize: entry.uncompressedSize, file: file, tensor: entry.name)
            }
        }
        let crc = Zlib.crc32(contents)
        guard crc == entry.crc32 else {
            throw FormatError(file: file, tensor: entry.name, reason: .crcMismatch(expected: entry.crc32, actual: crc))
        }
        return contents
    }
}
