import Foundation
import OrbitReports
import OrbitSymmetry

/// Report files for component counts (Zhao, Dehmamy, Walters, Yu, ICML 2025, Cor 4.2 and Prop 4.3),
/// shared by `orbit symmetry components` and the reproduction claims.
public enum ComponentReports {
    /// components.svg (labels found vs depth, one series per width, 2^(l−1) dashed), components.json
    /// and index.html in `directory`; returns the file names.
    public static func writeChain(_ counts: [ChainComponentCount], to directory: String) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let depths = Array(Set(counts.map(\.depth))).sorted()
        let widths = Array(Set(counts.map(\.width))).sorted()
        var chart = LineChart(
            title: "Distinct component labels among sampled minima", xLabel: "depth l", yLabel: "labels found",
            yScale: .logarithmic)
        for (i, h) in widths.enumerated() {
            let row = counts.filter { $0.width == h }.sorted { $0.depth < $1.depth }
            chart.series.append(
                .init(
                    name: "h = \(h)", x: row.map { Double($0.depth) }, y: row.map { Double($0.labelsFound) },
                    style: .init(colour: Palette.colour(i), marker: .circle)))
        }
        chart.series.append(
            .init(
                name: "2^(l−1) (Cor 4.2)", x: depths.map(Double.init), y: depths.map { Double(1 << ($0 - 1)) },
                style: .init(colour: .black, dash: .dashed)))
        try chart.write(to: directory + "/components.svg")
        try JSONReport.write(["cells": chainRows(counts)], to: directory + "/components.json")
        var section = HTMLReport.Section("Labels found vs 2^(l−1)")
        section.figure(chart, caption: "Minima sampled through Prop 4.1's homeomorphism; label = signs of det G_k.")
        section.table(chainTable(counts))
        try HTMLReport(title: "Components of linear-chain minima", sections: [section]).write(
            to: directory + "/index.html")
        return ["components.svg", "components.json", "index.html"]
    }

    /// One JSON object per (l, h) cell.
    public static func chainRows(_ counts: [ChainComponentCount]) -> [ResultValue] {
        counts.map {
            [
                "depth": $0.depth, "width": $0.width, "samples": $0.samples, "labels_found": $0.labelsFound,
                "expected": $0.expected, "max_residual": $0.maximumResidual,
            ]
        }
    }

    public static func chainTable(_ counts: [ChainComponentCount]) -> HTMLReport.Table {
        HTMLReport.Table(
            columns: ["l", "h", "samples", "labels found", "2^(l−1)", "max ‖W_l⋯W₁ − A‖/‖A‖"],
            rows: counts.map {
                [
                    "\($0.depth)", "\($0.width)", "\($0.samples)", "\($0.labelsFound)", "\($0.expected)",
                    String(format: "%.1e", $0.maximumResidual),
                ]
            })
    }
}
