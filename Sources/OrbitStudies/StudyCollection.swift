import Foundation
import OrbitFormats
import OrbitReports

/// A study's finished runs gathered into one report: `results.json` (every training's and every
/// comparison's metrics, and the runs still missing), `results.csv` (one row per comparison or
/// star), `barrier-vs-width.svg` (the mean barrier over pairs against width, one series per
/// comparison group, when the models have widths), for fold-line (NGD) and star comparisons
/// `ngd-vs-width.svg` (the mean NGD bound) and `path-max-vs-width.svg` (the mean path-max loss of
/// the direct lines and of the fold-lines, Lin, Li & Wu's Table 1), for model groups with a
/// `hessian` object `hessian.csv` (one row per trained model) and `hessian-vs-width.svg` (the mean
/// top eigenvalue over seeds against width, one series per group), and `report.html`, in
/// `ROOT/studies/NAME/report/`. A comparison's curvature along its path is among its metrics in
/// `results.csv` and in the comparisons table.
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
        /// The curvature at the trained models (nil, and absent from the JSON, when no group asks).
        public var hessians: [Entry]?
        public var missing: [String]

        enum CodingKeys: String, CodingKey {
            case study, trainings, comparisons, hessians, missing
            case orbitVersion = "orbit_version"
            case barrierMetric = "barrier_metric"
        }
    }

    public let plan: StudyPlan
    public let results: Results

    /// Reads every run's metrics from `store`; runs not done are listed as missing.
    public init(plan: StudyPlan, store: RunStore) throws {
        self.plan = plan
        var trainings: [Entry] = [], comparisons: [Entry] = [], hessians: [Entry] = [], missing: [String] = []
        for run in plan.runs {
            let done = store.status(run.key) == .done
            if !done { missing.append(run.key.folderName) }
            let entry = Entry(
                key: run.key.folderName, stage: run.stage, group: run.group, width: run.width, seeds: run.seeds,
                metrics: done ? try store.metrics(run.key) : nil)
            switch run.work {
            case .compare, .star: comparisons.append(entry)
            case .train, .importFile: trainings.append(entry)
            case .hessian: hessians.append(entry)
            }
        }
        let hasTest = comparisons.contains { $0.metrics?["test.loss.convex_combination"] != nil }
        results = Results(
            study: plan.study.name, orbitVersion: orbitVersion,
            barrierMetric: hasTest ? "test.loss.convex_combination" : "train.loss.convex_combination",
            trainings: trainings, comparisons: comparisons,
            hessians: plan.stage("hessian") == nil ? nil : hessians, missing: missing)
    }

    /// `ROOT/studies/NAME/report`.
    public static func directory(store: RunStore, study: String) -> String { "\(store.root)/studies/\(study)/report" }

    /// The comparison groups in the study file's order.
    var comparisonGroups: [String] { plan.study.comparisons.map(\.name) }

    /// The comparison groups whose paths go through a fitted centre (fold-line or star).
    var centreGroups: Set<String> { Set(plan.study.comparisons.filter(\.path.hasCentre).map(\.name)) }

    /// The split of the centre figures and table: test when the fold-lines were measured on it.
    var centreSplit: String {
        results.comparisons.contains { $0.metrics?["fold.test.loss.path_max"] != nil } ? "test" : "train"
    }

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
            // A star has no pair: its row is every seed of its width.
            let pair = comparison?.path != .star && entry.seeds.count == 2
            var row: [CSVDocument.Cell] = [
                .text(entry.group), .text(comparison?.method.rawValue ?? ""), .text(comparison?.path.rawValue ?? ""),
                entry.width.map { .integer($0) } ?? .text(""),
                pair ? .integer(Int(entry.seeds[0])) : .text(""), pair ? .integer(Int(entry.seeds[1])) : .text(""),
                .text(entry.key),
            ]
            for m in metrics { row.append(.number(values[m] ?? .nan)) }
            document.append(row)
        }
        return document
    }

    /// hessian.csv: one row per finished hessian run (a trained model's curvature).
    public var hessianCSV: CSVDocument {
        let metrics = Array(Set((results.hessians ?? []).flatMap { $0.metrics?.keys.map { $0 } ?? [] })).sorted()
        var document = CSVDocument(columns: ["group", "width", "seed", "key"] + metrics)
        for entry in results.hessians ?? [] {
            guard let values = entry.metrics else { continue }
            var row: [CSVDocument.Cell] = [
                .text(entry.group), entry.width.map { .integer($0) } ?? .text(""), .integer(Int(entry.seeds[0])),
                .text(entry.key),
            ]
            for m in metrics { row.append(.number(values[m] ?? .nan)) }
            document.append(row)
        }
        return document
    }

    /// The mean of `metric` over the finished pairs of each comparison group at each width (with
    /// `hessians`, over the seeds of each model group with curvature runs).
    public func means(_ metric: String, hessians: Bool = false) -> [(
        group: String, widths: [Double], values: [Double]
    )] {
        let entries = hessians ? results.hessians ?? [] : results.comparisons
        let groups = hessians ? plan.study.models.filter { $0.hessian != nil }.map(\.name) : comparisonGroups
        return groups.compactMap { group in
            var byWidth: [Int: [Double]] = [:]
            for entry in entries where entry.group == group {
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
        chart(
            title: "Barrier vs width (\(plan.study.name))", yLabel: "\(results.barrierMetric) (mean over pairs)",
            metrics: [(results.barrierMetric, "", false)])
    }

    /// The NGD bound (Eq. 8) against width, one series per fold-line or star group.
    public var ngdChart: LineChart {
        chart(
            title: "NGD bound vs width (\(plan.study.name))", yLabel: "ngd.bound (mean over pairs)",
            metrics: [("ngd.bound", "", false)])
    }

    /// Lin, Li & Wu's Table 1 against width: per fold-line or star group, the mean path-max loss of
    /// the direct lines (solid) and of the fold-lines through the centre (dashed).
    public var pathMaximumChart: LineChart {
        let split = centreSplit
        return chart(
            title: "Path-max loss vs width (\(plan.study.name))", yLabel: "\(split) loss path max (mean over pairs)",
            metrics: [
                ("direct.\(split).loss.path_max", " direct", false),
                ("fold.\(split).loss.path_max", " fold-line", true),
            ]
        )
    }

    /// The top eigenvalue λ_max of the Hessian at the trained models against width (the mean over
    /// seeds), one series per model group with a `hessian` object: sharpness vs width.
    public var hessianChart: LineChart {
        chart(
            title: "Hessian top eigenvalue vs width (\(plan.study.name))", yLabel: "hessian.top (mean over seeds)",
            metrics: [("hessian.top", "", false)], hessians: true)
    }

    /// A chart of `metrics` (name, series suffix, dashed) against width on a logarithmic axis, one
    /// colour per comparison group (with `hessians`, per model group) that has the metric.
    func chart(
        title: String, yLabel: String, metrics: [(name: String, suffix: String, dashed: Bool)], hessians: Bool = false
    ) -> LineChart {
        var chart = LineChart(title: title, xLabel: "width", yLabel: yLabel)
        chart.xScale = .logarithmic
        for metric in metrics {
            for (k, series) in means(metric.name, hessians: hessians).enumerated() {
                let marker = MarkerShape.shape(k)
                chart.series.append(
                    .init(
                        name: series.group + metric.suffix, x: series.widths, y: series.values,
                        style: metric.dashed ? .test(k, marker: marker) : .train(k, marker: marker)))
            }
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
                    + "max_t [L(t) − ((1−t)·L(0) + t·L(1))] of the line A → B (or A → π(B) after matching; "
                    + "of the fitted curve or the fold-line A → c → B for those groups).")
            figures.figure(chart, caption: "barrier vs width")
        } else {
            figures.paragraph("No comparison with widths has finished yet.")
        }
        let ngd = ngdChart, pathMaximum = pathMaximumChart
        if !ngd.series.isEmpty {
            try ngd.write(to: "\(directory)/ngd-vs-width.svg")
            try pathMaximum.write(to: "\(directory)/path-max-vs-width.svg")
            written += ["ngd-vs-width.svg", "path-max-vs-width.svg"]
            figures.paragraph(
                "Fold-lines through fitted centres (Lin, Li & Wu 2024): the normalised geodesic distance bound "
                    + "(‖A − c‖ + ‖c − B‖)/‖A − B‖ (Eq. 8), and the path-max loss max_t L(t) of the direct lines and "
                    + "of the fold-lines A → c → B (Table 1), each the mean over the pairs of a width.")
            figures.figure(ngd, caption: "NGD bound vs width")
            figures.figure(pathMaximum, caption: "path-max loss vs width: direct lines and fold-lines")
        }
        let hessianEntries = results.hessians ?? []
        var hessianSection = HTMLReport.Section("Curvature at the trained models")
        if !hessianEntries.isEmpty {
            try hessianCSV.write(to: "\(directory)/hessian.csv")
            written.append("hessian.csv")
            let sharpness = hessianChart
            if !sharpness.series.isEmpty {
                try sharpness.write(to: "\(directory)/hessian-vs-width.svg")
                written.append("hessian-vs-width.svg")
                hessianSection.figure(sharpness, caption: "Hessian top eigenvalue vs width")
            }
            hessianSection.paragraph(
                "The Hessian of the training loss at each trained model on its curvature samples: the top "
                    + "eigenvalue λ_max by Lanczos with its residual ‖H·u − λ·u‖ (the error bar), and the trace by "
                    + "Hutchinson's estimator ± its standard error.")
            hessianSection.table(
                HTMLReport.Table(
                    columns: ["group", "width", "seed", "λ_max", "residual", "trace", "± SE", "samples", "run"],
                    rows: hessianEntries.map { e in
                        [
                            e.group, e.width.map(String.init) ?? "–", "\(e.seeds[0])",
                            Self.number(e.metrics?["hessian.top"]), Self.number(e.metrics?["hessian.top.residual"]),
                            Self.number(e.metrics?["hessian.trace"]), Self.number(e.metrics?["hessian.trace.se"]),
                            Self.number(e.metrics?["hessian.samples"]), e.key,
                        ]
                    }))
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
        // Curvature along the paths, when any comparison measured it: λ_max (largest along the
        // path, and at t = ½, ± the Lanczos residual) and the trace at t = ½ ± SE.
        let curvatureColumns: [(name: String, value: String, error: String?)] = [
            ("λ_max max", "hessian.top.max", "hessian.top.max.residual"),
            ("λ_max at ½", "hessian.top.at_midpoint", "hessian.top.at_midpoint.residual"),
            ("trace at ½", "hessian.trace.at_midpoint", "hessian.trace.at_midpoint.se"),
        ].filter { column in results.comparisons.contains { $0.metrics?[column.value] != nil } }
        comparisonSection.table(
            HTMLReport.Table(
                columns: ["group", "width", "pair", results.barrierMetric, "distance"] + curvatureColumns.map(\.name)
                    + ["run"],
                rows: results.comparisons.map { e in
                    [
                        e.group, e.width.map(String.init) ?? "–", e.seeds.map(String.init).joined(separator: "–"),
                        Self.number(e.metrics?[results.barrierMetric]), Self.number(e.metrics?["distance"]),
                    ]
                        + curvatureColumns.map { column in
                            guard let value = e.metrics?[column.value] else { return "–" }
                            let error = column.error.flatMap { e.metrics?[$0] }
                            return Self.number(value) + (error.map { " ± " + Self.number($0) } ?? "")
                        } + [e.key]
                }))
        let centres = centreGroups, split = centreSplit
        var centreSection = HTMLReport.Section("Star centres and NGD")
        centreSection.table(
            HTMLReport.Table(
                columns: [
                    "group", "width", "seeds", "NGD bound", "direct \(split) path max", "fold-line \(split) path max",
                    "arms \(split) path max", "run",
                ],
                rows: results.comparisons.filter { centres.contains($0.group) }.map { e in
                    [
                        e.group, e.width.map(String.init) ?? "–", e.seeds.map(String.init).joined(separator: "–"),
                        Self.number(e.metrics?["ngd.bound"]), Self.number(e.metrics?["direct.\(split).loss.path_max"]),
                        Self.number(e.metrics?["fold.\(split).loss.path_max"]),
                        Self.number(e.metrics?["arms.\(split).loss.path_max"]), e.key,
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
        report.sections =
            [figures, comparisonSection] + (centres.isEmpty ? [] : [centreSection])
            + (hessianEntries.isEmpty ? [] : [hessianSection]) + [trainingSection]
        try report.write(to: "\(directory)/report.html")
        return written + ["report.html"]
    }

    static func number(_ value: Double?) -> String {
        guard let value else { return "–" }
        return String(format: "%.6g", value)
    }
}
