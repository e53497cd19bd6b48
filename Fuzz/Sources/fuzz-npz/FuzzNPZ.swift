import FuzzSupport
import OrbitFormats
import OrbitNetworks

/// libFuzzer entry point: parses the input both as an `.npz` archive and as a single `.npy` array
/// (each rejects the other's magic at once, so one corpus exercises both). Thrown `FormatError`s
/// are accepted outcomes; traps and sanitizer reports are findings. Whatever parses must
/// round-trip through Orbit's writers.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNPZ(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = ByteSlice(fuzzBytes(data, size))
    if let archive = try? NPZFile.parse(bytes, file: "<fuzz>") {
        for array in archive.arrays { _ = array.doubles() }
        if let written = try? archive.serialized() {
            guard let again = try? NPZFile.parse(ByteSlice(written), file: "<fuzz-again>") else {
                fatalError("a parsed NPZ archive does not parse after serialization")
            }
            precondition(again.arrays == archive.arrays, "NPZ round trip differs")
        }
    }
    if let array = try? NPYFile.parse(bytes, name: "a", file: "<fuzz>") {
        _ = array.doubles()
        _ = array.matrix(Double.self)
        if let written = try? NPYFile.serialized(array) {
            guard let again = try? NPYFile.parse(ByteSlice(written), name: "a", file: "<fuzz-again>") else {
                fatalError("a parsed NPY array does not parse after serialization")
            }
            precondition(again == array, "NPY round trip differs")
        }
    }
    return 0
}

/// The entry point SwiftPM links as `main` (see FuzzSupport).
@_cdecl("fuzz_npz_main")
public func fuzzNPZMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzNPZ)
}
