import Foundation
import OrbitFormats
import OrbitPaths
import OrbitReports

/// JSON, CSV, one SVG per split (a contour map, or a line chart for a 1-D landscape) and an HTML
/// page for a loss surface; returns the files written. With `batchNorm`, the JSON holds its value
/// under `batch_norm` and the page its line.
public func writeSurfaceReport(
    _ surface: LossSurface, title: String, context: [(String, String)], prefix: String, directory: String,
    batchNorm: BatchNormReporting? = nil
) throws -> [String] {
    var object: ResultValue = ["orbit_version": orbitVersion, "x": surface.x, "y": surface.y]
    if let batchNorm { object["batch_norm"] = .string(batchNorm.jsonValue) }
    object["markers"] = surface.markers.map { ["name": $0.name, "x": $0.x, "y": $0.y] as ResultValue }.resultValue
    for (name, value) in context { object[name] = .string(value) }
    for (split, rows) in surface.splits {
        object[split] = ["loss": rows.map { $0.map(\.loss) }, "accuracy": rows.map { $0.map(\.accuracy) }]
    }
    try JSONReport.write(object, to: "\(directory)/\(prefix).json")
    var csv = "split,x,y,loss,accuracy\n"
    for split in surface.splits.keys.sorted(by: >) {
        for (j, row) in surface.splits[split]!.enumerated() {
            for (i, m) in row.enumerated() {
                csv += "\(split),\(surface.x[i]),\(surface.y[j]),\(m.loss),\(m.accuracy.map { "\($0)" } ?? "")\n"
            }
        }
    }
    try AtomicFile.write(csv, to: "\(directory)/\(prefix).csv")
    var written = ["\(prefix).json", "\(prefix).csv"]
    var report = HTMLReport(
        title: title, facts: [("Orbit version", orbitVersion)] + context + (batchNorm.map { [$0.factRow] } ?? []))
    var section = HTMLReport.Section("Loss")
    let nonFinite = surface.splits.values.joined().joined().filter { !$0.loss.isFinite }.count
    if nonFinite > 0 {
        section.paragraph(
            "\(nonFinite) grid value(s) of the loss are not finite (the loss overflowed): grey in the maps, left out "
                + "of the line charts, \"Infinity\"/\"NaN\" in \(prefix).json and inf/nan in \(prefix).csv.")
    }
    for split in surface.splits.keys.sorted(by: >) {
        let rows = surface.splits[split]!
        let file = "\(prefix)-\(split).svg"
        if surface.y.count == 1 {
            var chart = LineChart(title: "\(split) loss along the direction", xLabel: "α", yLabel: "loss")
            chart.series.append(
                .init(name: split, x: surface.x, y: rows[0].map(\.loss), style: split == "test" ? .test(0) : .train(0)))
            try chart.write(to: "\(directory)/\(file)")
            section.figure(chart, caption: "\(split) loss at θ + α·d.")
        } else {
            // Heatmap's z[i][j] is the value at (x[i], y[j]); rows here are indexed by y first.
            let z = surface.x.indices.map { i in surface.y.indices.map { j in rows[j][i].loss } }
            let positive = z.joined().allSatisfy { $0 > 0 }
            var map = Heatmap(
                title: "\(split) loss", xLabel: "x", yLabel: "y", valueLabel: "\(split) loss", x: surface.x,
                y: surface.y, z: z,
                colourScale: positive ? .logarithmic : .linear)
            map.markers = surface.markers.enumerated().map { k, m in
                .init(label: m.name, x: m.x, y: m.y, shape: MarkerShape.shape(k))
            }
            try map.write(to: "\(directory)/\(file)")
            section.figure(
                map,
                caption:
                    "\(split) loss on the grid (log colour scale when positive), with contours; markers at the models.")
        }
        written.append(file)
    }
    report.sections = [section]
    try report.write(to: "\(directory)/report.html")
    return written + ["report.html"]
}

/// The smallest and largest loss per split and the loss at each marker.
public func surfaceSummary(_ surface: LossSurface) -> String {
    var lines: [String] = []
    for split in surface.splits.keys.sorted(by: >) {
        let values = surface.splits[split]!.joined().map(\.loss)
        lines.append(
            "\(split): loss from \(String(format: "%.4f", values.min() ?? .nan)) to \(String(format: "%.4f", values.max() ?? .nan)) on \(values.count) points"
        )
    }
    return lines.joined(separator: "\n")
}
