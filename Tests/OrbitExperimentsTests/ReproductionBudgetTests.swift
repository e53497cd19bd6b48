import Foundation
import OrbitData
import OrbitFormats
import OrbitNetworks
import OrbitReports
import OrbitTestSupport
import OrbitTraining
import Testing

@testable import OrbitExperiments

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A claim that leaves `ran` in its folder each time it runs, so a test can tell a rerun from a reuse.
private struct MarkingClaim: Claim {
    var id = "marking"
    var paper = Paper.lin2024
    var title = "leaves a mark"
    var estimatedSeconds = 0
    var hasPaperSetting = false

    func run(in context: ReproductionContext) throws -> ClaimOutcome {
        try AtomicFile.write("\(context.budget)", to: "\(context.directory)/ran")
        return ClaimOutcome(
            paperStatement: "a mark", orbitResult: "marked under \(context.budget)", setting: "none",
            differences: "none", verdict: .reproduced, numbers: ["marks": 1])
    }
}

/// Budgets, records that know their code, and resumable paper runs (issue 19, points 1 and 5).
@Suite struct ReproductionBudgetTests: OrbitCommandLineSuite {
    func temporaryDirectory() throws -> String {
        try alignmentTemporaryDirectory("budget")
    }

    /// The plateau rule on hand-made loss sequences: L_{e−5} − L_e < 1%·L_{e−5}.
    @Test func plateauRuleKnownAnswers() {
        let rule = TrainingPlateau()
        #expect(!rule.isReached([1, 1, 1, 1, 1]), "five epochs give no window of five")
        #expect(rule.isReached([1, 1, 1, 1, 1, 1]), "no improvement over five epochs")
        #expect(!rule.isReached([1, 0.9, 0.9, 0.9, 0.9, 0.98]), "2% below L_{e−5} is still improving")
        #expect(rule.isReached([1, 0.9, 0.9, 0.9, 0.9, 0.991]), "0.9% below L_{e−5} is the plateau")
        #expect(rule.isReached([1, 0.5, 0.5, 0.5, 0.5, 1.2]), "a rise is no improvement")
        #expect(!rule.isReached([1, 1, 1, 1, 1, .nan]), "a non-finite loss is never a plateau")
        let wide = TrainingPlateau(window: 2, relativeImprovement: 0.1)
        #expect(wide.isReached([4, 2, 3.7]) && !wide.isReached([4, 2, 3.5]), "0.3 < 10% of 4 ≤ 0.5")
    }

    /// Training to the plateau stops before the cap, at the epoch the rule names, and a run resumed
    /// from a state saved part-way stops at the same epoch with bit-identical parameters.
    @Test func trainingStopsAtThePlateauAndResumesToTheSameEpoch() throws {
        let dataset = try DatasetSpec(parsing: "synthetic:regression:d=4,k=1,n=200,test=0,seed=1").load()
        let network = try Network(parsing: "mlp:4-8-1:relu")
        let trainer = try Trainer<Float>(
            network: network, dataset: dataset,
            configuration: TrainingConfiguration(
                epochs: 200, batchSize: 50, learningRate: 0.05, optimizer: .adam(), seed: 3))
        let plateau = TrainingPlateau(window: 3, relativeImprovement: 0.05)
        var saved: [TrainingState<Float>] = []
        let full = try trainer.run(from: trainer.initialState(), stoppingAt: plateau, checkpointEvery: 3) {
            saved.append($0)
        }
        let losses = full.history.map(\.runningTrain.loss)
        #expect(full.completedEpochs < 200, "the easy problem should plateau before the cap")
        #expect(plateau.isReached(losses) && !plateau.isReached(Array(losses.dropLast())))
        let middle = try #require(saved.first { $0.completedSteps > 0 && $0.completedEpochs >= 2 })
        let resumed = try trainer.run(from: middle, stoppingAt: plateau)
        #expect(resumed.completedEpochs == full.completedEpochs)
        #expect(resumed.parameters.flat.map(\.bitPattern) == full.parameters.flat.map(\.bitPattern))
        let again = try trainer.run(from: full, stoppingAt: plateau)
        #expect(again.completedEpochs == full.completedEpochs, "a state at the plateau is returned as it is")
    }

