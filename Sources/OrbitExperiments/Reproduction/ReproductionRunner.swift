import Foundation
import OrbitFormats
import OrbitReports
import OrbitTraining

/// Runs claims one after another, each into its own folder, and writes the reproduction's index.
///
/// Layout of `directory`: `index.html` (every claim of the run: the paper's statement, Orbit's
/// result, verdict, link to its page), `summary.json`, `summary.csv`, and a record folder per claim
/// and budget, `ID/BUDGET/` (e.g. `star-table1-fnn/paper/`), with `index.html`, `claim.json`, the
/// figures the claim wrote and, for the paper budget, `state/` (the state files of its trainings,
/// ``ClaimStateStore``). Records of several budgets live side by side, so a paper run can join a
/// full run's folder (``ReproductionMarkdown`` shows both).
///
/// Each claim.json stores the budget, the hash of the sources (``ClaimSources``), the seed, the data
/// set and the date. With `reuse`, a claim whose record in the folder is current for this run
/// (``ClaimRecordState``) is not run again; a stale record (other sources) is rerun, and the
/// announcement says "stale: sources changed since DATE". A paper run's state files from other
/// sources are discarded first; state files of the present sources are resumed. A claim that
/// throws is recorded as failed (its error in the tables) and the others still run. Claim JSON
/// files are written atomically, so an interrupted run never leaves a half-written result.
public struct ReproductionRunner {
    public var directory: String
    public var budget: ReproductionBudget
    /// `budget == .quick`.
    public var quick: Bool { budget == .quick }
    public var seed: UInt64
    public var data: String
    public var progressStyle: ProgressStyle
    /// Reuse current records instead of running their claims again.
    public var reuse: Bool
    /// The command line, stored in every record (e.g. `orbit reproduce all --budget full`).
    public var command: String
    /// The paper budget's miniature (``ReproductionContext/miniature``, a test hook).
    public var miniature: Bool

    public init(
        directory: String, quick: Bool = false, budget: ReproductionBudget? = nil, seed: UInt64 = 0,
        data: String = "fashion-mnist", progressStyle: ProgressStyle = .automatic, reuse: Bool = true,
        command: String = "", miniature: Bool = false
    ) {
        self.directory = directory
        self.budget = budget ?? (quick ? .quick : .full)
        self.seed = seed
        self.data = data
        self.progressStyle = progressStyle
        self.reuse = reuse
        self.command = command
        self.miniature = miniature
    }

    /// The record folder of `claim` for this run's budget, relative to `directory`.
    public func folder(of claimID: String) -> String { "\(claimID)/\(budget.rawValue)" }

