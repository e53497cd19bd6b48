import FuzzSupport
import OrbitFormats

/// Sixteen 256-byte storages `"0"`…`"15"` for the tensors a fuzzed pickle names.
let fuzzStorages: [String: ByteSlice] = Dictionary(
    uniqueKeysWithValues: (0..<16).map { key in
        (String(key), ByteSlice((0..<256).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ key) }))
    })

/// libFuzzer entry point: runs the input as the pickle of a `.pt` file (`data.pkl`) through Orbit's
/// restricted unpickler, with fixed storages standing for `data/N`. A thrown `FormatError` (refused
/// global or opcode, malformed pickle, view beyond its storage, no state dict) is an accepted
/// outcome; traps and sanitizer reports are findings. Whatever parses must round-trip through
/// the `.pt` writer.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPickle(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = ByteSlice(fuzzBytes(data, size))
    guard let file = try? TorchCheckpointFile.parse(pickle: bytes, storages: fuzzStorages, file: "<fuzz>") else {
        return 0
    }
    for tensor in file.tensors { _ = tensor.doubles() }
    if let written = try? TorchCheckpointFile.serialized(tensors: file.tensors) {
        guard let again = try? TorchCheckpointFile.parse(ByteSlice(written), file: "<fuzz-again>") else {
            fatalError("a parsed pickle's tensors do not parse after writing them as .pt")
        }
        precondition(again.tensors == file.tensors, ".pt round trip differs")
    }
    return 0
}

/// The entry point SwiftPM links as `main` (see FuzzSupport).
@_cdecl("fuzz_pickle_main")
public func fuzzPickleMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzPickle)
}
