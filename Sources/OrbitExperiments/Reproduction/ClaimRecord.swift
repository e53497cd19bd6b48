import Foundation
import OrbitFormats
import OrbitReports

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

    /// Every field as written to claim.json (and, for every claim, to the reproduction's summary.json).
    public func file(quick: Bool, seed: UInt64) -> ClaimRecordFile {
        var file = ClaimRecordFile(
            id: id, paper: paper.rawValue, title: title, verdict: verdictLabel, seconds: seconds, quick: quick,
            seed: seed, error: error)
        if let outcome {
            file.paperStatement = outcome.paperStatement
            file.orbitResult = outcome.orbitResult
            file.setting = outcome.setting
            file.differences = outcome.differences
            if case .differs(let why) = outcome.verdict { file.verdictReason = why }
            file.numbers = outcome.numbers
        }
        return file
    }
}
