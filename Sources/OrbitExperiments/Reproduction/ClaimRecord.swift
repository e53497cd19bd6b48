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
    /// The claim's record folder (`ID/BUDGET`), relative to the reproduction's output folder.
    public let folder: String
    /// The budget it ran under.
    public internal(set) var budget: ReproductionBudget = .full
    /// The claim.json written (or, for a reused record, read), with the budget, source hash, date
    /// and command.
    public internal(set) var saved: ClaimRecordFile?
    /// True when the runner reused a current record instead of running the claim.
    public internal(set) var reused = false

    init(
        id: String, paper: Paper, title: String, outcome: ClaimOutcome?, error: String?, seconds: Double,
        folder: String
    ) {
        self.id = id
        self.paper = paper
        self.title = title
        self.outcome = outcome
        self.error = error
        self.seconds = seconds
        self.folder = folder
    }

    /// A record read back from its claim.json (the sections of its page are in its index.html, not here).
    init(_ file: ClaimRecordFile, paper: Paper, folder: String, budget: ReproductionBudget) {
        let verdict: Verdict = file.verdict == "reproduced" ? .reproduced : .differs(file.verdictReason ?? "")
        let outcome =
            file.verdict == "failed"
            ? nil
            : ClaimOutcome(
                paperStatement: file.paperStatement ?? "", orbitResult: file.orbitResult ?? "",
                setting: file.setting ?? "", differences: file.differences ?? "", verdict: verdict,
                numbers: file.numbers ?? [:])
        self.init(
            id: file.id, paper: paper, title: file.title, outcome: outcome,
            error: file.error, seconds: file.seconds, folder: folder)
        self.budget = budget
        self.saved = file
        self.reused = true
    }

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
