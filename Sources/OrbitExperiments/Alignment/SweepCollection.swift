import Foundation
import OrbitFormats
import OrbitReports

/// The finished runs of a sweep, gathered from one or more sweep folders (the shards of one sweep
/// may run into one shared folder or into several), and the report made of them.
///
/// ``write(to:)`` writes `results.json` (every finished run's configuration and metrics, in run
/// order, and the runs still missing), `results.csv` (one row per finished run), one SVG per metric
/// (its mean over repetitions against the sweep's x key, a series per setting of the other keys)
/// and `report.html`. The output depends only on the finished runs, not on how they were sharded.
public struct SweepCollection {
    public struct Run {
        public var index: Int
        public var id: String
        public var configuration: [String: ResultValue]
        /// nil when the run has not finished (no result file).
        public var metrics: [String: Double]?
    }

    public var kind: String
    public var xKey: String
    public var logX: Bool
    public var repetitionKeys: [String]
    public var runs: [Run]

    public var finished: [Run] { runs.filter { $0.metrics != nil } }
    public var missing: [Run] { runs.filter { $0.metrics == nil } }

    /// Reads the manifests and result files of `directories` (all of one sweep kind).
    public init(directories: [String]) throws {
        precondition(!directories.isEmpty, "collect needs at least one directory")
        var kind: String?
        var xKey = "", logX = true, repetitionKeys: [String] = []
        var byIndex: [Int: Run] = [:]
        for directory in directories {
            let manifestPath = "\(directory)/sweep.json"
            guard FileManager.default.fileExists(atPath: manifestPath) else {
                throw SweepError.noManifest(directory: directory)
            }
            let manifest = try Self.read(SweepManifest.self, manifestPath)
            let k = manifest.kind
            if let kind, kind != k {
                throw SweepError.unreadable(path: manifestPath, reason: "sweep kind '\(k)' differs from '\(kind)'")
            }
            kind = k
            xKey = manifest.x ?? ""
            logX = manifest.logX ?? true
            repetitionKeys = manifest.repetitionKeys ?? ["seed"]
            for entry in manifest.runs {
                let (index, id, configuration) = (entry.index, entry.id, entry.configuration)
                var run = byIndex[index] ?? Run(index: index, id: id, configuration: configuration, metrics: nil)
                if run.id != id {
                    throw SweepError.unreadable(
                        path: manifestPath, reason: "run \(index) is \(id) here but \(run.id) in another folder")
                }
                let resultPath = SweepRunner.resultPath(directory: directory, run: id)
                if run.metrics == nil, FileManager.default.fileExists(atPath: resultPath) {
                    run.metrics = try Self.read(SweepRunResult.self, resultPath).metrics
                }
                byIndex[index] = run
            }
        }
        self.kind = kind!
        self.xKey = xKey
        self.logX = logX
        self.repetitionKeys = repetitionKeys
        self.runs = byIndex.keys.sorted().map { byIndex[$0]! }
    }

    /// Reads Orbit's own JSON (non-finite numbers included) as `T`; errors name the file.
    static func read<T: Decodable>(_ type: T.Type, _ path: String) throws -> T {
        do {
            return try JSONReport.read(type, from: path)
        } catch let ReportError.unreadableJSON(path, reason) {
            throw SweepError.unreadable(path: path, reason: reason)
        }
    }

    /// Every metric name of the finished runs, sorted.
    public var metricNames: [String] { Array(Set(finished.flatMap { $0.metrics!.keys })).sorted() }

    /// Every configuration key, sorted.
    public var configurationKeys: [String] { Array(Set(runs.flatMap { $0.configuration.keys })).sorted() }

    /// The mean over repetitions of `metric` against x, one series per setting of the other keys
    /// that vary (non-finite values are left out of the means).
    public func series(_ metric: String) -> [(name: String, x: [Double], y: [Double])] {
        // Series are named by the keys that vary across the sweep (other than x and the repetitions).
        let groupKeys = configurationKeys.filter { key in
            key != xKey && !repetitionKeys.contains(key)
                && Set(runs.map { $0.configuration[key].map(valueText) ?? "" }).count > 1
        }
        var groups: [String: [Double: [Double]]] = [:]
        for run in finished {
            guard let value = run.metrics?[metric], value.isFinite, let xValue = run.configuration[xKey] else {
                continue
            }
            let x = xValue.double ?? .nan
            let name = groupKeys.map { "\($0)=\(valueText(run.configuration[$0] ?? ""))" }.joined(separator: " ")
            groups[name, default: [:]][x, default: []].append(value)
        }
        return groups.keys.sorted().map { name in
            let points = groups[name]!.keys.sorted()
            return (name, points, points.map { x in groups[name]![x]!.reduce(0, +) / Double(groups[name]![x]!.count) })
        }
    }

