import Foundation
import OrbitFormats
import OrbitNetworks
import OrbitNumerics
import OrbitPaths
import OrbitReports
import OrbitTraining

/// Writes the demo's report folder: index.html (every table and figure inline), summary.json
/// (every number, the barrier definitions, seeds, version), barriers.csv, one SVG per path group
/// (loss, and accuracy when the task is a classification), and the summary table as text.
struct DemoReport {
    let result: Demo.Result
    let configuration: DemoConfiguration

    /// The barrier shown in the summary: mean_endpoint, the most common definition (docs/math/paths.md §2).
    static let headline = BarrierDefinition.meanEndpoint

    func write(to directory: String) throws -> [String] {
        var files: [String] = []
        var sections: [HTMLReport.Section] = []
        var models = HTMLReport.Section("The models")
        models.paragraph(
            "Trained with \(configuration.training.optimizer.summary), learning rate \(configuration.training.learningRate), "
                + "batch \(configuration.training.batchSize), \(configuration.training.epochs) epochs; saved as "
                + result.models.map(\.file).joined(separator: ", ") + " "
                + "(safetensors with the network description) so every number here can be recomputed with the orbit "
                + "command (e.g. orbit path models/A.safetensors models/B.safetensors --data \(result.dataset) --out ab)."
        )
        models.table(
            .init(
                columns: ["model", "seed", "train loss", "train accuracy", "test loss", "test accuracy"],
                rows: result.models.map { m in
                    [
                        m.name, m.seed.map { "\($0)" } ?? "–", String(format: "%.4f", m.train.loss),
                        percent(m.train.accuracy), m.test.map { String(format: "%.4f", $0.loss) } ?? "–",
                        percent(m.test?.accuracy),
                    ]
                }))
        for note in result.notes { models.paragraph("Note: " + note) }
        sections.append(models)
        var summary = HTMLReport.Section("Summary")
        summary.paragraph(
            "Barrier = \(Self.headline.rawValue): \(Self.headline.formula) on the loss, and the accuracy drop "
                + "\(Self.headline.accuracyFormula). Every other definition is in the tables below and in summary.json."
        )
        summary.table(.init(columns: summaryColumns, rows: summaryRows))
        sections.append(summary)

        for group in result.groups where !group.profiles.isEmpty {
            var section = HTMLReport.Section(group.heading)
            section.paragraph(group.explanation)
            let chart = pathChart(group.profiles, metric: "loss", title: "\(group.heading): loss")
            try chart.write(to: "\(directory)/\(group.key)-loss.svg")
            files.append("\(group.key)-loss.svg")
            section.figure(chart, caption: "Loss against t: train solid, test dashed; one colour per path.")
            if hasAccuracy(group.profiles) {
                let accuracy = pathChart(group.profiles, metric: "accuracy", title: "\(group.heading): accuracy")
                try accuracy.write(to: "\(directory)/\(group.key)-accuracy.svg")
                files.append("\(group.key)-accuracy.svg")
                section.figure(accuracy, caption: "Accuracy against t: train solid, test dashed.")
            }
            section.table(.init(columns: barrierColumns(group.profiles), rows: barrierRows(group.profiles)))
            for table in group.tables {
                section.table(.init(columns: table.columns, rows: table.rows, caption: table.caption))
            }
            sections.append(section)
        }
        var definitions = HTMLReport.Section("Barrier definitions")
        definitions.list(
            BarrierDefinition.allCases.map { "\($0.rawValue): loss \($0.formula); accuracy \($0.accuracyFormula)" })
        sections.append(definitions)
        let report = HTMLReport(
            title: "Orbit demo: how are these minima connected?",
            facts: [
                ("Orbit version", orbitVersion), ("data", result.dataset),
                ("network", result.network.compactDescription ?? configuration.architecture),
                ("seeds", result.models.compactMap(\.seed).map { "\($0)" }.joined(separator: ", ")),
                ("points per path", "\(configuration.points) values of t in [0, 1], t = ½ included"),
                ("setting", configuration.quick ? "quick (reduced sizes)" : "full"),
                ("threads", "\(Threading.threadCount)"),
            ],
            sections: sections)
        try report.write(to: "\(directory)/index.html")
        files.append("index.html")
        try JSONReport.write(jsonObject(), to: "\(directory)/summary.json")
        files.append("summary.json")
        try AtomicFile.write(csv(), to: "\(directory)/barriers.csv")
        files.append("barriers.csv")
        try AtomicFile.write(summaryText + "\n", to: "\(directory)/summary.txt")
        files.append("summary.txt")
        return files
    }

