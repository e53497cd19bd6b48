import Foundation
import OrbitFormats
import OrbitNetworks
import OrbitPaths
import OrbitReports
import OrbitStar
import OrbitTraining

/// What a star report records about its inputs.
public struct StarReportContext: Sendable {
    /// The fitted feet's files (or names) and the held-out ones.
    public var models: [String]
    public var heldOut: [String]
    public var data: String
    public var loss: String
    public var network: Network
    /// The centre-finding options (nil when the centre was given, not fitted).
    public var configuration: CentreConfiguration?
    /// Mean objective per epoch of the centre fit.
    public var history: [Double]
    /// How the centre was initialised ("mean of the feet", a file, …) or where it came from.
    public var centreSource: String
    /// The training seeds recorded in the feet's metadata.
    public var modelSeeds: [String]
    /// How BatchNorm's running statistics were set at each point (`--bn`).
    public var batchNorm: BatchNormHandling

    public init(
        models: [String], heldOut: [String] = [], data: String, loss: String, network: Network,
        configuration: CentreConfiguration?, history: [Double] = [], centreSource: String, modelSeeds: [String] = [],
        batchNorm: BatchNormHandling = .reset
    ) {
        self.batchNorm = batchNorm
        self.models = models
        self.heldOut = heldOut
        self.data = data
        self.loss = loss
        self.network = network
        self.configuration = configuration
        self.history = history
        self.centreSource = centreSource
        self.modelSeeds = modelSeeds
    }
}

