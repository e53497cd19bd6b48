import ArgumentParser
import Foundation
import OrbitKit

struct ReproduceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reproduce",
        abstract: "Reproduce the papers' claims: the paper's number beside Orbit's, the setting, a verdict.",
        discussion: """
            orbit reproduce list             the claims, their ids and rough running times
            orbit reproduce status           each claim's records in OUT (current, stale)
            orbit reproduce CLAIM [CLAIM …]  run some claims (ids from the list)
            orbit reproduce all              run every claim
            Budgets: quick (seconds, for tests; --quick), full (the default, minutes),
            paper (the paper's epochs, batch sizes and counts; up to an hour or more
            per claim; rerunning a killed paper run continues where it stopped).
            Each claim writes OUT/ID/BUDGET/: index.html, claim.json, its figures.
            A current record in OUT (same sources, budget, seed, data) is reused; a
            stale one (other sources) is rerun; --rerun runs the named claims again.
            --markdown FILE writes REPRODUCTION.md from every record in OUT: each
            claim's full (or quick) row, then its paper row when there is one; with
            status it writes it from the records as they are, running nothing.
            Examples: orbit reproduce all --budget full --markdown REPRODUCTION.md
              orbit reproduce star-table1-fnn --budget paper --markdown R.md
            """)

    @Argument(help: "list, status, all, or claim ids.") var what: [String]
    @Option(help: "Output folder.") var out = "orbit-reproduction"
    @Option(help: "Compute budget: quick, full (default) or paper.") var budget: ReproductionBudget?
    @Flag(help: "Reduced sizes (seconds per claim), as the tests run them: --budget quick.") var quick = false
    @Flag(help: "Run the named claims again even when their records are current.") var rerun = false
    @Option(help: "Seed every random choice derives from.") var seed: UInt64 = 0
    @Option(help: "Data set for the claims that train on real data.") var data = "fashion-mnist"
    @Option(help: "Also write this Markdown file (REPRODUCTION.md) from the records in the output folder.")
    var markdown: String?
    @Flag(help: "No progress output.") var quiet = false
    @OptionGroup var global: GlobalOptions

    /// The test hook of ``ReproductionContext/miniature``: the paper budget's procedure at quick sizes.
    static let miniatureVariable = "ORBIT_PAPER_MINIATURE"

    /// `--budget`, or quick for `--quick`, else full.
    var chosenBudget: ReproductionBudget { budget ?? (quick ? .quick : .full) }

    func validate() throws {
        guard !what.isEmpty else {
            throw ValidationError("say list, status, all, or claim ids (see: orbit reproduce list)")
        }
        if quick, let budget, budget != .quick {
            throw ValidationError("--quick is --budget quick; it cannot be combined with --budget \(budget)")
        }
        if what != ["list"] && what != ["all"] && what != ["status"] {
            let unknown = what.filter { ClaimRegistry.claim($0) == nil }
            guard unknown.isEmpty else {
                throw ValidationError(
                    "unknown claim \(unknown.joined(separator: ", ")); known: "
                        + ClaimRegistry.all.map(\.id).joined(separator: ", "))
            }
        }
    }

    func run() throws {
        global.apply()
        if what == ["list"] {
            print(Self.listing())
            return
        }
        let miniature = chosenBudget == .paper && ProcessInfo.processInfo.environment[Self.miniatureVariable] == "1"
        if what == ["status"] {
            let budgets = budget.map { [$0] } ?? ReproductionBudget.allCases
            print(Self.status(out: out, budgets: budgets, seed: seed, data: data, miniature: miniature))
            // The document from the records as they are, running nothing (stale rows say so).
            if let markdown {
                let text = ReproductionMarkdown.render(
                    rows: ReproductionMarkdown.rows(in: out, claims: ClaimRegistry.all),
                    command: "orbit reproduce status --out \(out) --markdown \(markdown)",
                    machine: "\(ProcessInfo.processInfo.activeProcessorCount) cores")
                try AtomicFile.write(text, to: markdown)
            }
            return
        }
        let claims = what == ["all"] ? ClaimRegistry.all : what.compactMap(ClaimRegistry.claim)
        let command =
            "orbit reproduce " + what.joined(separator: " ") + " --budget \(chosenBudget)"
            + (seed != 0 ? " --seed \(seed)" : "") + (data != "fashion-mnist" ? " --data \(data)" : "")
        let runner = ReproductionRunner(
            directory: out, budget: chosenBudget, seed: seed, data: data,
            progressStyle: quiet ? .quiet : .automatic, reuse: !rerun, command: command, miniature: miniature)
        let records = try runner.run(claims) { line in
            if !quiet { printUnbuffered(line) }
        }
        if let markdown {
            let text = ReproductionMarkdown.render(
                rows: ReproductionMarkdown.rows(in: out, claims: ClaimRegistry.all),
                command: command + " --out \(out) --markdown \(markdown)",
                machine: "\(ProcessInfo.processInfo.activeProcessorCount) cores")
            try AtomicFile.write(text, to: markdown)
        }
        let counts = Dictionary(grouping: records, by: \.verdictLabel).mapValues(\.count)
        let reused = records.filter(\.reused).count
        print(
            "\(records.count) claims: "
                + ["reproduced", "differs", "failed"].map { "\(counts[$0] ?? 0) \($0)" }.joined(separator: ", ")
                + (reused > 0 ? " (\(reused) reused from current records)" : "")
                + "; report: \(out)/index.html")
        if (counts["failed"] ?? 0) > 0 { throw ExitCode(1) }
    }

    static func listing() -> String {
        var lines: [String] = []
        for paper in Paper.allCases {
            let claims = ClaimRegistry.all.filter { $0.paper == paper }
            guard !claims.isEmpty else { continue }
            lines.append(paper.rawValue)
            for c in claims {
                lines.append(
                    "  " + c.id.padding(toLength: 28, withPad: " ", startingAt: 0) + "~\(c.estimatedSeconds) s  "
                        + c.title + (c.hasPaperSetting ? "  [paper setting]" : ""))
            }
        }
        return lines.isEmpty ? "no claims registered" : lines.joined(separator: "\n")
    }

    /// Each claim's record state in `out` for each of `budgets` (``ClaimRecordState``).
    /// `miniature` applies to the paper budget only.
    static func status(
        out: String, budgets: [ReproductionBudget], seed: UInt64, data: String, miniature: Bool
    ) -> String {
        var lines = ["records in \(out) (sources \(ClaimSources.hash)):"]
        for claim in ClaimRegistry.all {
            lines.append(claim.id)
            for budget in budgets {
                let state = ClaimRecordState.read(
                    directory: "\(out)/\(claim.id)/\(budget.rawValue)", budget: budget, seed: seed, data: data,
                    miniature: miniature && budget == .paper)
                lines.append("  " + budget.rawValue.padding(toLength: 6, withPad: " ", startingAt: 0) + state.summary)
            }
        }
        return lines.joined(separator: "\n")
    }
}

extension ReproductionBudget: ExpressibleByArgument {}
