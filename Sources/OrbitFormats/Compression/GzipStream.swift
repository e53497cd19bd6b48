import CZlib

/// A file read through zlib's `gzread`, which decompresses gzip files (several concatenated members
/// included) and passes other files through unchanged.
///
/// `gzopen` + a 1 MiB `gzbuffer` + large `gzread`s is the fastest route measured here: 182 ms for
/// the 26 MB Fashion-MNIST training images (docs/numerics-measurements.md §3). The caller decides how much to
/// read, so the output is bounded by what the caller allocates; the gzip CRC-32 and length trailer
/// are verified by zlib when a read reaches the end of the stream.
final class GzipStream {
    let path: String
    private let handle: gzFile

    init(path: String) throws {
        // gzopen would happily open a directory or FIFO; only regular files are read.
        _ = try FileReader.size(of: path)
        guard let handle = gzopen(path, "rb") else {
            throw FormatError(file: path, reason: .io(errnoMessage("cannot open")))
        }
        self.path = path
        self.handle = handle
        gzbuffer(handle, 1 << 20)
    }

    deinit { gzclose(handle) }

    /// Whether the file is being passed through uncompressed (valid after the first read).
    var isUncompressed: Bool { gzdirect(handle) != 0 }

    /// Fills `buffer` as far as the data allows; returns the number of bytes read (less than
    /// `buffer.count` only at the end of the data).
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var done = 0
        while done < buffer.count {
            let n = gzread(handle, buffer.baseAddress! + done, UInt32(min(buffer.count - done, 1 << 30)))
            if n < 0 {
                var code: Int32 = 0
                let message = gzerror(handle, &code).map { String(cString: $0) } ?? "zlib error"
                throw FormatError(file: path, reason: .decompressionFailed(message))
            }
            if n == 0 { break }
            done += Int(n)
        }
        return done
    }

    /// Whether the data has ended; reading the probe byte also makes zlib check the gzip trailer.
    func atEnd() throws -> Bool {
        var probe: UInt8 = 0
        return try withUnsafeMutableBytes(of: &probe) { try read(into: $0) } == 0
    }
}
