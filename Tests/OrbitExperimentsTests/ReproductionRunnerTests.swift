import Foundation
import Testing

@testable import OrbitExperiments
@testable import OrbitReports

/// A claim whose verdict follows from a number it computes (1 + 1 against the paper's 2).
private struct ArithmeticClaim: Claim {
    var id = "arithmetic"
    var paper = Paper.zhao2025
    var title = "one plus one"
    var estimatedSeconds = 0
    var paperValue = 2.0

    func run(in context: ReproductionContext) throws -> ClaimOutcome {
        let ours = 1.0 + 1.0
        try "x,y\n0,\(ours)\n".write(toFile: "\(context.directory)/numbers.csv", atomically: true, encoding: .utf8)
        var section = HTMLReport.Section("Numbers")
        section.paragraph("computed \(ours)")
        return ClaimOutcome(
            paperStatement: "1 + 1 = \(paperValue)", orbitResult: "1 + 1 = \(ours)", setting: "arithmetic",
            differences: "none", verdict: ours == paperValue ? .reproduced : .differs("\(ours) ≠ \(paperValue)"),
            sections: [section], numbers: ["sum": ours])
    }
}

private struct FailingClaim: Claim {
    var id = "failing"
    var paper = Paper.lin2024
    var title = "always throws"
    var estimatedSeconds = 0

    struct Failure: Error, CustomStringConvertible { var description: String { "no data" } }
    func run(in context: ReproductionContext) throws -> ClaimOutcome { throw Failure() }
}

@Suite struct ReproductionRunnerTests {
    func temporaryDirectory() -> String {
        let path = NSTemporaryDirectory() + "orbit-repro-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func writesEveryClaimsFilesAndTheIndex() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let runner = ReproductionRunner(directory: dir, quick: true, seed: 3, progressStyle: .quiet)
        let records = try runner.run([
            ArithmeticClaim(), ArithmeticClaim(id: "wrong", paperValue: 3), FailingClaim(),
        ])
        #expect(records.map(\.verdictLabel) == ["reproduced", "differs", "failed"])
        #expect(records[1].verdictText.contains("2.0 ≠ 3.0"))
        #expect(records[2].verdictText == "failed: no data")
        for file in [
            "index.html", "summary.json", "summary.csv", "arithmetic/quick/index.html", "arithmetic/quick/claim.json",
            "arithmetic/quick/numbers.csv", "failing/quick/claim.json",
        ] {
            #expect(FileManager.default.fileExists(atPath: "\(dir)/\(file)"), "\(file) missing")
        }
        let json =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: "\(dir)/arithmetic/quick/claim.json"))) as! [String: Any]
        #expect(json["verdict"] as? String == "reproduced")
        #expect((json["numbers"] as? [String: Any])?["sum"] as? Double == 2)
        #expect(json["seed"] as? Int == 3)
        let index = try String(contentsOfFile: "\(dir)/index.html", encoding: .utf8)
        #expect(index.contains("href=\"arithmetic/quick/index.html\""))
        #expect(index.contains("1 reproduced, 1 differs, 1 failed"))
    }

    @Test func markdownNamesTheCommandAndEveryClaim() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let records = try ReproductionRunner(directory: dir, quick: true, progressStyle: .quiet)
            .run([ArithmeticClaim(), FailingClaim()])
        let text = ReproductionMarkdown.render(
            records, command: "orbit reproduce all --quick", quick: true, machine: "test")
        #expect(text.contains("`orbit reproduce all --quick`"))
        #expect(text.contains("## Zhao et al. 2025"))
        #expect(text.contains("## Lin, Li & Wu 2024"))
        #expect(text.contains("| `arithmetic` one plus one | 1 + 1 = 2.0 | 1 + 1 = 2.0 | reproduced |"))
        #expect(text.contains("failed: no data"))
    }

    @Test func registryIdsAreUnique() {
        let ids = ClaimRegistry.all.map(\.id)
        #expect(Set(ids).count == ids.count)
    }
}