    /// The JSON object of results.json.
    public var resultsObject: ResultValue {
        func entry(_ r: Run) -> ResultValue {
            var e: ResultValue = ["index": r.index, "id": r.id, "configuration": r.configuration]
            if let m = r.metrics { e["metrics"] = m.resultValue }
            return e
        }
        return [
            "kind": kind, "x": xKey, "runs": finished.map(entry), "missing": missing.map(entry),
            "finished_count": finished.count, "run_count": runs.count,
        ]
    }

    /// results.csv: index, id, configuration keys, metrics (sorted), one row per finished run.
    public var csv: CSVDocument {
        let keys = configurationKeys, metrics = metricNames
        var document = CSVDocument(columns: ["index", "id"] + keys + metrics)
        for r in finished {
            var row: [CSVDocument.Cell] = [.integer(r.index), .text(r.id)]
            for k in keys { row.append(.text(r.configuration[k].map(valueText) ?? "")) }
            for m in metrics { row.append(.number(r.metrics![m] ?? .nan)) }
            document.append(row)
        }
        return document
    }

    /// The chart of one metric against the x key.
    public func chart(_ metric: String) -> LineChart {
        let all = series(metric)
        let values = all.flatMap(\.y)
        let positive = !values.isEmpty && values.allSatisfy { $0 > 0 }
        let spread = positive ? (values.max()! / values.min()!) : 1
        var chart = LineChart(
            title: metric, xLabel: xKey, yLabel: metric, yScale: positive && spread > 20 ? .logarithmic : .linear)
        chart.xScale = logX ? .logarithmic : .linear
        for (k, s) in all.enumerated() {
            chart.series.append(
                .init(
                    name: s.name.isEmpty ? metric : s.name, x: s.x, y: s.y,
                    style: .train(k, marker: MarkerShape.shape(k))))
        }
        return chart
    }

    /// Writes results.json, results.csv, one SVG per metric and report.html into `directory`;
    /// returns the files written.
    @discardableResult
    public func write(to directory: String) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try JSONReport.write(resultsObject, to: "\(directory)/results.json")
        try csv.write(to: "\(directory)/results.csv")
        var written = ["results.json", "results.csv"]
        var figures = HTMLReport.Section("Figures")
        figures.paragraph(
            "Each metric's mean over \(repetitionKeys.joined(separator: ", ")) against \(xKey); one series per setting of the other keys."
        )
        for metric in metricNames {
            let chart = chart(metric)
            let file = "\(Self.fileName(metric)).svg"
            try chart.write(to: "\(directory)/\(file)")
            written.append(file)
            figures.figure(chart, caption: metric)
        }
        var status = HTMLReport.Section("Runs")
        status.paragraph("\(finished.count) of \(runs.count) runs finished.")
        if !missing.isEmpty {
            status.table(
                HTMLReport.Table(
                    columns: ["index", "run folder", "configuration"],
                    rows: missing.map { ["\($0.index)", "runs/\($0.id)", configurationText($0.configuration)] },
                    caption: "Missing runs (no result.json yet): rerun the sweep command (finished runs are skipped)."))
        }
        let document = csv
        status.table(
            HTMLReport.Table(
                columns: document.columns,
                rows: finished.map { r in
                    ["\(r.index)", r.id] + configurationKeys.map { r.configuration[$0].map(valueText) ?? "" }
                        + metricNames.map { shortNumber(r.metrics![$0] ?? .nan) }
                }))
        var report = HTMLReport(
            title: "Orbit sweep: \(kind)",
            facts: [
                ("Orbit version", orbitVersion), ("sweep", kind), ("x", xKey),
                ("runs", "\(finished.count) finished of \(runs.count)"),
            ])
        report.sections = [status, figures]
        try report.write(to: "\(directory)/report.html")
        return written + ["report.html"]
    }

    /// A metric name as a file name: letters, digits, '-', '_' and '.' kept, the rest '_'.
    static func fileName(_ metric: String) -> String {
        String(metric.map { $0.isLetter || $0.isNumber || "-_.".contains($0) ? $0 : "_" })
    }
}
