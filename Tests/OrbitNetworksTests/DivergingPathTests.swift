import Foundation
import OrbitCheckpoints
import OrbitNetworks
import OrbitReports
import Testing

/// `orbit path` between a model and a copy with weights ×1e18, whose loss overflows to ±∞/NaN
/// between the end points (issue 21): the command computes every point, writes the whole report
/// with the non-finite points marked, warns on stderr and exits 0 (the values are a measurement,
/// not a failure of the command).
@Suite struct DivergingPathTests {
    @Test(.enabled(if: CommandLineTests.binary != nil)) func divergingPathWritesMarkedReportAndExitsZero() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("orbit-diverge-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // Mean squared error: the outputs grow like t²·1e36 along the line, so their squares overflow.
        let data = "synthetic:teacher-student:d=4,M=4,n=200,seed=0"
        let train = try CommandLineTests.orbit(
            [
                "train", "--arch", "mlp:4-16-1:relu", "--data", data, "--epochs", "2", "--seed", "1", "--quiet",
                "--out", "a.safetensors",
            ],
            in: dir)
        #expect(train.status == 0, "\(train.error)")
        var model: Model<Float> = try ModelFile.read(dir.appendingPathComponent("a.safetensors").path)
        model.parameters.scale(by: 1e18)
        try ModelFile.write(model, to: dir.appendingPathComponent("big.safetensors").path)

        let run = try CommandLineTests.orbit(
            ["path", "a.safetensors", "big.safetensors", "--data", data, "--points", "9", "--out", "p"], in: dir)
        #expect(run.status == 0, "\(run.error)")
        #expect(run.error.contains("warning:") && run.error.contains("non-finite"), "\(run.error)")

        // profile.json: valid JSON for a strict parser, the overflowed values spelled as strings.
        let jsonPath = dir.appendingPathComponent("p/profile.json").path
        let strict = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: jsonPath)))
        #expect(strict is [String: Any])
        let profile = try JSONReport.read(ResultValue.self, from: jsonPath)
        let losses = try #require(profile["points"]?.array).compactMap { $0["train"]?["loss"]?.double }
        #expect(losses.count == 9)
        #expect(losses.first!.isFinite)
        #expect(losses.contains { !$0.isFinite })
        let text = try String(contentsOfFile: jsonPath, encoding: .utf8)
        #expect(text.contains("\"Infinity\"") || text.contains("\"NaN\""))
        let warnings = profile["warnings"]?.array ?? []
        #expect(warnings.count == 1 && warnings[0].string?.contains("non-finite") == true)

        // profile.csv: inf / nan cells.
        let csv = try String(contentsOf: dir.appendingPathComponent("p/profile.csv"), encoding: .utf8)
        let rows = csv.split(separator: "\n").dropFirst()
        #expect(rows.count == 18)
        #expect(rows.contains { $0.contains(",inf,") || $0.contains(",nan,") || $0.contains(",-inf,") })

        // report.html: ∞ / NaN in the tables and the note.
        let html = try String(contentsOf: dir.appendingPathComponent("p/report.html"), encoding: .utf8)
        #expect(html.contains("Non-finite values"))
        #expect(html.contains("∞") || html.contains(">NaN<"))

        // profile.svg: no path element carries a non-finite coordinate; the legend says what is missing.
        let svg = try String(contentsOf: dir.appendingPathComponent("p/profile.svg"), encoding: .utf8)
        #expect(svg.contains("non-finite not drawn"))
        let coordinates = svg.components(separatedBy: " d=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
        #expect(coordinates.allSatisfy { !$0.contains("nan") && !$0.contains("inf") })
    }
}