    /// Runs `claims` in order; `announce` receives one line before and after each claim.
    public func run(_ claims: [any Claim], announce: (String) -> Void = { _ in }) throws -> [ClaimRecord] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var records: [ClaimRecord] = []
        for (index, claim) in claims.enumerated() {
            announce("[\(index + 1)/\(claims.count)] \(claim.id) (\(budget)): \(claim.title)")
            let folder = folder(of: claim.id)
            let path = "\(directory)/\(folder)"
            let state = ClaimRecordState.read(
                directory: path, budget: budget, seed: seed, data: data, miniature: miniature)
            switch state {
            case .current(let file) where reuse:
                announce("    reused: current record of \(file.finished ?? "an unknown date") — \(file.verdict)")
                records.append(ClaimRecord(file, paper: claim.paper, folder: folder, budget: budget))
                continue
            case .stale, .unusable: announce("    \(state.summary); running it again")
            default: break
            }
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            let states = try budget == .paper ? prepareStates(in: path, announce: announce) : nil
            let context = ReproductionContext(
                directory: path, budget: budget, seed: seed,
                progress: ProgressReporter(style: progressStyle, label: claim.id), data: data, states: states,
                miniature: miniature)
            let start = Date()
            var outcome: ClaimOutcome?
            var failure: String?
            do { outcome = try claim.run(in: context) } catch { failure = "\(error)" }
            let settingBudget: ReproductionBudget = budget == .paper && !claim.hasPaperSetting ? .full : budget
            if settingBudget != budget {
                outcome?.differences += "; no paper setting: its full setting ran under --budget paper"
            }
            var record = ClaimRecord(
                id: claim.id, paper: claim.paper, title: claim.title, outcome: outcome, error: failure,
                seconds: Date().timeIntervalSince(start), folder: folder)
            record.budget = budget
            var file = record.file(quick: quick, seed: seed)
            file.budget = budget.rawValue
            file.settingBudget = settingBudget.rawValue
            file.miniature = miniature ? true : nil
            file.data = data
            file.sourceHash = ClaimSources.hash
            file.sourceModules = ClaimSources.modules
            file.finished = Self.timestamp(Date())
            file.command = command.isEmpty ? nil : command
            record.saved = file
            try JSONReport.write(file, to: "\(path)/claim.json")
            try claimPage(record).write(to: "\(path)/index.html")
            announce(
                "    \(record.verdictText) (\(String(format: "%.1f", record.seconds)) s)"
                    + (outcome.map { "\n    paper: \($0.paperStatement)\n    Orbit: \($0.orbitResult)" } ?? ""))
            records.append(record)
        }
        try writeIndex(records)
        return records
    }

    /// The paper budget's state folder `PATH/state` for a claim's trainings: emptied when its files
    /// were written by other sources (they would resume another program's run), marked with the
    /// present sources' hash (`state/sources`).
    func prepareStates(in path: String, announce: (String) -> Void) throws -> ClaimStateStore {
        let directory = "\(path)/state"
        let mark = "\(directory)/sources"
        let fm = FileManager.default
        if fm.fileExists(atPath: directory) {
            let written = (try? String(contentsOfFile: mark, encoding: .utf8)) ?? ""
            if written != ClaimSources.hash {
                announce("    discarding the state files of other sources (\(written.isEmpty ? "unmarked" : written))")
                try fm.removeItem(atPath: directory)
            } else {
                let files =
                    (try? fm.contentsOfDirectory(atPath: directory))?.filter { $0.hasSuffix(".safetensors") } ?? []
                if !files.isEmpty { announce("    resuming from \(files.count) state file(s) in \(directory)") }
            }
        }
        try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try AtomicFile.write(ClaimSources.hash, to: mark)
        return ClaimStateStore(directory: directory, checkpointEvery: miniature ? 1 : 100)
    }

    /// ISO 8601 in UTC, to the second.
    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    /// One claim's page: the comparison table, then the claim's own sections.
    func claimPage(_ record: ClaimRecord) -> HTMLReport {
        var summary = HTMLReport.Section("The claim and Orbit's result")
        if let o = record.outcome {
            summary.table(
                .init(
                    columns: ["", ""],
                    rows: [
                        ["paper", "\(record.paper.rawValue): \(o.paperStatement)"], ["Orbit", o.orbitResult],
                        ["setting", o.setting], ["differences from the paper", o.differences],
                        ["verdict", record.verdictText],
                    ]))
        } else {
            summary.paragraph("The claim did not run to the end: \(record.error ?? "unknown error").")
        }
        return HTMLReport(
            title: "\(record.paper.rawValue) — \(record.title)",
            facts: [
                ("Orbit version", orbitVersion), ("claim", record.id), ("seed", "\(seed)"),
                ("budget", Self.budgetDescription(record.budget, miniature: miniature)),
                ("sources", ClaimSources.hash),
                ("time", String(format: "%.1f s", record.seconds)),
            ],
            sections: [summary] + (record.outcome?.sections ?? []))
    }

    func writeIndex(_ records: [ClaimRecord]) throws {
        var table = HTMLReport.Section("Claims")
        table.table(
            .init(
                columns: ["claim", "paper", "paper's statement", "Orbit", "verdict"],
                rows: records.map {
                    [
                        $0.id, $0.paper.rawValue, $0.outcome?.paperStatement ?? $0.title,
                        $0.outcome?.orbitResult ?? "–", $0.verdictText,
                    ]
                }))
        table.links(records.map { (text: "\($0.id): \($0.title)", href: "\($0.folder)/index.html") })
        let counts = Dictionary(grouping: records, by: \.verdictLabel).mapValues(\.count)
        let page = HTMLReport(
            title: "Orbit reproductions",
            facts: [
                ("Orbit version", orbitVersion), ("seed", "\(seed)"),
                ("budget", Self.budgetDescription(budget, miniature: miniature)),
                (
                    "verdicts",
                    ["reproduced", "differs", "failed"].map { "\(counts[$0] ?? 0) \($0)" }.joined(separator: ", ")
                ),
            ],
            sections: [table])
        try page.write(to: "\(directory)/index.html")
        try JSONReport.write(
            ReproductionSummary(claims: records.map { $0.saved ?? $0.file(quick: quick, seed: seed) }),
            to: "\(directory)/summary.json")
        var csv = CSVDocument(columns: ["claim", "paper", "verdict", "seconds", "paper_statement", "orbit_result"])
        for r in records {
            csv.append([
                .text(r.id), .text(r.paper.rawValue), .text(r.verdictLabel), .number(r.seconds),
                .text(r.outcome?.paperStatement ?? ""), .text(r.outcome?.orbitResult ?? r.error ?? ""),
            ])
        }
        try csv.write(to: "\(directory)/summary.csv")
    }

    /// "quick (reduced sizes, for tests)", "full", "paper (the paper's epochs, batch sizes and counts)".
    static func budgetDescription(_ budget: ReproductionBudget, miniature: Bool) -> String {
        switch budget {
        case .quick: return "quick (reduced sizes, for tests)"
        case .full: return "full"
        case .paper:
            return miniature
                ? "paper, miniature (a test hook: the paper's procedure at quick sizes)"
                : "paper (the paper's epochs, batch sizes and counts where it states them)"
        }
    }
}
