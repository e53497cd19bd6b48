import Foundation
import OrbitCheckpoints
import OrbitCurvature
import OrbitFormats
import OrbitNetworks
import OrbitPaths
import OrbitReports
import OrbitTraining

/// Writes DIR/profile.json, profile.csv (and, with the charts, profile.svg and report.html) for the
/// profiles of one `orbit path` run. The first profile beyond the straight line (or the line itself)
/// is the "main" path whose `points` and `barriers` sit at the top level of profile.json.
///
/// Non-finite values (a loss that overflowed) are kept and marked, never dropped: JSONReport's
/// `"Infinity"`/`"NaN"` strings in profile.json, `inf`/`-inf`/`nan` in profile.csv, "∞"/"NaN" with a
/// note in report.html, and gaps with a legend note in the charts. ``pathWarnings(_:)`` says which
/// points they are, for the command to print.
@discardableResult
///
/// With `curvature` (from `orbit path --hessian`), profile.json also holds it under "curvature", and
/// curvature.json, curvature.csv, curvature.svg and a report section are added (``writePathCurvature(_:directory:)``).
public func writePathReport(
    _ profiles: [PathProfile], context: PathReportContext, directory: String, curvature: [PathCurvatureRecord] = []
) throws -> [String] {
    var record = PathReportRecord(profiles, context: context)
    record.curvature = curvature.isEmpty ? nil : curvature
    try JSONReport.write(record, to: "\(directory)/profile.json")

    var csv = "path,t,split,loss,accuracy\n"
    for p in profiles {
        for split in p.splits.keys.sorted(by: >) {
            for (t, m) in zip(p.t, p.splits[split]!) {
                csv += "\"\(p.name)\",\(t),\(split),\(m.loss),\(m.accuracy.map { "\($0)" } ?? "")\n"
            }
        }
    }
    try AtomicFile.write(csv, to: "\(directory)/profile.csv")
    var extra: (files: [String], section: HTMLReport.Section)?
    if !curvature.isEmpty { extra = try writePathCurvature(curvature, directory: directory) }
    return ["profile.json", "profile.csv"] + (extra?.files ?? [])
        + (try writePathFigures(
            profiles, main: mainProfile(of: profiles), context: context, directory: directory,
            curvatureSection: extra?.section))
}

/// The path whose points sit at the top level of profile.json: the first beyond the straight line.
func mainProfile(of profiles: [PathProfile]) -> PathProfile { profiles.count > 1 ? profiles[1] : profiles[0] }

/// One warning per path with non-finite losses or accuracies: how many points, on which splits,
/// and the first t. Empty when every value is finite.
public func pathWarnings(_ profiles: [PathProfile]) -> [String] {
    profiles.compactMap { p in
        var count = 0
        var first = Double.infinity
        var splits: [String] = []
        for split in p.splits.keys.sorted(by: >) {
            let bad = zip(p.t, p.splits[split]!).filter { !$0.1.isFinite }.map(\.0)
            guard !bad.isEmpty else { continue }
            count += bad.count
            first = min(first, bad.min()!)
            splits.append(split)
        }
        guard count > 0 else { return nil }
        return
            "\(p.name): \(count) non-finite value(s) on \(splits.joined(separator: ", ")) from t = \(String(format: "%.4g", first)) on; "
            + "they are marked in the report (Infinity/NaN in JSON, inf/nan in CSV, gaps in the charts)"
    }
}

extension SplitMetrics {
    /// Whether the loss (and the accuracy, when present) is finite.
    var isFinite: Bool { loss.isFinite && (accuracy?.isFinite ?? true) }
}

