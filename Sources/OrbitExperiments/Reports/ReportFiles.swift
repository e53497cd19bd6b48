import Foundation
import OrbitFormats
import OrbitReports
import OrbitTraining

/// Creates the directory that will hold `path`, if needed.
public func ensureParentDirectory(_ path: String) throws {
    let dir = URL(fileURLWithPath: path).deletingLastPathComponent()
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
}
