import FuzzSupport
import OrbitFormats
import OrbitNetworks

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The reader takes a path (it streams gzip through zlib), so each input is written to one
/// scratch file first — in `/dev/shm` when it exists, to keep the disk out of the loop.
private let scratchPath: String = {
    let directory = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"
    return "\(directory)/orbit-fuzz-idx-\(getpid())"
}()

/// libFuzzer entry point: reads the input as an IDX file (raw, or gzip when it starts with the
/// gzip magic). Thrown `FormatError`s are accepted outcomes; traps and sanitizer reports are
/// findings. A tensor that loads must have exactly the bytes its shape declares.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIDX(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let fd = open(scratchPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    precondition(fd >= 0, "cannot create \(scratchPath)")
    let bytes = fuzzBytes(data, size)
    var written = 0
    while written < bytes.count {
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, bytes.count - written) }
        precondition(n > 0, "cannot write \(scratchPath)")
        written += n
    }
    close(fd)
    if let tensor = try? IDXFile.read(scratchPath, name: "x") {
        precondition(tensor.bytes.count == tensor.elementCount * tensor.dtype.byteSize, "IDX byte count")
        _ = tensor.matrix(Float.self)
    }
    return 0
}

/// The entry point SwiftPM links as `main` (see FuzzSupport).
@_cdecl("fuzz_idx_main")
public func fuzzIDXMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzIDX)
}
