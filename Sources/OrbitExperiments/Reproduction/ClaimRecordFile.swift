import OrbitFormats
import OrbitReports

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