    var allProfiles: [(group: DemoPathGroup, profile: PathProfile)] {
        var seen = Set<String>()
        var out: [(DemoPathGroup, PathProfile)] = []
        for g in result.groups {
            for p in g.profiles where seen.insert(p.name).inserted { out.append((g, p)) }
        }
        return out
    }

    var summaryColumns: [String] {
        ["path", "train loss barrier", "test loss barrier", "test accuracy drop", "length / chord"]
    }

    var summaryRows: [[String]] {
        allProfiles.map { _, p in
            [
                p.name, number(p.barrier(Self.headline, split: "train", metric: "loss")),
                number(p.barrier(Self.headline, split: "test", metric: "loss")),
                percent(p.barrier(Self.headline, split: "test", metric: "accuracy")),
                p.normalizedLength.map { String(format: "%.3f", $0) } ?? "–",
            ]
        }
    }

    /// The table printed at the end of `orbit demo`.
    var summaryText: String {
        let columns = summaryColumns
        let rows = summaryRows
        let widths = columns.indices.map { c in max(columns[c].count, rows.map { $0[c].count }.max() ?? 0) }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { c, text in
                c == 0 ? text.padding(toLength: widths[c], withPad: " ", startingAt: 0) : text.leftPadded(widths[c])
            }.joined(separator: "  ")
        }
        return ([line(columns)] + rows.map(line)).joined(separator: "\n")
            + "\n(barrier: \(Self.headline.rawValue) = \(Self.headline.formula); accuracy drop = \(Self.headline.accuracyFormula))"
    }

    func barrierColumns(_ profiles: [PathProfile]) -> [String] {
        let splits = profiles.first.map { $0.splits.keys.sorted(by: >) } ?? []
        return ["path", "definition"] + splits.flatMap { ["\($0) loss", "\($0) accuracy"] }
    }

    func barrierRows(_ profiles: [PathProfile]) -> [[String]] {
        let splits = profiles.first.map { $0.splits.keys.sorted(by: >) } ?? []
        return profiles.flatMap { p in
            BarrierDefinition.allCases.map { d in
                [p.name, d.rawValue]
                    + splits.flatMap { s in
                        [
                            number(p.barrier(d, split: s, metric: "loss")),
                            percent(p.barrier(d, split: s, metric: "accuracy")),
                        ]
                    }
            }
        }
    }

    func hasAccuracy(_ profiles: [PathProfile]) -> Bool {
        profiles.allSatisfy { $0.splits.values.allSatisfy { $0.allSatisfy { $0.accuracy != nil } } }
    }

    func jsonObject() -> DemoSummaryRecord {
        DemoSummaryRecord(
            data: result.dataset, network: result.network.compactDescription ?? result.network.jsonDescription,
            quick: configuration.quick, seconds: result.seconds, notes: result.notes,
            seeds: result.models.compactMap(\.seed).map { Int($0) },
            training: .init(
                epochs: configuration.training.epochs, batchSize: configuration.training.batchSize,
                learningRate: configuration.training.learningRate,
                optimizer: configuration.training.optimizer.summary),
            barrierDefinitions: Dictionary(
                uniqueKeysWithValues: BarrierDefinition.allCases.map {
                    ($0.rawValue, ["loss": $0.formula, "accuracy": $0.accuracyFormula])
                }),
            models: result.models.map { m in
                .init(
                    name: m.name, file: m.file, seed: m.seed.map { Int($0) }, train: MetricsRecord(m.train),
                    test: m.test.map(MetricsRecord.init))
            },
            groups: result.groups.map { g in
                .init(key: g.key, heading: g.heading, paths: g.profiles.map(PathProfileRecord.init), numbers: g.numbers)
            })
    }

    func csv() -> String {
        var text = "group,path,definition,split,metric,value\n"
        for (g, p) in allProfiles {
            for b in p.barriers {
                text += "\(g.key),\"\(p.name)\",\(b.definition.rawValue),\(b.split),\(b.metric),\(b.value)\n"
            }
        }
        return text
    }

    func number(_ x: Double?) -> String { x.map { reportNumber($0, "%.4f") } ?? "–" }
    func percent(_ x: Double?) -> String { x.map { reportNumber($0 * 100, "%.2f%%") } ?? "–" }
}
