import Foundation
import OrbitFormats
import OrbitReports
import OrbitTraining

/// Runs claims one after another, each into its own folder, and writes the reproduction's index.
///
/// Layout of `directory`: `index.html` (every claim: the paper's statement, Orbit's result,
/// verdict, link to its page), `summary.json`, `summary.csv`, and per claim `ID/index.html`,
/// `ID/claim.json` plus the figures the claim wrote. A claim that throws is recorded as failed
/// (its error in the tables) and the others still run. Claim JSON files are written atomically, so
/// an interrupted run never leaves a half-written result.
public struct ReproductionRunner {
    public var directory: String
    public var quick: Bool
    public var seed: UInt64
    public var data: String
    public var progressStyle: ProgressStyle

    public init(
        directory: String, quick: Bool = false, seed: UInt64 = 0, data: String = "fashion-mnist",
        progressStyle: ProgressStyle = .automatic
    ) {
        self.directory = directory
        self.quick = quick
        self.seed = seed
        self.data = data
        self.progressStyle = progressStyle
    }

    /// Runs `claims` in order; `announce` receives one line before and after each claim.
    public func run(_ claims: [any Claim], announce: (String) -> Void = { _ in }) throws -> [ClaimRecord] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var records: [ClaimRecord] = []
        for (index, claim) in claims.enumerated() {
            announce("[\(index + 1)/\(claims.count)] \(claim.id): \(claim.title)")
            let folder = claim.id
            let path = "\(directory)/\(folder)"
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            let context = ReproductionContext(
                directory: path, quick: quick, seed: seed,
                progress: ProgressReporter(style: progressStyle, label: claim.id), data: data)
            let start = Date()
            var outcome: ClaimOutcome?
            var failure: String?
            do { outcome = try claim.run(in: context) } catch { failure = "\(error)" }
            let record = ClaimRecord(
                id: claim.id, paper: claim.paper, title: claim.title, outcome: outcome, error: failure,
                seconds: Date().timeIntervalSince(start), folder: folder)
            try JSONReport.write(record.file(quick: quick, seed: seed), to: "\(path)/claim.json")
            try claimPage(record).write(to: "\(path)/index.html")
            announce(
                "    \(record.verdictText) (\(String(format: "%.1f", record.seconds)) s)"
                    + (outcome.map { "\n    paper: \($0.paperStatement)\n    Orbit: \($0.orbitResult)" } ?? ""))
            records.append(record)
        }
        try writeIndex(records)
        return records
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
                ("setting", quick ? "quick (reduced sizes, for tests)" : "full"),
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
                ("setting", quick ? "quick (reduced sizes, for tests)" : "full"),
                (
                    "verdicts",
                    ["reproduced", "differs", "failed"].map { "\(counts[$0] ?? 0) \($0)" }.joined(separator: ", ")
                ),
            ],
            sections: [table])
        try page.write(to: "\(directory)/index.html")
        try JSONReport.write(
            ReproductionSummary(claims: records.map { $0.file(quick: quick, seed: seed) }),
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
}
