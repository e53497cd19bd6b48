import Foundation
import Testing

@testable import OrbitReports

/// Writes the sample figures and a page holding them, as a worked example of the API and for
/// looking at: set `ORBIT_REPORT_EXAMPLES=/some/dir` to keep the files (then e.g.
/// `rsvg-convert -o loss.png loss.svg`); otherwise they go to a temporary directory.
@Suite("Reports: example rendering")
struct ReportExampleTests {
    @Test func writesSampleFiguresAndPage() throws {
        let temporary = TemporaryDirectory()
        let directory = ProcessInfo.processInfo.environment["ORBIT_REPORT_EXAMPLES"] ?? temporary.path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let chart = ReportSamples.lossChart()
        let heatmap = ReportSamples.planeHeatmap()
        try chart.write(to: directory + "/loss.svg")
        try heatmap.write(to: directory + "/plane.svg")

        var logChart = chart
        logChart.title = "Loss along the paths (log scale)"
        logChart.yScale = .logarithmic
        logChart.legend = .below
        try logChart.write(to: directory + "/loss-log.svg")

        var report = HTMLReport(
            title: "Paths between minima — example",
            facts: [
                ("Orbit version", "0.0.0-example"), ("seed", "1"), ("barrier", "mean-endpoint"),
                ("configuration", "{\"paths\": [\"linear\", \"bezier\"], \"points\": 41}"),
            ])
        var section = HTMLReport.Section("Loss along the paths")
        section.paragraph(
            "Training loss (solid) and test loss (dashed) along each path; the dotted line is the end points' mean.")
        section.figure(chart, caption: "Loss along the linear and Bézier paths.")
        section.table(
            .init(
                columns: ["path", "barrier (train)", "barrier (test)", "length"],
                rows: [["linear", "0.8134", "0.9312", "12.5"], ["Bézier", "0.0912", "0.1288", "14.1"]],
                caption: "Barrier heights (mean-endpoint definition)."))
        report.sections.append(section)
        var plane = HTMLReport.Section("The plane through A, B and the bend")
        plane.figure(heatmap, caption: "Training loss; contours at 1-2-5 levels.")
        report.sections.append(plane)
        try report.write(to: directory + "/report.html")

        for name in ["loss.svg", "plane.svg", "loss-log.svg", "report.html"] {
            let text = try String(contentsOfFile: directory + "/" + name, encoding: .utf8)
            #expect(parseXML(text) != nil, "\(name) is well-formed")
        }
    }
}
