import Foundation
import OrbitExperiments
import OrbitNetworks
import OrbitPaths
import OrbitReports
import OrbitTraining
import Testing

/// Orbit reads back what its one JSON writer wrote: claim records with non-finite numbers, a sweep
/// whose runs report ±∞/NaN metrics, and a path report whose loss overflows.
@Suite struct ResultFilesTests {
    struct Diverging: Claim {
        let id = "diverging"
        let paper = Paper.zhao2025
        let title = "a claim whose numbers overflow"
        let estimatedSeconds = 0

        func run(in context: ReproductionContext) throws -> ClaimOutcome {
            ClaimOutcome(
                paperStatement: "L grows without bound", orbitResult: "L = ∞ at m = 1e30", setting: "toy",
                differences: "none", verdict: .differs("overflow"),
                numbers: [
                    "midpoint_loss": [1.0, .infinity, .nan], "worst": -Double.infinity, "count": 3,
                    "rows": [["m": 1e30, "loss": Double.infinity] as ResultValue],
                ])
        }
    }

    @Test func claimRecordWithNonFiniteNumbersRoundTrips() throws {
        let directory = try alignmentTemporaryDirectory("claim-record")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let records = try ReproductionRunner(directory: directory, quick: true, seed: 7).run([Diverging()])
        let written = records[0].file(quick: true, seed: 7)
        let read = try JSONReport.read(ClaimRecordFile.self, from: directory + "/diverging/quick/claim.json")
        #expect(read.id == "diverging" && read.verdict == "differs" && read.verdictReason == "overflow")
        #expect(read.seed == 7 && read.quick && read.seconds == written.seconds)
        let numbers = try #require(read.numbers)
        let midpoint = try #require(numbers["midpoint_loss"]?.doubles)
        #expect(midpoint[0] == 1 && midpoint[1] == .infinity && midpoint[2].isNaN)
        #expect(numbers["worst"]?.double == -.infinity && numbers["count"]?.integer == 3)
        #expect(numbers["rows"]?.array?.first?["loss"]?.double == .infinity)
        // The decoded record encodes to the very bytes on disk.
        let text = try String(contentsOfFile: directory + "/diverging/quick/claim.json", encoding: .utf8)
        #expect(try JSONReport.encode(read) == text)
        let summary = try JSONReport.read(ReproductionSummary.self, from: directory + "/summary.json")
        #expect(summary.claims.map(\.id) == ["diverging"])
        #expect(summary.claims[0].numbers?["worst"]?.double == -.infinity)
    }

    @Test func sweepCollectReadsNonFiniteMetricsBack() throws {
        let directory = try alignmentTemporaryDirectory("sweep-non-finite")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let runs = [1, 2, 3].map { ToyConfiguration(width: $0, seed: 0) }
        let sweep = Sweep(kind: "overflow", runs: runs, xKey: "width") { c in
            ["loss": [1.5, Double.infinity, Double.nan][c.width - 1], "floor": -.infinity]
        }
        try SweepRunner(directory: directory).run(sweep)
        let collection = try SweepCollection(directories: [directory])
        let losses = collection.finished.map { $0.metrics!["loss"]! }
        #expect(losses.count == 3 && losses[0] == 1.5 && losses[1] == .infinity && losses[2].isNaN)
        #expect(collection.finished.allSatisfy { $0.metrics!["floor"] == -.infinity })
        #expect(collection.finished.map { $0.configuration["width"]?.integer } == [1, 2, 3])
        // Non-finite values are left out of the chart's means, not turned into zeros.
        #expect(collection.series("loss").map(\.y) == [[1.5]])
        let report = directory + "/report"
        try collection.write(to: report)
        let results = try JSONReport.read(ResultValue.self, from: report + "/results.json")
        #expect(results["runs"]?.array?[1]["metrics"]?["loss"]?.double == .infinity)
    }

    @Test func pathReportKeepsAndMarksNonFiniteValues() throws {
        let directory = try alignmentTemporaryDirectory("path-non-finite")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let t = PathProfile.grid(points: 5)
        let losses: [Double] = [0.5, .infinity, .nan, .infinity, 0.25]
        let profile = PathProfile(
            measured: "line A→B", kind: "line", t: t,
            splits: ["train": losses.map { SplitMetrics(loss: $0, accuracy: nil) }], length: 2, chordLength: 2)
        let context = PathReportContext(
            models: ["a", "b"], data: "toy", loss: "mse", network: try Network(parsing: "mlp:2-3-1:relu"))
        let files = try writePathReport([profile], context: context, directory: directory)
        #expect(files.contains("profile.json") && files.contains("report.html"))
        #expect(
            pathWarnings([profile]) == [
                "line A→B: 3 non-finite value(s) on train from t = 0.25 on; they are marked in the report "
                    + "(Infinity/NaN in JSON, inf/nan in CSV, gaps in the charts)"
            ])

        let record = try JSONReport.read(ResultValue.self, from: directory + "/profile.json")
        let read = try #require(record["points"]?.array).map { $0["train"]?["loss"]?.double ?? 0 }
        #expect(read[0] == 0.5 && read[1] == .infinity && read[2].isNaN && read[4] == 0.25)
        #expect(record["barriers"]?["path_max"]?["train"]?["loss"]?.double == .infinity)
        #expect(record["warnings"]?.array?.count == 1)

        let csv = try String(contentsOfFile: directory + "/profile.csv", encoding: .utf8)
        #expect(csv.contains("\"line A→B\",0.25,train,inf,\n") && csv.contains(",0.5,train,nan,\n"))
        let html = try String(contentsOfFile: directory + "/report.html", encoding: .utf8)
        #expect(html.contains(">∞<") && html.contains("Non-finite values"))
        let svg = try String(contentsOfFile: directory + "/profile.svg", encoding: .utf8)
        #expect(svg.contains("line A→B · train (3 non-finite not drawn)"))
        #expect(reportNumber(-.infinity, "%.4f") == "−∞" && reportNumber(.nan, "%.4f") == "NaN")
        #expect(reportNumber(0.5, "%.4f") == "0.5000")
    }
}
