import ArgumentParser
import Foundation
import OrbitKit

struct ReproduceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reproduce",
        abstract: "Reproduce the papers' claims: the paper's number beside Orbit's, the setting, a verdict.",
        discussion: """
            orbit reproduce list                 the claims, with their ids and rough running times
            orbit reproduce CLAIM [CLAIM …]      run some claims (ids from the list)
            orbit reproduce all                  run every claim
            Each claim writes OUT/ID/index.html, claim.json and its figures; OUT/index.html links them all.
            --markdown REPRODUCTION.md writes the table of REPRODUCTION.md from the run.
            Example: orbit reproduce all --out orbit-reproduction --markdown REPRODUCTION.md
            """)

    @Argument(help: "list, all, or claim ids.") var what: [String]
    @Option(help: "Output folder.") var out = "orbit-reproduction"
    @Flag(help: "Reduced sizes (seconds per claim), as the tests run them.") var quick = false
    @Option(help: "Seed every random choice derives from.") var seed: UInt64 = 0
    @Option(help: "Data set for the claims that train on real data.") var data = "fashion-mnist"
    @Option(help: "Also write this Markdown file (REPRODUCTION.md) from the run.") var markdown: String?
    @Flag(help: "No progress output.") var quiet = false
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard !what.isEmpty else { throw ValidationError("say list, all, or claim ids (see: orbit reproduce list)") }
        if what != ["list"] && what != ["all"] {
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
        let claims = what == ["all"] ? ClaimRegistry.all : what.compactMap(ClaimRegistry.claim)
        let runner = ReproductionRunner(
            directory: out, quick: quick, seed: seed, data: data,
            progressStyle: quiet ? .quiet : .automatic)
        let records = try runner.run(claims) { line in
            if !quiet { printUnbuffered(line) }
        }
        if let markdown {
            let command =
                "orbit reproduce " + what.joined(separator: " ") + (quick ? " --quick" : "")
                + (seed != 0 ? " --seed \(seed)" : "") + " --markdown \(markdown)"
            let text = ReproductionMarkdown.render(
                records, command: command, quick: quick,
                machine: "\(ProcessInfo.processInfo.activeProcessorCount) cores, \(Threading.threadCount) threads")
            try AtomicFile.write(text, to: markdown)
        }
        let counts = Dictionary(grouping: records, by: \.verdictLabel).mapValues(\.count)
        print(
            "\(records.count) claims: "
                + ["reproduced", "differs", "failed"].map { "\(counts[$0] ?? 0) \($0)" }.joined(separator: ", ")
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
                        + c.title)
            }
        }
        return lines.isEmpty ? "no claims registered" : lines.joined(separator: "\n")
    }
}
