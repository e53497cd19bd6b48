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

/// claim.json: what one claim's run found, as written by `orbit reproduce` and read back by tools.
/// The outcome's fields are absent when the claim threw (`verdict` is then "failed" and `error`
/// says why); `verdict_reason` is present only for "differs".
public struct ClaimRecordFile: Codable, Equatable, Sendable {
    public var id: String
    public var paper: String
    public var title: String
    /// "reproduced", "differs" or "failed".
    public var verdict: String
    public var seconds: Double
    public var quick: Bool
    public var seed: UInt64
    public var orbitVersion: String = OrbitFormats.orbitVersion
    public var paperStatement: String?
    public var orbitResult: String?
    public var setting: String?
    public var differences: String?
    public var verdictReason: String?
    public var numbers: ResultValue?
    public var error: String?

    public init(
        id: String, paper: String, title: String, verdict: String, seconds: Double, quick: Bool, seed: UInt64,
        error: String? = nil
    ) {
        self.id = id
        self.paper = paper
        self.title = title
        self.verdict = verdict
        self.seconds = seconds
        self.quick = quick
        self.seed = seed
        self.error = error
    }

    enum CodingKeys: String, CodingKey {
        case id, paper, title, verdict, seconds, quick, seed
        case orbitVersion = "orbit_version"
        case paperStatement = "paper_statement"
        case orbitResult = "orbit_result"
        case setting, differences
        case verdictReason = "verdict_reason"
        case numbers, error
    }
}

/// The reproduction's summary.json: every claim's record, in run order.
public struct ReproductionSummary: Codable, Equatable, Sendable {
    public var orbitVersion: String = OrbitFormats.orbitVersion
    public var claims: [ClaimRecordFile]

    public init(claims: [ClaimRecordFile]) { self.claims = claims }

    enum CodingKeys: String, CodingKey {
        case orbitVersion = "orbit_version"
        case claims
    }
}
