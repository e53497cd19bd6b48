import Foundation
import OrbitFormats
import OrbitReports

/// A study's finished runs gathered into one report: `results.json` (every training's and every
/// comparison's metrics, and the runs still missing), `results.csv` (one row per comparison),
/// `barrier-vs-width.svg` (the mean barrier over pairs against width, one series per comparison
/// group, when the models have widths) and `report.html`, in `ROOT/studies/NAME/report/`.
///
/// The numbers come only from the run folders, which hold no times or host names, so two stores
/// that ran the same study — locally or on Slurm — give byte-identical `results.json` and
/// `results.csv`.
public struct StudyCollection {
    /// One finished (or missing) run in the results.
    public struct Entry: Codable, Sendable, Equatable {
        public var key: String
        public var stage: String
        public var group: String
        public var width: Int?
        public var seeds: [UInt64]
        public var metrics: [String: Double]?
    }

    /// The whole of `results.json`.
    public struct Results: Codable, Sendable, Equatable {
        public var study: String
        public var orbitVersion: String
        public var barrierMetric: String
        public var trainings: [Entry]
        public var comparisons: [Entry]
        public var missing: [String]

        enum CodingKeys: String, CodingKey {
            case study, trainings, comparisons, missing
            case orbitVersion = "orbit_version"
            case barrierMetric = "barrier_metric"
        }
    }

    public let plan: StudyPlan
    public let results: Results

    /// Reads every run's metrics from `store`; runs not done are listed as missing.
    public init(plan: StudyPlan, store: RunStore) throws {
        self.plan = plan
        var trainings: [Entry] = [], comparisons: [Entry] = [], missing: [String] = []
        for run in plan.runs {
            let done = store.status(run.key) == .done
            if !done { missing.append(run.key.folderName) }
            let entry = Entry(
                key: run.key.folderName, stage: run.stage, group: run.group, width: run.width, seeds: run.seeds,
                metrics: done ? try store.metrics(run.key) : nil)
            if case .compare = run.work { comparisons.append(entry) } else { trainings.append(entry) }
        }
        let hasTest = comparisons.contains { $0.metrics?["test.loss.convex_combination"] != nil }
        results = Results(
            study: plan.study.name, orbitVersion: orbitVersion,
            barrierMetric: hasTest ? "test.loss.convex_combination" : "train.loss.convex_combination",
            trainings: trainings, comparisons: comparisons, missing: missing)
    }

    /// `ROOT/studies/NAME/report`.
    public static func directory(store: RunStore, study: String) -> String { "\(store.root)/studies/\(study)/report" }

    /// The comparison groups in the study file's order.
    var comparisonGroups: [String] { plan.study.comparisons.map(\.name) }

    /// Metric names of the finished comparisons, sorted.
    var comparisonMetrics: [String] {
        Array(Set(results.comparisons.flatMap { $0.metrics?.keys.map { $0 } ?? [] })).sorted()
    }

    /// results.csv: one row per finished comparison.
    public var csv: CSVDocument {
        let metrics = comparisonMetrics
        var document = CSVDocument(columns: ["group", "method", "path", "width", "seed_a", "seed_b", "key"] + metrics)
        for entry in results.comparisons {
            guard let values = entry.metrics else { continue }
            let comparison = plan.study.comparisons.first { $0.name == entry.group }
            var row: [CSVDocument.Cell] = [
                .text(entry.group), .text(comparison?.method.rawValue ?? ""), .text(comparison?.path.rawValue ?? ""),
                entry.width.map { .integer($0) } ?? .text(""),
                .integer(Int(entry.seeds[0])), .integer(Int(entry.seeds[1])), .text(entry.key),
            ]
            for m in metrics { row.append(.number(values[m] ?? .nan)) }
            document.append(row)
        }
        return document
    }