/// The loss and accuracy charts and the self-contained HTML page; returns the files written.
public func writePathFigures(
    _ profiles: [PathProfile], main: PathProfile, context: PathReportContext, directory: String,
    curvatureSection: HTMLReport.Section? = nil
)
    throws -> [String]
{
    let lossChart = pathChart(profiles, metric: "loss", title: "Loss along the paths (\(context.loss))")
    try lossChart.write(to: "\(directory)/profile.svg")
    var written = ["profile.svg"]
    var accuracyChart: LineChart?
    if profiles.allSatisfy({ $0.splits.values.allSatisfy { $0.allSatisfy { $0.accuracy != nil } } }) {
        let chart = pathChart(profiles, metric: "accuracy", title: "Accuracy along the paths")
        try chart.write(to: "\(directory)/accuracy.svg")
        written.append("accuracy.svg")
        accuracyChart = chart
    }
    var report = HTMLReport(
        title: "Orbit path report",
        facts: [
            ("Orbit version", orbitVersion), ("models", context.models.joined(separator: ", ")), ("data", context.data),
            ("network", context.network.compactDescription ?? "see profile.json"), ("loss", context.loss),
            ("points", "\(main.t.count) values of t in [0, 1], t = 0.5 included"), context.batchNormReporting.factRow,
        ])
    var barriers = HTMLReport.Section("Barriers")
    let warnings = pathWarnings(profiles)
    if !warnings.isEmpty {
        barriers.paragraph(
            "Non-finite values: the loss or accuracy overflowed at some points of these paths. They are shown as ∞ "
                + "or NaN in the tables, left out of the charts (a gap in the line), written as \"Infinity\"/\"NaN\" "
                + "in profile.json and inf/nan in profile.csv. A barrier over points that include a NaN is NaN (at the "
                + "first NaN's t) unless another point already makes it ∞; the midpoint barrier is L(½) as measured.")
        barriers.list(warnings)
    }
    barriers.paragraph(
        "Every barrier definition in use in the literature, each under its name (papers differ; see the definitions below). "
            + "Loss barriers are excesses over the end points; accuracy barriers are drops.")
    let splits = main.splits.keys.sorted(by: >)
    var rows: [[String]] = []
    for p in profiles {
        for d in BarrierDefinition.allCases {
            var row = [p.name, d.rawValue]
            for split in splits {
                row.append(p.barrier(d, split: split, metric: "loss").map { reportNumber($0, "%.4f") } ?? "–")
                row.append(
                    p.barrier(d, split: split, metric: "accuracy").map { reportNumber($0 * 100, "%.2f%%") } ?? "–")
            }
            rows.append(row)
        }
    }
    barriers.table(
        HTMLReport.Table(
            columns: ["path", "definition"] + splits.flatMap { ["\($0) loss", "\($0) accuracy"] }, rows: rows))
    barriers.figure(lossChart, caption: "Loss against t: train solid, test dashed; one colour per path.")
    if let accuracyChart { barriers.figure(accuracyChart, caption: "Accuracy against t: train solid, test dashed.") }
    var geometry = HTMLReport.Section("Geometry")
    geometry.table(
        HTMLReport.Table(
            columns: ["path", "length ∫‖θ′(t)‖dt", "chord ‖θ(1) − θ(0)‖", "length / chord"],
            rows: profiles.map { p in
                [
                    p.name, p.length.map { reportNumber($0, "%.4f") } ?? "–",
                    p.chordLength.map { reportNumber($0, "%.4f") } ?? "–",
                    p.normalizedLength.map { reportNumber($0, "%.4f") } ?? "–",
                ]
            }))
    geometry.paragraph(
        "For a fold-line through a centre c, length / chord = (‖θ₁ − c‖ + ‖c − θ₂‖)/‖θ₁ − θ₂‖ is the upper bound on the normalised "
            + "geodesic distance that a low-loss fold-line certifies (Lin, Li & Wu 2024, Eq. 8).")
    var definitions = HTMLReport.Section("Definitions")
    definitions.list(
        BarrierDefinition.allCases.map { "\($0.rawValue): loss \($0.formula); accuracy \($0.accuracyFormula)" })
    report.sections = [barriers] + (curvatureSection.map { [$0] } ?? []) + [geometry, definitions]
    try report.write(to: "\(directory)/report.html")
    return written + ["report.html"]
}

