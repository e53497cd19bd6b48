import Foundation
import OrbitCheckpoints
import OrbitFormats
import OrbitNetworks
import OrbitPaths
import OrbitReports
import OrbitTraining

/// Writes DIR/profile.json, profile.csv (and, with the charts, profile.svg and report.html) for the
/// profiles of one `orbit path` run. The first profile beyond the straight line (or the line itself)
/// is the "main" path whose `points` and `barriers` sit at the top level of profile.json.
@discardableResult
public func writePathReport(_ profiles: [PathProfile], context: PathReportContext, directory: String) throws -> [String]
{
    let main = profiles.count > 1 ? profiles[1] : profiles[0]
    var object = profileObject(main)
    object["orbit_version"] = orbitVersion
    object["models"] = context.models
    object["model_seeds"] = context.modelSeeds
    object["data"] = context.data
    object["loss_function"] = context.loss
    object["network"] = context.network.compactDescription ?? context.network.jsonDescription
    object["barrier_definitions"] = Dictionary(
        uniqueKeysWithValues: BarrierDefinition.allCases.map {
            ($0.rawValue, ["loss": $0.formula, "accuracy": $0.accuracyFormula])
        })
    object["paths"] = profiles.map(profileObject)
    try writeJSON(object, to: "\(directory)/profile.json")

    var csv = "path,t,split,loss,accuracy\n"
    for p in profiles {
        for split in p.splits.keys.sorted(by: >) {
            for (t, m) in zip(p.t, p.splits[split]!) {
                csv += "\"\(p.name)\",\(t),\(split),\(m.loss),\(m.accuracy.map { "\($0)" } ?? "")\n"
            }
        }
    }
    try AtomicFile.write(csv, to: "\(directory)/profile.csv")
    return ["profile.json", "profile.csv"]
        + (try writePathFigures(profiles, main: main, context: context, directory: directory))
}

/// One path as JSON: its points (t with train/test loss and accuracy), geometry and barriers keyed
/// by definition name, then split, then metric.
public func profileObject(_ p: PathProfile) -> [String: Any] {
    var points: [[String: Any]] = []
    for (i, t) in p.t.enumerated() {
        var point: [String: Any] = ["t": t]
        for (split, metrics) in p.splits { point[split] = metricsObject(metrics[i]) }
        points.append(point)
    }
    var barriers: [String: [String: [String: Any]]] = [:]
    for b in p.barriers {
        barriers[b.definition.rawValue, default: [:]][b.split, default: [:]][b.metric] = b.value
        barriers[b.definition.rawValue, default: [:]][b.split, default: [:]]["\(b.metric)_at_t"] = b.at
    }
    var object: [String: Any] = ["name": p.name, "kind": p.kind, "points": points, "barriers": barriers]
    if let l = p.length { object["length"] = l }
    if let c = p.chordLength { object["chord_length"] = c }
    if let n = p.normalizedLength { object["normalized_length"] = n }
    return object
}

/// The loss and accuracy charts and the self-contained HTML page; returns the files written.
public func writePathFigures(
    _ profiles: [PathProfile], main: PathProfile, context: PathReportContext, directory: String
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
            ("points", "\(main.t.count) values of t in [0, 1], t = 0.5 included"),
        ])
    var barriers = HTMLReport.Section("Barriers")
    barriers.paragraph(
        "Every barrier definition in use in the literature, each under its name (papers differ; see the definitions below). "
            + "Loss barriers are excesses over the end points; accuracy barriers are drops.")
    let splits = main.splits.keys.sorted(by: >)
    var rows: [[String]] = []
    for p in profiles {
        for d in BarrierDefinition.allCases {
            var row = [p.name, d.rawValue]
            for split in splits {
                row.append(p.barrier(d, split: split, metric: "loss").map { String(format: "%.4f", $0) } ?? "–")
                row.append(
                    p.barrier(d, split: split, metric: "accuracy").map { String(format: "%.2f%%", $0 * 100) } ?? "–")
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
                    p.name, p.length.map { String(format: "%.4f", $0) } ?? "–",
                    p.chordLength.map { String(format: "%.4f", $0) } ?? "–",
                    p.normalizedLength.map { String(format: "%.4f", $0) } ?? "–",
                ]
            }))
    geometry.paragraph(
        "For a fold-line through a centre c, length / chord = (‖θ₁ − c‖ + ‖c − θ₂‖)/‖θ₁ − θ₂‖ is the upper bound on the normalised "
            + "geodesic distance that a low-loss fold-line certifies (Lin, Li & Wu 2024, Eq. 8).")
    var definitions = HTMLReport.Section("Definitions")
    definitions.list(
        BarrierDefinition.allCases.map { "\($0.rawValue): loss \($0.formula); accuracy \($0.accuracyFormula)" })
    report.sections = [barriers, geometry, definitions]
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
            chart.series.append(
                .init(
                    name: "\(p.name) · \(split)", x: p.t, y: values,
                    style: split == "test" ? .test(index) : .train(index)))
        }
    }
    if let line = profiles.first, let train = line.splits["train"] {
        let ends =
            metric == "loss"
            ? (train.first!.loss, train.last!.loss) : (train.first!.accuracy ?? .nan, train.last!.accuracy ?? .nan)
        chart.horizontalLines.append(.init(at: (ends.0 + ends.1) / 2, label: "end-point mean (train)"))
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

    public init(models: [String], data: String, loss: String, network: Network, modelSeeds: [String] = []) {
        self.models = models
        self.data = data
        self.loss = loss
        self.network = network
        self.modelSeeds = modelSeeds
    }
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
                let l = p.barrier(d, split: s, metric: "loss").map { String(format: "%.4f", $0) } ?? "–"
                let acc = p.barrier(d, split: s, metric: "accuracy").map { String(format: "%.2f%%", $0 * 100) } ?? "–"
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