    /// The mean of `metric` over the finished pairs of each comparison group at each width.
    public func means(_ metric: String) -> [(group: String, widths: [Double], values: [Double])] {
        comparisonGroups.compactMap { group in
            var byWidth: [Int: [Double]] = [:]
            for entry in results.comparisons where entry.group == group {
                guard let width = entry.width, let value = entry.metrics?[metric], value.isFinite else { continue }
                byWidth[width, default: []].append(value)
            }
            guard !byWidth.isEmpty else { return nil }
            let widths = byWidth.keys.sorted()
            return (
                group, widths.map(Double.init),
                widths.map { byWidth[$0]!.reduce(0, +) / Double(byWidth[$0]!.count) }
            )
        }
    }

    /// The barrier against width, one series per comparison group.
    public var barrierChart: LineChart {
        var chart = LineChart(
            title: "Barrier vs width (\(plan.study.name))", xLabel: "width",
            yLabel: "\(results.barrierMetric) (mean over pairs)")
        chart.xScale = .logarithmic
        for (k, series) in means(results.barrierMetric).enumerated() {
            chart.series.append(
                .init(
                    name: series.group, x: series.widths, y: series.values,
                    style: .train(k, marker: MarkerShape.shape(k))))
        }
        return chart
    }

    /// Writes the report files into `directory`; returns their names.
    @discardableResult
    public func write(to directory: String) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try JSONReport.write(results, to: "\(directory)/results.json")
        try csv.write(to: "\(directory)/results.csv")
        var written = ["results.json", "results.csv"]
        var figures = HTMLReport.Section("Barrier vs width")
        let chart = barrierChart
        if !chart.series.isEmpty {
            try chart.write(to: "\(directory)/barrier-vs-width.svg")
            written.append("barrier-vs-width.svg")
            figures.paragraph(
                "Mean over the finished pairs of \(results.barrierMetric): the convex-combination barrier "
                    + "max_t [L(t) − ((1−t)·L(0) + t·L(1))] of the line A → B (or A → π(B) after matching).")
            figures.figure(chart, caption: "barrier vs width")
        } else {
            figures.paragraph("No comparison with widths has finished yet.")
        }
        var trainingSection = HTMLReport.Section("Trained models")
        trainingSection.table(
            HTMLReport.Table(
                columns: ["group", "width", "seed", "train loss", "test loss", "test accuracy", "run"],
                rows: results.trainings.map { e in
                    [
                        e.group, e.width.map(String.init) ?? "–", "\(e.seeds[0])",
                        Self.number(e.metrics?["train.loss"]),
                        Self.number(e.metrics?["test.loss"]), Self.number(e.metrics?["test.accuracy"]), e.key,
                    ]
                }))
        var comparisonSection = HTMLReport.Section("Comparisons")
        comparisonSection.table(
            HTMLReport.Table(
                columns: ["group", "width", "pair", results.barrierMetric, "distance", "run"],
                rows: results.comparisons.map { e in
                    [
                        e.group, e.width.map(String.init) ?? "–", e.seeds.map(String.init).joined(separator: "–"),
                        Self.number(e.metrics?[results.barrierMetric]), Self.number(e.metrics?["distance"]), e.key,
                    ]
                }))
        if !results.missing.isEmpty {
            comparisonSection.paragraph(
                "\(results.missing.count) run(s) not finished: run `orbit study run` or `orbit study submit` again.")
        }
        var report = HTMLReport(
            title: "Orbit study: \(plan.study.name)",
            facts: [
                ("Orbit version", orbitVersion), ("study file", plan.study.path),
                ("runs", "\(plan.runs.count - results.missing.count) finished of \(plan.runs.count)"),
                ("threads per run", "\(plan.study.threads)"),
            ])
        report.sections = [figures, comparisonSection, trainingSection]
        try report.write(to: "\(directory)/report.html")
        return written + ["report.html"]
    }

    static func number(_ value: Double?) -> String {
        guard let value else { return "–" }
        return String(format: "%.6g", value)
    }
}
