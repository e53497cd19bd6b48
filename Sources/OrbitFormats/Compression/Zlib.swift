import CZlib

/// zlib from Swift: CRC-32 and bounded raw-deflate decompression.
///
/// Decompression writes into a buffer of exactly the declared size and treats any further output
/// as an error, so a deflate bomb cannot allocate more than its (already capped) declared size.
enum Zlib {
    /// The CRC-32 (ISO 3309, as in ZIP and gzip) of `bytes`. O(n), ~GB/s.
    /// Pass the previous result as `running` to continue a CRC over several pieces.
    static func crc32(_ bytes: UnsafeRawBufferPointer, running: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress else { return running }
        return UInt32(CZlib.crc32_z(uLong(running), base.assumingMemoryBound(to: Bytef.self), bytes.count))
    }

    static func crc32(_ bytes: ByteSlice, running: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { crc32($0, running: running) }
    }

    /// Inflates a raw deflate stream (no zlib/gzip wrapper: windowBits −15, as in ZIP members) that
    /// must expand to exactly `declaredSize` bytes. Throws ``FormatError/Reason/decompressedSizeMismatch(declared:actual:)``
    /// if it produces more or less, and ``FormatError/Reason/decompressionFailed(_:)`` if the data is
    /// corrupt or ends early.
    static func inflateRaw(
        _ compressed: UnsafeRawBufferPointer, declaredSize: Int, file: String, tensor: String?
    ) throws -> ByteSlice {
        func fail(_ reason: FormatError.Reason) -> FormatError {
            FormatError(file: file, tensor: tensor, reason: reason)
        }
        var stream = z_stream()
        // inflateInit2 is a macro Swift does not import; call the function it expands to.
        guard inflateInit2_(&stream, -15, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw fail(.decompressionFailed("inflateInit2 failed"))
        }
        defer { inflateEnd(&stream) }
        var inputUsed = 0
        // avail_in/avail_out are 32-bit: feed input in chunks.
        func refill() {
            if stream.avail_in == 0 && inputUsed < compressed.count {
                let n = min(1 << 30, compressed.count - inputUsed)
                stream.next_in = UnsafeMutablePointer(
                    mutating: (compressed.baseAddress! + inputUsed).assumingMemoryBound(to: Bytef.self))
                stream.avail_in = uInt(n)
                inputUsed += n
            }
        }
        /// One inflate call into `room` bytes at `destination`; returns (status, bytes produced).
        func step(_ destination: UnsafeMutableRawPointer, _ room: Int) -> (Int32, Int) {
            refill()
            stream.next_out = destination.assumingMemoryBound(to: Bytef.self)
            stream.avail_out = uInt(room)
            let status = inflate(&stream, Z_NO_FLUSH)
            return (status, room - Int(stream.avail_out))
        }
        func zlibFailure(_ status: Int32, produced: Int) -> FormatError {
            if status == Z_BUF_ERROR {
                return fail(
                    .decompressionFailed("the compressed data ends early (after \(produced) of \(declaredSize) bytes)"))
            }
            return fail(.decompressionFailed(stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"))
        }

        var ended = false
        let output = try ByteSlice(count: declaredSize) { out in
            var produced = 0
            while produced < declaredSize {
                let (status, n) = step(out.baseAddress! + produced, min(1 << 30, declaredSize - produced))
                produced += n
                if status == Z_STREAM_END {
                    ended = true
                    break
                }
                if status != Z_OK { throw zlibFailure(status, produced: produced) }
            }
            if ended && produced < declaredSize {
                throw fail(.decompressedSizeMismatch(declared: declaredSize, actual: String(produced)))
            }
        }
        if !ended {
            // The buffer is full: the stream must end here without producing another byte.
            var probe: UInt8 = 0
            let (status, n) = withUnsafeMutableBytes(of: &probe) { step($0.baseAddress!, 1) }
            if n > 0 {
                throw fail(.decompressedSizeMismatch(declared: declaredSize, actual: "more than \(declaredSize)"))
            }
            if status != Z_STREAM_END { throw zlibFailure(status, produced: declaredSize) }
        }
        return output
    }
}
