/// libFuzzer's driver, called from each target's entry point.
///
/// SwiftPM links an executable target with `main` aliased to `<module>_main` (so tests can link
/// executables), which leaves libFuzzer's own `main` unused: each target therefore defines
/// `<module>_main` (`@_cdecl`) and hands its one-input function to `LLVMFuzzerRunDriver`, the
/// entry libFuzzer provides for exactly this (LLVM ≥ 11). Build with
/// `-Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library`.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// One fuzz input: its bytes (`data` may be nil when `size` is 0).
public typealias FuzzInput = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

/// Runs libFuzzer with the process's arguments (corpus directories, `-max_total_time=…`, …).
public func runFuzzer(
    _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ body: FuzzInput
) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, body)
}

/// The input as an array (empty for a nil pointer).
public func fuzzBytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
    guard let data, size > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: size))
}
