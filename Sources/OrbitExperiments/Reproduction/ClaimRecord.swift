import Foundation
import OrbitFormats

/// What running one claim produced: its outcome (or the error that stopped it), how long it took
/// and where its files are.
public struct ClaimRecord {
    public let id: String
    public let paper: Paper
    public let title: String
    /// `nil` when the claim threw; `error` says why.
    public let outcome: ClaimOutcome?
    public let error: String?
    public let seconds: Double
    /// The claim's folder, relative to the reproduction's output folder.
    public let folder: String

    /// "reproduced", "differs" or "failed".
    public var verdictLabel: String { outcome?.verdict.label ?? "failed" }

    /// The verdict with its reason, for tables.
    public var verdictText: String {
        guard let outcome else { return "failed: \(error ?? "unknown error")" }
        switch outcome.verdict {
        case .reproduced: return "reproduced"
        case .differs(let why): return "differs — \(why)"
        }
    }

    /// Every field as JSON-serialisable values (claim.json).
    public func jsonObject(quick: Bool, seed: UInt64) -> [String: Any] {
        var object: [String: Any] = [
            "id": id, "paper": paper.rawValue, "title": title, "verdict": verdictLabel, "seconds": seconds,
            "quick": quick, "seed": seed, "orbit_version": orbitVersion,
        ]
        if let outcome {
            object["paper_statement"] = outcome.paperStatement
            object["orbit_result"] = outcome.orbitResult
            object["setting"] = outcome.setting
            object["differences"] = outcome.differences
            if case .differs(let why) = outcome.verdict { object["verdict_reason"] = why }
            object["numbers"] = outcome.numbers
        }
        if let error { object["error"] = error }
        return object
    }
}
