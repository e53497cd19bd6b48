import Foundation
import Testing

@testable import OrbitFormats

/// A fresh temporary directory for one test, removed when the value is deinitialised.
final class TemporaryDirectory {
    let path: String

    init() {
        path = FileManager.default.temporaryDirectory.path + "/orbit-formats-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { path + "/" + name }

    func write(_ bytes: [UInt8], to name: String) -> String {
        let p = file(name)
        _ = FileManager.default.createFile(atPath: p, contents: Data(bytes))
        return p
    }

    var contents: [String] { (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] }
}

/// Little-endian byte building for hand-made test files.
struct Bytes {
    var bytes: [UInt8] = []
    mutating func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
    mutating func u32BE(_ v: UInt32) { withUnsafeBytes(of: v.bigEndian) { bytes += $0 } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
    mutating func text(_ s: String) { bytes += Array(s.utf8) }
    mutating func append(_ b: [UInt8]) { bytes += b }
}

func littleEndianBytes<T: BitwiseCopyable>(_ values: [T]) -> [UInt8] {
    values.withUnsafeBytes { Array($0) }
}

/// The FormatError `body` throws (recording an issue if it throws something else or nothing).
func formatError(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> FormatError? {
    do {
        try body()
        Issue.record("expected a FormatError, but nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as FormatError {
        // Every message names the file and is one line.
        #expect(!error.description.contains("\n"), sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected a FormatError, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

/// Whether `python3 -c 'import numpy'` works here (the numpy cross-checks are skipped otherwise).
let pythonNumpyAvailable: Bool = (try? runPython("import numpy")) != nil

/// Runs `python3 -c script`; returns stdout, throws on a non-zero exit.
@discardableResult
func runPython(_ script: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script]
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let output = out.fileHandleForReading.readDataToEndOfFile()
    let errors = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        struct PythonFailed: Error, CustomStringConvertible { var description: String }
        throw PythonFailed(description: String(decoding: errors, as: UTF8.self))
    }
    return String(decoding: output, as: UTF8.self)
}
