import FuzzSupport
import OrbitFormats
import OrbitNetworks

/// libFuzzer entry point: parses the input as a safetensors file. Any thrown `FormatError` is an
/// accepted outcome; a trap, sanitizer report or leak is a finding. A file that parses must
/// round-trip: serializing it and parsing again gives the same tensors.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafetensors(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = ByteSlice(fuzzBytes(data, size))
    guard let file = try? SafetensorsFile.parse(bytes, file: "<fuzz>") else { return 0 }
    for tensor in file.tensors {
        _ = tensor.doubles()
        _ = tensor.matrix(Float.self)
    }
    guard let again = try? SafetensorsFile.parse(ByteSlice(try! file.serialized()), file: "<fuzz-again>") else {
        fatalError("a parsed safetensors file does not parse after serialization")
    }
    precondition(again.tensors == file.tensors && again.metadata == file.metadata, "safetensors round trip differs")
    return 0
}

/// The entry point SwiftPM links as `main` (see FuzzSupport).
@_cdecl("fuzz_safetensors_main")
public func fuzzSafetensorsMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzSafetensors)
}
