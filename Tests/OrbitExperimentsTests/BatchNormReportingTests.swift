import Foundation
import OrbitExperiments
import OrbitNetworks
import OrbitPaths
import OrbitReports
import OrbitTraining
import Testing

/// Every path report names how BatchNorm's statistics were set: `batch_norm` in profile.json is the
/// `--bn` choice for a network with BatchNorm and `none` for one without, whatever the choice, and
/// the HTML page carries the matching line.
@Suite struct BatchNormReportingTests {
    @Test(arguments: [BatchNormHandling.reset, .interpolate])
    func pathReportNamesTheChoice(handling: BatchNormHandling) throws {
        let t = PathProfile.grid(points: 3)
        let profile = PathProfile(
            measured: "line A→B", kind: "line", t: t,
            splits: ["train": t.map { SplitMetrics(loss: 1 + $0, accuracy: nil) }], length: 1, chordLength: 1)
        for (description, expected) in [
            ("cnn:1x4x4-c2-p-2:relu:bn", handling.rawValue), ("mlp:2-3-1:relu", "none"),
            ("cnn:1x4x4-c2-p-2:relu", "none"),
        ] {
            let directory = try alignmentTemporaryDirectory("batch-norm-\(expected)")
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let network = try Network(parsing: description)
            let context = PathReportContext(
                models: ["a", "b"], data: "toy", loss: "mse", network: network, batchNorm: handling)
            try writePathReport([profile], context: context, directory: directory)
            let record = try JSONReport.read(ResultValue.self, from: directory + "/profile.json")
            #expect(record["batch_norm"]?.string == expected, "\(description)")
            let html = try String(contentsOfFile: directory + "/report.html", encoding: .utf8)
            let line = BatchNormReporting(handling, network: network).fact
            #expect(html.contains(expected == "none" ? "no BatchNorm" : handling.reportDescription), "\(line)")
        }
    }
}