/// Writes DIR/star.json (every number, the barrier definitions, options, seeds, version), star.csv
/// (every point of every path), the SVG charts and report.html; returns the files written.
@discardableResult
public func writeStarReport(_ evaluation: StarEvaluation, context: StarReportContext, directory: String) throws
    -> [String]
{
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let splits = evaluation.arms.first.map { $0.splits.keys.sorted(by: >) } ?? ["train"]
    try JSONReport.write(StarReportRecord(evaluation, context: context), to: "\(directory)/star.json")

    var csv = "group,path,kind,t,split,loss,accuracy\n"
    func rows(_ group: String, _ p: PathProfile) {
        for split in p.splits.keys.sorted(by: >) {
            for (t, m) in zip(p.t, p.splits[split]!) {
                csv += "\(group),\"\(p.name)\",\(p.kind),\(t),\(split),\(m.loss),\(m.accuracy.map { "\($0)" } ?? "")\n"
            }
        }
    }
    for p in evaluation.arms { rows("arm", p) }
    for p in evaluation.heldOutArms { rows("held-out arm", p) }
    for p in evaluation.pairs {
        rows("direct", p.direct)
        rows("fold", p.fold)
    }
    for p in evaluation.heldOutPairs {
        rows("held-out direct", p.direct)
        rows("held-out fold", p.fold)
    }
    try AtomicFile.write(csv, to: "\(directory)/star.csv")
    var written = ["star.json", "star.csv"]

    let hasAccuracy = evaluation.arms.allSatisfy {
        $0.splits.values.allSatisfy { $0.allSatisfy { $0.accuracy != nil } }
    }
    var charts: [(file: String, chart: LineChart, caption: String)] = []
    func add(_ file: String, _ profiles: [PathProfile], _ metric: String, _ title: String, _ caption: String) {
        guard !profiles.isEmpty else { return }
        charts.append((file, pathChart(profiles, metric: metric, title: title), caption))
    }
    add(
        "direct-loss.svg", evaluation.pairs.map(\.direct), "loss", "Loss along the direct lines θ_i → θ_j",
        "Loss along each pair's straight line (train solid, test dashed).")
    add(
        "fold-loss.svg", evaluation.pairs.map(\.fold), "loss", "Loss along the fold-lines θ_i → c → θ_j",
        "Loss along each pair's fold-line through the centre (at s = ½).")
    add(
        "arms-loss.svg", evaluation.arms + evaluation.heldOutArms, "loss", "Loss along the arms θ_i → c",
        "Loss from each foot (t = 0) to the centre (t = 1); held-out feet are listed after the fitted ones.")
    if hasAccuracy {
        add(
            "direct-accuracy.svg", evaluation.pairs.map(\.direct), "accuracy", "Accuracy along the direct lines",
            "Accuracy along each pair's straight line.")
        add(
            "fold-accuracy.svg", evaluation.pairs.map(\.fold), "accuracy", "Accuracy along the fold-lines",
            "Accuracy along each pair's fold-line through the centre.")
    }
    for c in charts {
        try c.chart.write(to: "\(directory)/\(c.file)")
        written.append(c.file)
    }

    var report = HTMLReport(
        title: "Orbit star report",
        facts: [
            ("Orbit version", orbitVersion), ("feet (fitted)", context.models.joined(separator: ", ")),
            ("held-out feet", context.heldOut.isEmpty ? "none" : context.heldOut.joined(separator: ", ")),
            ("data", context.data), ("network", context.network.compactDescription ?? "see star.json"),
            ("loss", context.loss), ("centre", context.centreSource),
            ("centre finding", context.configuration.map(configurationSummary) ?? "centre given"),
            BatchNormReporting(context.batchNorm, network: context.network).factRow,
        ])
    report.sections.append(
        tableOneSection(evaluation.pairs, splits: splits, heading: "Direct lines vs fold-lines (Table 1)"))
    if !evaluation.heldOutPairs.isEmpty {
        var held = tableOneSection(
            evaluation.heldOutPairs, splits: splits, heading: "Held-out feet (minima not used to fit the centre)")
        held.paragraph(
            "A centre fitted to some minima need not see others along straight lines: Lin, Li & Wu fit and test on the same feet; "
                + "Sonthalia et al. test held-out minima. Each held-out foot is paired with every fitted foot.")
        report.sections.append(held)
    }
    var pairSection = HTMLReport.Section("Every pair")
    pairSection.table(pairTable(evaluation.pairs + evaluation.heldOutPairs, splits: splits))
    for c in charts { pairSection.figure(c.chart, caption: c.caption) }
    report.sections.append(pairSection)
    var arms = HTMLReport.Section("Arms")
    arms.table(
        HTMLReport.Table(
            columns: ["arm", "‖θ_i − c‖", "train loss path max"]
                + (splits.contains("test") ? ["test loss path max"] : []),
            rows: (evaluation.arms + evaluation.heldOutArms).map { p in
                [p.name, p.chordLength.map { starNumber($0) } ?? "–", p.barrier(.pathMaximum).map(starNumber) ?? "–"]
                    + (splits.contains("test") ? [p.barrier(.pathMaximum, split: "test").map(starNumber) ?? "–"] : [])
            }))
    report.sections.append(arms)
    if !context.history.isEmpty {
        var history = HTMLReport.Section("Centre fit")
        var chart = LineChart(title: "Centre-finding objective per epoch", xLabel: "epoch", yLabel: "mean objective")
        chart.series.append(
            .init(name: "objective", x: context.history.indices.map { Double($0 + 1) }, y: context.history))
        try chart.write(to: "\(directory)/centre-history.svg")
        written.append("centre-history.svg")
        history.figure(chart, caption: "Mean minibatch objective of Eq. 7 per epoch (sampled feet and t).")
        report.sections.append(history)
    }
    var definitions = HTMLReport.Section("Definitions")
    definitions.list(
        ["path_max (Lin et al.'s barrier): loss max_t L(t), accuracy min_t A(t), averaged over pairs"]
            + BarrierDefinition.allCases.map { "\($0.rawValue): loss \($0.formula); accuracy \($0.accuracyFormula)" }
            + [
                "NGD bound (Eq. 8): (‖θ_i − c‖ + ‖c − θ_j‖)/‖θ_i − θ_j‖ — a bound on the normalised geodesic distance when both arms have low loss"
            ])
    report.sections.append(definitions)
    try report.write(to: "\(directory)/report.html")
    return written + ["report.html"]
}

func starNumber(_ x: Double) -> String {
    guard x.isFinite else { return reportNumber(x, "%.4f") }
    if x != 0 && (abs(x) < 1e-3 || abs(x) >= 1e5) { return String(format: "%.3e", x) }
    return String(format: "%.4f", x)
}

func starPercent(_ x: Double?) -> String { x.map { reportNumber($0 * 100, "%.2f%%") } ?? "–" }

func configurationSummary(_ c: CentreConfiguration) -> String {
    "\(c.optimizer.summary), lr \(c.learningRate), batch \(c.batchSize), \(c.epochs) epochs, B_r = \(c.feetPerStep), "
        + "B_t = \(c.tPerStep), λ = \(c.penalty), seed \(c.seed)"
}

