import Foundation
import OrbitFormats

/// The content address of a run: SHA-256 of its kind, its full configuration and the keys of the
/// runs it reads (open_lth's idea), so identical runs share one folder across studies, a rerun of a
/// finished study does nothing, and a changed setting changes exactly the keys of the runs it
/// reaches through the inputs.
///
/// The hashed text is the canonical JSON `{"configuration":…,"inputs":[…],"kind":…}` written by
/// `JSONEncoder` with sorted keys (numbers in Swift's shortest round-trip form, so `0.05` and
/// `5e-2` in a study file hash alike). SHA-256 rather than the 64-bit FNV-1a the sweeps used:
/// a store shared by many studies and users may hold millions of runs, where 64 bits leave a
/// birthday collision within reach (≈2³² runs) and FNV's structure makes crafted collisions easy;
/// the folder name keeps 128 bits of the digest, which is collision-free in practice.
public struct RunKey: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    /// The run's kind, e.g. `train` or `compare` (the folder name's prefix).
    public var kind: String
    /// 32 lower-case hex digits: the first 128 bits of the SHA-256.
    public var digest: String

    public init(kind: String, digest: String) {
        self.kind = kind
        self.digest = digest
    }

    /// The key of a run of `kind` with `configuration`, reading the outputs of `inputs` (in order).
    public init(kind: String, configuration: some Encodable, inputs: [RunKey]) throws {
        self.kind = kind
        digest = String(
            SHA256.hex(try Self.canonicalText(kind: kind, configuration: configuration, inputs: inputs).utf8).prefix(32)
        )
    }

    /// The exact text that is hashed.
    public static func canonicalText(kind: String, configuration: some Encodable, inputs: [RunKey]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(
            HashedRun(kind: kind, configuration: configuration, inputs: inputs.map(\.folderName)))
        return String(decoding: data, as: UTF8.self)
    }

    /// The run folder's name: `KIND-DIGEST`.
    public var folderName: String { "\(kind)-\(digest)" }

    /// Parses a folder name back (nil if it is not `KIND-` and 32 hex digits).
    public init?(folderName: String) {
        guard let dash = folderName.lastIndex(of: "-") else { return nil }
        let digest = String(folderName[folderName.index(after: dash)...])
        guard digest.count == 32, digest.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else { return nil }
        self.init(kind: String(folderName[..<dash]), digest: digest)
    }

    /// The first 12 digits, for tables.
    public var short: String { "\(kind)-\(digest.prefix(12))" }

    public var description: String { folderName }

    public static func < (l: RunKey, r: RunKey) -> Bool { l.folderName < r.folderName }
}

/// What a run key hashes.
private struct HashedRun<Configuration: Encodable>: Encodable {
    var kind: String
    var configuration: Configuration
    var inputs: [String]
}
