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
///
/// Non-finite values (a loss that overflowed) are kept and marked, never dropped: JSONReport's
/// `"Infinity"`/`"NaN"` strings in profile.json, `inf`/`-inf`/`nan` in profile.csv, "∞"/"NaN" with a
/// note in report.html, and gaps with a legend note in the charts. ``pathWarnings(_:)`` says which
/// points they are, for the command to print.
@discardableResult
public func writePathReport(_ profiles: [PathProfile], context: PathReportContext, directory: String) throws -> [String]
{
    try JSONReport.write(PathReportRecord(profiles, context: context), to: "\(directory)/profile.json")

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
        + (try writePathFigures(profiles, main: mainProfile(of: profiles), context: context, directory: directory))
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

/// profile.json: the main path's fields at the top level (see ``writePathReport(_:context:directory:)``),
/// what the run used, every barrier definition, and every path.
public struct PathReportRecord: Encodable {
    public var main: PathProfileRecord
    public var orbitVersion = OrbitFormats.orbitVersion
    public var models: [String]
    public var modelSeeds: [String]
    public var data: String
    public var lossFunction: String
    /// The network's compact description (`mlp:…`), or its JSON spec when it has none.
    public var network: String
    /// definition → {"loss": formula, "accuracy": formula}.
    public var barrierDefinitions: [String: [String: String]]
    public var paths: [PathProfileRecord]
    /// Non-finite values found (see ``pathWarnings(_:)``); absent when there are none.
    public var warnings: [String]?

    public init(_ profiles: [PathProfile], context: PathReportContext) {
        main = PathProfileRecord(mainProfile(of: profiles))
        models = context.models
        modelSeeds = context.modelSeeds
        data = context.data
        lossFunction = context.loss
        network = context.network.compactDescription ?? context.network.jsonDescription
        barrierDefinitions = Dictionary(
            uniqueKeysWithValues: BarrierDefinition.allCases.map {
                ($0.rawValue, ["loss": $0.formula, "accuracy": $0.accuracyFormula])
            })
        paths = profiles.map(PathProfileRecord.init)
        let found = pathWarnings(profiles)
        warnings = found.isEmpty ? nil : found
    }

    enum CodingKeys: String, CodingKey {
        case orbitVersion = "orbit_version"
        case models
        case modelSeeds = "model_seeds"
        case data
        case lossFunction = "loss_function"
        case network
        case barrierDefinitions = "barrier_definitions"
        case paths, warnings
    }

    public func encode(to encoder: Encoder) throws {
        try main.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(orbitVersion, forKey: .orbitVersion)
        try container.encode(models, forKey: .models)
        try container.encode(modelSeeds, forKey: .modelSeeds)
        try container.encode(data, forKey: .data)
        try container.encode(lossFunction, forKey: .lossFunction)
        try container.encode(network, forKey: .network)
        try container.encode(barrierDefinitions, forKey: .barrierDefinitions)
        try container.encode(paths, forKey: .paths)
        try container.encodeIfPresent(warnings, forKey: .warnings)
    }
}

/// One path as JSON: its points (t with train/test loss and accuracy), geometry and barriers keyed
/// by definition name, then split, then metric (`loss`, `loss_at_t`, `accuracy`, `accuracy_at_t`).
public struct PathProfileRecord: Codable, Equatable {
    public struct Point: Codable, Equatable {
        public var t: Double
        /// split name → metrics at t.
        public var splits: [String: MetricsRecord]

        public init(t: Double, splits: [String: MetricsRecord]) {
            self.t = t
            self.splits = splits
        }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: NamedKey.self)
            try container.encode(t, forKey: NamedKey("t"))
            for (split, metrics) in splits { try container.encode(metrics, forKey: NamedKey(split)) }
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: NamedKey.self)
            t = try container.decode(Double.self, forKey: NamedKey("t"))
            splits = [:]
            for key in container.allKeys where key.stringValue != "t" {
                splits[key.stringValue] = try container.decode(MetricsRecord.self, forKey: key)
            }
        }
    }

    public var name: String
    public var kind: String
    public var points: [Point]
    public var barriers: [String: [String: [String: Double]]]
    public var length: Double?
    public var chordLength: Double?
    public var normalizedLength: Double?

    public init(_ p: PathProfile) {
        name = p.name
        kind = p.kind
        points = p.t.indices.map { i in Point(t: p.t[i], splits: p.splits.mapValues { MetricsRecord($0[i]) }) }
        barriers = [:]
        for b in p.barriers {
            barriers[b.definition.rawValue, default: [:]][b.split, default: [:]][b.metric] = b.value
            barriers[b.definition.rawValue, default: [:]][b.split, default: [:]]["\(b.metric)_at_t"] = b.at
        }
        length = p.length
        chordLength = p.chordLength
        normalizedLength = p.normalizedLength
    }

    enum CodingKeys: String, CodingKey {
        case name, kind, points, barriers, length
        case chordLength = "chord_length"
        case normalizedLength = "normalized_length"
    }
}

/// A coding key with any name, for objects whose keys are data (split names).
struct NamedKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
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
    let warnings = pathWarnings(profiles)
    if !warnings.isEmpty {
        barriers.paragraph(
            "Non-finite values: the loss or accuracy overflowed at some points of these paths. They are shown as ∞ "
                + "or NaN in the tables, left out of the charts (a gap in the line), written as \"Infinity\"/\"NaN\" "
                + "in profile.json and inf/nan in profile.csv. Barriers that take a maximum skip NaN points.")
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

    public init(models: [String], data: String, loss: String, network: Network, modelSeeds: [String] = []) {
        self.models = models
        self.data = data
        self.loss = loss
        self.network = network
        self.modelSeeds = modelSeeds
    }
}

/// `x` formatted with `format` (a printf format), or "∞", "−∞", "NaN" when it is not finite.
public func reportNumber(_ x: Double, _ format: String) -> String {
    if x.isNaN { return "NaN" }
    if x.isInfinite { return x > 0 ? "∞" : "−∞" }
    return String(format: format, x)
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
