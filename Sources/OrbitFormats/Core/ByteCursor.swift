/// A bounds-checked reader over a byte buffer: every read names what it reads, and running off the
/// end throws ``FormatError/Reason/truncated(what:offset:needed:available:)`` instead of trapping.
///
/// Integers are read little-endian (`u16`, `u32`, `u64`) or big-endian (`u32BE`) without alignment
/// assumptions. The cursor borrows the buffer: use it inside `withUnsafeBytes`.
struct ByteCursor {
    let bytes: UnsafeRawBufferPointer
    let file: String
    var tensor: String?
    private(set) var offset: Int

    init(_ bytes: UnsafeRawBufferPointer, file: String, offset: Int = 0, tensor: String? = nil) {
        self.bytes = bytes
        self.file = file
        self.offset = offset
        self.tensor = tensor
    }

    var remaining: Int { bytes.count - offset }

    func error(_ reason: FormatError.Reason) -> FormatError {
        FormatError(file: file, tensor: tensor, reason: reason)
    }

    /// Throws unless `count` bytes are available from the current offset.
    func require(_ count: Int, for what: String) throws {
        if count < 0 || count > remaining {
            throw error(.truncated(what: what, offset: offset, needed: count, available: max(0, remaining)))
        }
    }

    mutating func seek(to position: Int, for what: String) throws {
        guard position >= 0 && position <= bytes.count else {
            throw error(.truncated(what: what, offset: position, needed: 0, available: 0))
        }
        offset = position
    }

    mutating func skip(_ count: Int, for what: String) throws {
        try require(count, for: what)
        offset += count
    }

    /// The next `count` bytes as a buffer (borrowed) and advances.
    mutating func bytes(_ count: Int, for what: String) throws -> UnsafeRawBufferPointer {
        try require(count, for: what)
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)])
    }

    mutating func u8(_ what: String) throws -> UInt8 {
        try require(1, for: what)
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func u16(_ what: String) throws -> UInt16 {
        try require(2, for: what)
        defer { offset += 2 }
        return UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    mutating func u32(_ what: String) throws -> UInt32 {
        try require(4, for: what)
        defer { offset += 4 }
        return UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    mutating func u32BE(_ what: String) throws -> UInt32 {
        try require(4, for: what)
        defer { offset += 4 }
        return UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    mutating func u64(_ what: String) throws -> UInt64 {
        try require(8, for: what)
        defer { offset += 8 }
        return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }
}

/// Little-endian byte output for writers.
struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func u16(_ value: UInt16) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
    mutating func u32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
    mutating func u64(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
    mutating func append(_ other: [UInt8]) { bytes += other }
    mutating func append(_ text: String) { bytes += Array(text.utf8) }
}

/// A short printable rendering of leading bytes for "bad magic" messages, e.g. `93 4e 55 4d`.
func hexPrefix(_ bytes: UnsafeRawBufferPointer, count: Int = 8) -> String {
    if bytes.isEmpty { return "an empty file" }
    return bytes.prefix(count).map { byte in
        let digits = String(byte, radix: 16)
        return digits.count == 1 ? "0" + digits : digits
    }.joined(separator: " ")
}