    /// A record of the present sources is reused; one whose hash differs is rerun and announced as
    /// stale with its date; another seed is rerun; each budget keeps its own record folder.
    @Test func staleRecordsAreRerunAndCurrentOnesReused() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let claim = MarkingClaim()
        let runner = ReproductionRunner(directory: dir, budget: .full, progressStyle: .quiet, command: "test")
        let folder = "\(dir)/marking/full"
        _ = try runner.run([claim])
        #expect(FileManager.default.fileExists(atPath: "\(folder)/ran"))
        var record = try JSONReport.read(ClaimRecordFile.self, from: "\(folder)/claim.json")
        #expect(record.budget == "full" && record.sourceHash == ClaimSources.hash && record.command == "test")
        #expect(record.sourceHash?.hasPrefix("fnv1a128:") == true && record.sourceHash?.count == 9 + 32)
        #expect(record.sourceModules?["OrbitExperiments"] != nil && record.finished != nil)

        // Current: reused, the claim does not run.
        try FileManager.default.removeItem(atPath: "\(folder)/ran")
        var lines: [String] = []
        let reused = try runner.run([claim]) { lines.append($0) }
        #expect(reused[0].reused && reused[0].verdictLabel == "reproduced")
        #expect(!FileManager.default.fileExists(atPath: "\(folder)/ran"))
        #expect(lines.contains { $0.contains("reused: current record of \(record.finished!)") })

        // Stale: a record of other sources is rerun, and the announcement says since when.
        record.sourceHash = "fnv1a128:00000000000000000000000000000000"
        var modules = record.sourceModules!
        modules["OrbitStar"] = "0"
        record.sourceModules = modules
        try JSONReport.write(record, to: "\(folder)/claim.json")
        let state = ClaimRecordState.read(directory: folder, budget: .full, seed: 0, data: "fashion-mnist")
        #expect(state == .stale(record, changedModules: ["OrbitStar"]))
        #expect(state.summary == "stale: sources changed since \(record.finished!) (OrbitStar)")
        lines = []
        let rerun = try runner.run([claim]) { lines.append($0) }
        #expect(!rerun[0].reused && FileManager.default.fileExists(atPath: "\(folder)/ran"))
        #expect(lines.contains { $0.contains("stale: sources changed since \(record.finished!) (OrbitStar)") })
        let fresh = try JSONReport.read(ClaimRecordFile.self, from: "\(folder)/claim.json")
        #expect(fresh.sourceHash == ClaimSources.hash)