func tableOneSection(_ pairs: [StarPair], splits: [String], heading: String) -> HTMLReport.Section {
    var section = HTMLReport.Section(heading)
    var rows: [[String]] = []
    for split in splits {
        rows.append([
            "\(split) loss, path max", StarEvaluation.mean(pairs, direct: true, split: split).map(starNumber) ?? "–",
            StarEvaluation.mean(pairs, direct: false, split: split).map(starNumber) ?? "–",
        ])
        rows.append([
            "\(split) accuracy, path min",
            starPercent(StarEvaluation.mean(pairs, direct: true, split: split, metric: "accuracy")),
            starPercent(StarEvaluation.mean(pairs, direct: false, split: split, metric: "accuracy")),
        ])
    }
    let bounds = pairs.map(\.normalizedGeodesicDistanceBound)
    rows.append([
        "NGD bound (Eq. 8), mean", "–", bounds.isEmpty ? "–" : starNumber(bounds.reduce(0, +) / Double(bounds.count)),
    ])
    section.table(
        HTMLReport.Table(
            columns: ["averaged over \(pairs.count) pairs", "direct line", "fold-line via centre"], rows: rows,
            caption:
                "Lin, Li & Wu's barriers: the highest loss and the lowest accuracy along each path, averaged over pairs."
        ))
    return section
}

func pairTable(_ pairs: [StarPair], splits: [String]) -> HTMLReport.Table {
    var rows: [[String]] = []
    for p in pairs {
        for (label, profile) in [("direct", p.direct), ("fold", p.fold)] {
            for d in BarrierDefinition.allCases {
                var row = ["\(p.first) – \(p.second)", label, d.rawValue]
                for split in splits {
                    row.append(profile.barrier(d, split: split, metric: "loss").map(starNumber) ?? "–")
                    row.append(starPercent(profile.barrier(d, split: split, metric: "accuracy")))
                }
                row.append(label == "fold" ? starNumber(p.normalizedGeodesicDistanceBound) : "1")
                rows.append(row)
            }
        }
    }
    return HTMLReport.Table(
        columns: ["pair", "path", "definition"] + splits.flatMap { ["\($0) loss", "\($0) accuracy"] }
            + ["length / chord"], rows: rows)
}

/// The table printed after `orbit star` / `orbit ngd`: Table 1's averages and each pair's NGD bound.
public func starSummary(_ evaluation: StarEvaluation) -> String {
    var lines: [String] = []
    let splits = evaluation.arms.first.map { $0.splits.keys.sorted(by: >) } ?? ["train"]
    func block(_ pairs: [StarPair], _ title: String) {
        guard !pairs.isEmpty else { return }
        lines.append(
            "\(title) (\(pairs.count) pairs)".padding(toLength: 34, withPad: " ", startingAt: 0)
                + "direct".leftPadded(12) + "fold-line".leftPadded(12))
        for split in splits {
            lines.append(
                "  \(split) loss, path max".padding(toLength: 34, withPad: " ", startingAt: 0)
                    + (StarEvaluation.mean(pairs, direct: true, split: split).map(starNumber) ?? "–").leftPadded(12)
                    + (StarEvaluation.mean(pairs, direct: false, split: split).map(starNumber) ?? "–").leftPadded(12))
            if StarEvaluation.mean(pairs, direct: true, split: split, metric: "accuracy") != nil {
                lines.append(
                    "  \(split) accuracy, path min".padding(toLength: 34, withPad: " ", startingAt: 0)
                        + starPercent(StarEvaluation.mean(pairs, direct: true, split: split, metric: "accuracy"))
                        .leftPadded(12)
                        + starPercent(StarEvaluation.mean(pairs, direct: false, split: split, metric: "accuracy"))
                        .leftPadded(12))
            }
        }
    }
    block(evaluation.pairs, "fitted feet")
    block(evaluation.heldOutPairs, "held-out feet")
    for p in evaluation.pairs + evaluation.heldOutPairs {
        lines.append(
            "  \(p.first) – \(p.second): NGD bound (Eq. 8) \(String(format: "%.4f", p.normalizedGeodesicDistanceBound))"
        )
    }
    return lines.joined(separator: "\n")
}
