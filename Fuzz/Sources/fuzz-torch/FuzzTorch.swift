import FuzzSupport
import OrbitFormats

/// libFuzzer entry point: parses the input as a whole `.pt`/`.pth` file — the `torch.save` zip
/// (ZipReader, root folder, byte order, storages, CRC) or the legacy layout (five pickles, then the
/// storages). Thrown `FormatError`s are accepted outcomes; traps and sanitizer reports are
/// findings. Whatever parses must round-trip through the `.pt` writer.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTorch(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = ByteSlice(fuzzBytes(data, size))
    guard let file = try? TorchCheckpointFile.parse(bytes, file: "<fuzz>") else { return 0 }
    for tensor in file.tensors { _ = tensor.doubles() }
    if let written = try? TorchCheckpointFile.serialized(tensors: file.tensors) {
        guard let again = try? TorchCheckpointFile.parse(ByteSlice(written), file: "<fuzz-again>") else {
            fatalError("a parsed .pt file does not parse after writing it again")
        }
        precondition(again.tensors == file.tensors, ".pt round trip differs")
    }
    return 0
}

/// The entry point SwiftPM links as `main` (see FuzzSupport).
@_cdecl("fuzz_torch_main")
public func fuzzTorchMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzTorch)
}
