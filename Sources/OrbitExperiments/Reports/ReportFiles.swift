import Foundation
import OrbitFormats
import OrbitTraining

/// Writes `object` as pretty, key-sorted JSON atomically.
public func writeJSON(_ object: Any, to path: String) throws {
    let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
    try AtomicFile.write([UInt8](data) + [10], to: path)
}

public func metricsObject(_ m: SplitMetrics) -> [String: Any] {
    ["loss": m.loss, "accuracy": m.accuracy.map { $0 as Any } ?? NSNull()]
}

/// Creates the directory that will hold `path`, if needed.
public func ensureParentDirectory(_ path: String) throws {
    let dir = URL(fileURLWithPath: path).deletingLastPathComponent()
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
}
