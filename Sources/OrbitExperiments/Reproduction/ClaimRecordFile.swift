import OrbitFormats
import OrbitReports

/// claim.json: what one claim's run found, as written by `orbit reproduce` and read back by tools.
/// The outcome's fields are absent when the claim threw (`verdict` is then "failed" and `error`
/// says why); `verdict_reason` is present only for "differs". Records written before budgets and
/// source hashes lack `budget` … `command` (read as nil: such a record is never reused).
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
    /// The budget of the run ("quick", "full", "paper").
    public var budget: String?
    /// The budget whose setting ran: "full" for a claim without a paper setting run under `paper`.
    public var settingBudget: String?
    /// True for a miniature paper run (``ReproductionContext/miniature``, a test hook).
    public var miniature: Bool?
    /// The data set specification the run was given (`--data`).
    public var data: String?
    /// The hash of the sources the run was built from (``ClaimSources/hash``) and per module.
    public var sourceHash: String?
    public var sourceModules: [String: String]?
    /// When the run finished, ISO 8601 in UTC (e.g. 2026-12-06T03:10:00Z).
    public var finished: String?
    /// The command that ran it (e.g. `orbit reproduce all --budget full`).
    public var command: String?

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
        case numbers, error, budget
        case settingBudget = "setting_budget"
        case miniature, data
        case sourceHash = "source_hash"
        case sourceModules = "source_modules"
        case finished, command
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