/// One chart of `metric` against t: a colour per path, train solid and test dashed, the straight
/// line's end-point mean as a reference, and t = ½ marked when a fold-line passes its centre there.
public func pathChart(_ profiles: [PathProfile], metric: String, title: String) -> LineChart {
    var chart = LineChart(title: title, xLabel: "t", yLabel: metric)
    for (index, p) in profiles.enumerated() {
        for split in p.splits.keys.sorted(by: >) {
            let values = p.splits[split]!.map { metric == "loss" ? $0.loss : ($0.accuracy ?? .nan) }
            // A non-finite value cannot be drawn; the gap it leaves is named in the legend.
            let missing = values.filter { !$0.isFinite }.count
            let note = missing == 0 ? "" : " (\(missing) non-finite not drawn)"
            chart.series.append(
                .init(
                    name: "\(p.name) · \(split)\(note)", x: p.t, y: values,
                    style: split == "test" ? .test(index) : .train(index)))
        }
    }
    if let line = profiles.first, let train = line.splits["train"] {
        let ends =
            metric == "loss"
            ? (train.first!.loss, train.last!.loss) : (train.first!.accuracy ?? .nan, train.last!.accuracy ?? .nan)
        let mean = (ends.0 + ends.1) / 2
        // An overflowed end point has no mean to draw (and would stretch the axis to infinity).
        if mean.isFinite { chart.horizontalLines.append(.init(at: mean, label: "end-point mean (train)")) }
    }
    if profiles.contains(where: { $0.kind.hasPrefix("fold-line") }) {
        chart.verticalLines.append(.init(at: 0.5, label: "centre"))
    }
    return chart
}

/// What a path report records about its inputs.
public struct PathReportContext: Sendable {
    public var models: [String]
    public var data: String
    public var loss: String
    public var network: Network
    /// The training seeds recorded in the end points' metadata.
    public var modelSeeds: [String] = []
    /// How BatchNorm's running statistics were set at each point (`orbit path --bn`).
    public var batchNorm: BatchNormHandling

    public init(
        models: [String], data: String, loss: String, network: Network, modelSeeds: [String] = [],
        batchNorm: BatchNormHandling = .reset
    ) {
        self.models = models
        self.data = data
        self.loss = loss
        self.network = network
        self.modelSeeds = modelSeeds
        self.batchNorm = batchNorm
    }

    /// How the report names ``batchNorm`` (`none` for a network without BatchNorm).
    public var batchNormReporting: BatchNormReporting { BatchNormReporting(batchNorm, network: network) }
}

/// The table printed after `orbit path`: every barrier of every path, train and test.
public func pathSummary(_ profiles: [PathProfile]) -> String {
    var lines: [String] = []
    let splits = profiles.first.map { $0.splits.keys.sorted(by: >) } ?? []
    var header =
        "path".padding(toLength: 22, withPad: " ", startingAt: 0)
        + "barrier".padding(toLength: 20, withPad: " ", startingAt: 0)
    for s in splits { header += "\(s) loss".leftPadded(12) + "\(s) acc".leftPadded(11) }
    lines.append(header)
    for p in profiles {
        for d in BarrierDefinition.allCases {
            var line =
                p.name.padding(toLength: 22, withPad: " ", startingAt: 0)
                + d.rawValue.padding(toLength: 20, withPad: " ", startingAt: 0)
            for s in splits {
                let l = p.barrier(d, split: s, metric: "loss").map { reportNumber($0, "%.4f") } ?? "–"
                let acc = p.barrier(d, split: s, metric: "accuracy").map { reportNumber($0 * 100, "%.2f%%") } ?? "–"
                line += l.leftPadded(12) + acc.leftPadded(11)
            }
            lines.append(line)
        }
        if let n = p.normalizedLength {
            lines.append(
                p.name.padding(toLength: 22, withPad: " ", startingAt: 0) + String(format: "length / chord = %.4f", n))
        }
    }
    return lines.joined(separator: "\n")
}

extension String {
    /// The string right-aligned in `width` columns.
    public func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
