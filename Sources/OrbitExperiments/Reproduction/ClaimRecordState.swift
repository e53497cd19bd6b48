import Foundation
import OrbitReports

/// What an output folder holds for one claim and budget, measured against a run about to start:
/// `orbit reproduce` reuses a current record and reruns any other, and `orbit reproduce status`
/// prints ``summary`` for each.
public enum ClaimRecordState: Equatable, Sendable {
    /// No claim.json (or one that cannot be read).
    case missing
    /// Written by the present sources for the same budget, seed, data and miniature flag, and the
    /// claim ran to the end: reused as it is.
    case current(ClaimRecordFile)
    /// Written by other sources (or before records stored their hash): rerun. The modules whose
    /// files changed, when the record names them.
    case stale(ClaimRecordFile, changedModules: [String])
    /// Of the present sources but not reusable (another seed or data set, or the claim failed): rerun.
    case unusable(ClaimRecordFile, reason: String)

    /// The state of `record` for a run of `budget` with `seed` and `data` by sources of hash
    /// `sourceHash`.
    public init(
        _ record: ClaimRecordFile?, budget: ReproductionBudget, seed: UInt64, data: String, miniature: Bool = false,
        sourceHash: String = ClaimSources.hash
    ) {
        guard let record else {
            self = .missing
            return
        }
        guard let hash = record.sourceHash, hash == sourceHash else {
            self = .stale(record, changedModules: record.sourceModules.map(ClaimSources.changedModules) ?? [])
            return
        }
        var reasons: [String] = []
        if record.budget != budget.rawValue { reasons.append("budget \(record.budget ?? "unknown")") }
        if record.seed != seed { reasons.append("seed \(record.seed)") }
        if record.data != data { reasons.append("data \(record.data ?? "unknown")") }
        if (record.miniature ?? false) != miniature { reasons.append("a miniature run") }
        if record.verdict == "failed" { reasons.append("the claim failed: \(record.error ?? "unknown error")") }
        self = reasons.isEmpty ? .current(record) : .unusable(record, reason: reasons.joined(separator: ", "))
    }

    /// Reads `DIRECTORY/claim.json` and measures it (``init(_:budget:seed:data:miniature:sourceHash:)``).
    public static func read(
        directory: String, budget: ReproductionBudget, seed: UInt64, data: String, miniature: Bool = false,
        sourceHash: String = ClaimSources.hash
    ) -> ClaimRecordState {
        let path = "\(directory)/claim.json"
        let record =
            FileManager.default.fileExists(atPath: path) ? try? JSONReport.read(ClaimRecordFile.self, from: path) : nil
        return ClaimRecordState(
            record, budget: budget, seed: seed, data: data, miniature: miniature, sourceHash: sourceHash)
    }

    /// The record, when there is one.
    public var record: ClaimRecordFile? {
        switch self {
        case .missing: return nil
        case .current(let r), .stale(let r, _), .unusable(let r, _): return r
        }
    }

    /// One line: `current (reproduced, 2026-12-06T03:10:00Z)`, `stale: sources changed since … (OrbitStar)`,
    /// `rerun: seed 3`, `no record`.
    public var summary: String {
        switch self {
        case .missing:
            return "no record"
        case .current(let r):
            return "current (\(r.verdict), \(r.finished ?? "date unknown"))"
        case .stale(let r, let modules):
            return "stale: sources changed since \(r.finished ?? "an unknown date")"
                + (modules.isEmpty ? "" : " (\(modules.joined(separator: ", ")))")
        case .unusable(let r, let reason):
            return "rerun: \(reason) (\(r.verdict), \(r.finished ?? "date unknown"))"
        }
    }
}
