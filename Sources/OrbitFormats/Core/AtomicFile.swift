#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Crash-safe file output: every Orbit writer goes through this.
///
/// Bytes go to a temporary file created (`mkstemp`) in the destination's directory, which is
/// `fsync`ed, given mode 0644 and `rename`d over the destination; the directory is then `fsync`ed
/// so the rename itself is durable. `rename` within one file system is atomic, so a reader sees
/// either the old file or the complete new one. On any failure the temporary file is removed and
/// the destination is untouched.
public enum AtomicFile {
    /// Writes `bytes` to `path` atomically.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        try write(to: path) { sink in try sink.write(bytes) }
    }

    /// Writes `text` (UTF-8) to `path` atomically.
    public static func write(_ text: String, to path: String) throws {
        try write(Array(text.utf8), to: path)
    }

    /// Streams output into `path` atomically: `body` writes through the ``Sink``; the file appears
    /// only if `body` returns normally. Sink writes are buffered (1 MiB).
    public static func write(to path: String, _ body: (inout Sink) throws -> Void) throws {
        let directory: String
        let name: String
        if let slash = path.lastIndex(of: "/") {
            directory = slash == path.startIndex ? "/" : String(path[..<slash])
            name = String(path[path.index(after: slash)...])
        } else {
            directory = "."
            name = path
        }
        guard !name.isEmpty else { throw FormatError(file: path, reason: .writeFailed("the path names a directory")) }
        var template = Array((directory == "/" ? "/" : directory + "/").utf8CString.dropLast())
        template += Array(".\(name).tmp-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw FormatError(
                file: path, reason: .writeFailed(errnoMessage("cannot create a temporary file in \(directory)")))
        }
        let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        var sink = Sink(fd: fd, path: path)
        do {
            try body(&sink)
            try sink.flush()
            guard fchmod(fd, 0o644) == 0 else { throw sink.failure("fchmod") }
            guard fsync(fd) == 0 else { throw sink.failure("fsync") }
            guard close(fd) == 0 else {
                sink.closed = true
                throw sink.failure("close")
            }
            sink.closed = true
            guard rename(temporary, path) == 0 else { throw sink.failure("rename") }
        } catch {
            if !sink.closed { close(fd) }
            unlink(temporary)
            throw error
        }
        // Make the rename durable; a failure here cannot un-write the file, so it is ignored.
        let directoryFD = open(directory, O_RDONLY | O_CLOEXEC)
        if directoryFD >= 0 {
            _ = fsync(directoryFD)
            close(directoryFD)
        }
    }

    /// The destination of a streaming ``AtomicFile/write(to:_:)``.
    public struct Sink {
        let fd: Int32
        let path: String
        var buffer: [UInt8] = []
        var closed = false
        /// Bytes written so far (including buffered ones).
        public private(set) var bytesWritten = 0

        static let bufferSize = 1 << 20

        init(fd: Int32, path: String) {
            self.fd = fd
            self.path = path
            buffer.reserveCapacity(Self.bufferSize)
        }

        func failure(_ what: String) -> FormatError {
            FormatError(file: path, reason: .writeFailed(errnoMessage(what)))
        }

        public mutating func write(_ bytes: [UInt8]) throws {
            try bytes.withUnsafeBytes { try write($0) }
        }

        public mutating func write(_ bytes: UnsafeRawBufferPointer) throws {
            bytesWritten += bytes.count
            if buffer.count + bytes.count <= Self.bufferSize {
                buffer.append(contentsOf: bytes)
                return
            }
            try flush()
            if bytes.count >= Self.bufferSize {
                try writeAll(bytes)
            } else {
                buffer.append(contentsOf: bytes)
            }
        }

        public mutating func write(_ bytes: ByteSlice) throws {
            try bytes.withUnsafeBytes { try write($0) }
        }

        mutating func flush() throws {
            if buffer.isEmpty { return }
            try buffer.withUnsafeBytes { try writeAll($0) }
            buffer.removeAll(keepingCapacity: true)
        }

        private func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
            var done = 0
            while done < bytes.count {
                let n = posixWrite(fd, bytes.baseAddress! + done, min(bytes.count - done, 1 << 30))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw failure("write")
                }
                done += n
            }
        }
    }
}
