import OrbitNumerics

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Whole-file reads with POSIX `open`/`fstat`/`read` into one preallocated aligned buffer.
///
/// Measured on the 47 MB Fashion-MNIST images (docs/numerics-measurements.md §3): 30 ms, against 40 ms for
/// `Data(contentsOf:)`, which also copies again on the way to `[UInt8]`. Only regular files are
/// read, so `/dev/zero` or a FIFO cannot stream forever.
public enum FileReader {
    /// The contents of `path`; throws if it is larger than `limit` bytes.
    public static func read(_ path: String, limit: Int = FormatLimits.standard.maxFileBytes) throws -> ByteSlice {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FormatError(file: path, reason: .io(errnoMessage("cannot open"))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw FormatError(file: path, reason: .io(errnoMessage("cannot stat"))) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw FormatError(file: path, reason: .notARegularFile) }
        let size = Int(info.st_size)
        guard size <= limit else {
            throw FormatError(
                file: path, reason: .absurdSize(what: "file size", value: UInt64(size), limit: UInt64(limit)))
        }
        return try ByteSlice(count: size) { buffer in
            var done = 0
            while done < size {
                let n = posixRead(fd, buffer.baseAddress! + done, min(size - done, 1 << 30))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw FormatError(file: path, reason: .io(errnoMessage("read failed")))
                }
                if n == 0 {
                    // The file shrank while we read it.
                    throw FormatError(
                        file: path,
                        reason: .truncated(what: "file contents", offset: done, needed: size - done, available: 0))
                }
                done += n
            }
        }
    }

    /// The size of the regular file at `path`.
    static func size(of path: String) throws -> Int {
        var info = stat()
        guard stat(path, &info) == 0 else { throw FormatError(file: path, reason: .io(errnoMessage("cannot stat"))) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw FormatError(file: path, reason: .notARegularFile) }
        return Int(info.st_size)
    }
}

/// `"<prefix>: <strerror(errno)>"`.
func errnoMessage(_ prefix: String) -> String {
    let code = errno
    return "\(prefix): \(String(cString: strerror(code)))"
}

/// `read(2)`, named apart from the methods called `read` in this module.
func posixRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(fd, buffer, count)
}

/// `write(2)`, named apart from the methods called `write` in this module.
func posixWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}