        // Another seed: not reusable; the paper budget writes its own folder and says no paper setting ran.
        #expect(
            ClaimRecordState.read(directory: folder, budget: .full, seed: 1, data: "fashion-mnist")
                == .unusable(fresh, reason: "seed 0"))
        let paper = try ReproductionRunner(directory: dir, budget: .paper, progressStyle: .quiet).run([claim])
        #expect(paper[0].folder == "marking/paper" && !paper[0].reused)
        let paperRecord = try JSONReport.read(ClaimRecordFile.self, from: "\(dir)/marking/paper/claim.json")
        #expect(paperRecord.budget == "paper" && paperRecord.settingBudget == "full")
        #expect(paperRecord.differences?.contains("no paper setting") == true)
        #expect(FileManager.default.fileExists(atPath: "\(dir)/marking/paper/state/sources"))

        // State files of other sources are discarded before a paper run; those of the present ones stay.
        let stateFolder = "\(dir)/marking/paper/state"
        try AtomicFile.write("x", to: "\(stateFolder)/kept.state.safetensors")
        _ = try ReproductionRunner(directory: dir, budget: .paper, progressStyle: .quiet, reuse: false).run([claim])
        #expect(FileManager.default.fileExists(atPath: "\(stateFolder)/kept.state.safetensors"))
        try AtomicFile.write("fnv1a128:other", to: "\(stateFolder)/sources")
        lines = []
        _ = try ReproductionRunner(directory: dir, budget: .paper, progressStyle: .quiet, reuse: false).run([claim]) {
            lines.append($0)
        }
        #expect(!FileManager.default.fileExists(atPath: "\(stateFolder)/kept.state.safetensors"))
        #expect(try String(contentsOfFile: "\(stateFolder)/sources", encoding: .utf8) == ClaimSources.hash)
        #expect(lines.contains { $0.contains("discarding the state files of other sources (fnv1a128:other)") })
        #expect(try String(contentsOfFile: "\(folder)/ran", encoding: .utf8) == "full")
    }

    /// The markdown takes each claim's newest quick/full record and puts its paper record after it,
    /// naming each row's budget and the command behind it.
    @Test func markdownMergesPaperRowsAfterFullRows() throws {
        func record(_ budget: String, result: String, finished: String, command: String) -> ClaimRecordFile {
            var r = ClaimRecordFile(
                id: "star-table1-fnn", paper: Paper.lin2024.rawValue, title: "Table 1", verdict: "differs",
                seconds: 5, quick: false, seed: 0)
            r.paperStatement = "1.1e-3"
            r.orbitResult = result
            r.verdictReason = "why"
            r.setting = "s"
            r.differences = "d"
            r.budget = budget
            r.settingBudget = budget
            r.finished = finished
            r.command = command
            r.sourceHash = budget == "paper" ? "fnv1a128:older" : ClaimSources.hash
            return r
        }
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let claim = StarTableClaim()
        for (budget, finished) in [
            ("quick", "2026-12-06T01:00:00Z"), ("full", "2026-12-06T02:00:00Z"), ("paper", "2026-12-06T00:00:00Z"),
        ] {
            try FileManager.default.createDirectory(
                atPath: "\(dir)/\(claim.id)/\(budget)", withIntermediateDirectories: true)
            try JSONReport.write(
                record(
                    budget, result: "\(budget) result", finished: finished,
                    command: "orbit reproduce x --budget \(budget)"),
                to: "\(dir)/\(claim.id)/\(budget)/claim.json")
        }
        let rows = ReproductionMarkdown.rows(in: dir, claims: [claim])
        #expect(rows.map(\.record.budget) == ["full", "paper"], "the newest of quick and full, then paper")
        let text = ReproductionMarkdown.render(
            rows: rows, command: "orbit reproduce all --markdown R.md", machine: "test")
        #expect(text.contains("Generated by `orbit reproduce all --markdown R.md`"))
        #expect(text.contains("| `star-table1-fnn` Table 1 | 1.1e-3 | full result | differs — why | full | 5 s |"))
        #expect(
            text.contains(
                "| ↳ `star-table1-fnn` at the paper budget | (as above) | paper result | differs — why | paper | 5 s |")
        )
        #expect(text.contains("- `orbit reproduce x --budget paper` (paper rows)"))
        #expect(text.contains("- **star-table1-fnn** (paper) — setting: s. Differences from the paper: d."))
        let full = text.range(of: "| full result")!, paper = text.range(of: "| paper result")!
        #expect(full.lowerBound < paper.lowerBound)
        // The header names the sources behind the rows and which of them are this build's.
        #expect(text.contains("- `\(ClaimSources.hash)`: 1 row(s), the sources of the build that wrote this document"))
        #expect(text.contains("- `fnv1a128:older`: 1 row(s), other sources than the build that wrote this document"))
    }

    /// `orbit reproduce star-table1-fnn --budget paper` at the miniature hook's sizes, into `out`.
    static func paperArguments(_ out: String) -> [String] {
        [
            "reproduce", "star-table1-fnn", "--budget", "paper", "--data",
            "synthetic:random-labels:d=784,k=10,n=600,test=100,seed=1", "--out", out, "--quiet", "--threads", "2",
        ]
    }
    /// The miniature hook (``ReproductionContext/miniature``), set for the child process only.
    static let miniature = ["ORBIT_PAPER_MINIATURE": "1"]

    /// One miniature paper run of star-table1-fnn to the end into `reference`, and one into `killed`
    /// killed with SIGKILL as soon as its state file `stateFile` appears, then run again to the end.
    /// Returns both records and that state file's completed epochs at the kill and at the reference's end.
    func killAndResume(in dir: URL, at stateFile: String) throws -> (
        reference: ClaimRecordFile, resumed: ClaimRecordFile, epochsAtKill: Int, epochsAtEnd: Int
    ) {
        let reference = try Self.orbit(Self.paperArguments("reference"), in: dir, environment: Self.miniature)
        #expect(reference.status == 0, "\(reference.error)")
        let file = "star-table1-fnn/paper/state/\(stateFile).state.safetensors"
        let killed = try Self.runAndKill(
            Self.paperArguments("killed"), whenFileAppears: "killed/" + file, in: dir, timeout: 120,
            environment: Self.miniature)
        try #require(killed, "the run ended before it could be killed")
        let claimFile = "star-table1-fnn/paper/claim.json"
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("killed/" + claimFile).path))
        func epochs(_ run: String) throws -> Int {
            let saved = try SafetensorsFile.read(dir.appendingPathComponent("\(run)/\(file)").path)
            return Int(saved.metadata["orbit.epochs"] ?? "") ?? -1
        }
        let atKill = try epochs("killed")

        let resumed = try Self.orbit(Self.paperArguments("killed"), in: dir, environment: Self.miniature)
        #expect(resumed.status == 0, "\(resumed.error)")
        let a = try JSONReport.read(
            ClaimRecordFile.self, from: dir.appendingPathComponent("reference/" + claimFile).path)
        let b = try JSONReport.read(ClaimRecordFile.self, from: dir.appendingPathComponent("killed/" + claimFile).path)
        #expect(
            a.numbers != nil && a.numbers == b.numbers, "the resumed run's numbers differ from the uninterrupted run's")
        #expect(a.orbitResult == b.orbitResult && a.verdict == b.verdict && a.verdictReason == b.verdictReason)
        return (a, b, atKill, try epochs("reference"))
    }

    /// `orbit reproduce star-table1-fnn --budget paper` (the miniature hook) killed with SIGKILL once
    /// its centre has checkpointed, then run again, continues from the state files and writes the
    /// numbers of an uninterrupted run, exactly; a rerun after that reuses the record.
    @Test(.enabled(if: binary != nil)) func paperRunKilledMidCentreResumesToTheSameNumbers() throws {
        let dir = URL(fileURLWithPath: try temporaryDirectory())
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try killAndResume(in: dir, at: "centre-seed0")
        #expect(run.epochsAtKill < run.epochsAtEnd, "the kill should land inside the centre fit")
        let b = run.resumed
        #expect(b.miniature == true && b.budget == "paper" && b.settingBudget == "paper")
        #expect(b.numbers?["minima_epochs"]?.doubles?.count == 5)

        let again = try Self.orbit(Self.paperArguments("killed"), in: dir, environment: Self.miniature)
        #expect(again.status == 0 && again.output.contains("1 reused"), "\(again.output)")
        let status = try Self.orbit(
            ["reproduce", "status", "--budget", "paper"] + Self.paperArguments("killed").dropFirst(4), in: dir,
            environment: Self.miniature)
        #expect(
            status.output.contains("star-table1-fnn\n  paper current (\(b.verdict), \(b.finished!))"),
            "\(status.output)")
        let both = try Self.orbit(["reproduce", "list", "--quick", "--budget", "full"], in: dir)
        #expect(both.status != 0 && both.error.contains("--quick"), "\(both.error)")
    }

    /// The same kill, landing in the diagnosis's long centre fit (after the claim's own centre has
    /// finished): the resumed run reads the fit and its read-offs back from their state files and
    /// writes the uninterrupted run's numbers, the diagnosis rows included. Every fit and minimum of
    /// the diagnosis has its state file.
    @Test(.enabled(if: binary != nil)) func paperRunKilledMidDiagnosisResumesToTheSameNumbers() throws {
        let dir = URL(fileURLWithPath: try temporaryDirectory())
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try killAndResume(in: dir, at: "diagnosis-centre-epochs")
        #expect(run.epochsAtKill < run.epochsAtEnd, "the kill should land inside the diagnosis's long fit")
        #expect(run.reference.numbers?["diagnosis"] != nil)
        let files = try FileManager.default.contentsOfDirectory(
            atPath: dir.appendingPathComponent("reference/star-table1-fnn/paper/state").path)
        for prefix in [
            "diagnosis-centre-epochs-epoch-", "diagnosis-centre-lambda-", "diagnosis-centre-at-foot.",
            "diagnosis-centre-rate-", "diagnosis-centre-plateau-minima.", "diagnosis-minimum-1-",
            "diagnosis-plateau-minimum-1-",
        ] {
            #expect(files.contains { $0.hasPrefix(prefix) }, "no state file \(prefix)… in \(files)")
        }
    }
}
