import Foundation
import OrbitFormats

/// A hash of the sources this Orbit was built from, recorded in every run folder beside Orbit's
/// version: SHA-256 over `Package.swift` and every file under `Sources/` (sorted paths, each path
/// and its bytes), read from the package the binary was compiled in (located through `#filePath`).
///
/// On a cluster the binary normally runs next to its checkout on the shared filesystem, so the
/// sources are there; where they are not (a copied binary), the fingerprint says so instead of
/// guessing. It reflects the sources at run time, so a checkout edited after the build shows its
/// edits. Computed once per process; O(size of the sources), ≈2 MB.
public enum SourceFingerprint {
    /// The fingerprint, e.g. `sha256:3f0c…` (64 digits), or `unavailable: …`.
    public static let current: String = compute(packageRoot: defaultPackageRoot)

    /// The package root this file was compiled in (…/Sources/OrbitStudies/SourceFingerprint.swift → …).
    static var defaultPackageRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    /// The fingerprint of the package at `root`.
    public static func compute(packageRoot root: String) -> String {
        let fm = FileManager.default
        guard fm.fileExists(atPath: "\(root)/Package.swift"),
            let enumerator = fm.enumerator(atPath: "\(root)/Sources")
        else { return "unavailable: no Orbit sources at \(root)" }
        var files = ["Package.swift"]
        while let relative = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if fm.fileExists(atPath: "\(root)/Sources/\(relative)", isDirectory: &isDirectory), !isDirectory.boolValue {
                files.append("Sources/\(relative)")
            }
        }
        var hasher = SHA256()
        for file in files.sorted() {
            guard let data = fm.contents(atPath: "\(root)/\(file)") else { continue }
            hasher.update(Array(file.utf8) + [0])
            hasher.update(Array("\(data.count)".utf8) + [0])
            hasher.update(data)
        }
        return "sha256:" + hasher.finalize().map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
