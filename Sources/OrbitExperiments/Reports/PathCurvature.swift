import Foundation
import OrbitCurvature
import OrbitData
import OrbitNetworks
import OrbitNumerics
import OrbitPaths
import OrbitReports
import OrbitTraining

extension PathCurvatureRecord {
    /// Measures the curvature at each t of `path` on `samples`. Cost per point: `steps` + `probes`
    /// Hessian-vector products and one loss evaluation over the samples.
    public static func measure<Scalar: BLASScalar>(
        _ path: AffinePath<Scalar>, name: String, t: [Double], network: Network, samples: DataSplit,
        sampleSelection: String, loss: LossFunction, settings: PathCurvatureSettings
    ) throws -> PathCurvatureRecord {
        try measure(
            name: name, t: t, network: network, samples: samples, sampleSelection: sampleSelection, loss: loss,
            settings: settings, point: path.point(at:))
    }
}

/// Writes DIR/curvature.json, curvature.csv and curvature.svg (barrier above curvature) for the
/// curvature along the paths; returns the files written and the HTML section for report.html.
public func writePathCurvature(_ records: [PathCurvatureRecord], directory: String) throws -> (
    files: [String], section: HTMLReport.Section
) {
    try JSONReport.write(records, to: "\(directory)/curvature.json")
    var csv = CSVDocument(columns: [
        "path", "t", "loss", "barrier", "top_eigenvalue", "top_residual", "lanczos_steps", "trace", "trace_se",
        "probes", "samples",
    ])
    func cell(_ x: Double?) -> CSVDocument.Cell { x.map { .number($0) } ?? "" }
    for r in records {
        for p in r.points {
            let c = p.curvature
            csv.append([
                .text(r.path), .number(p.t), .number(p.loss), .number(p.barrier), cell(c.topEigenvalue),
                cell(c.residual), c.lanczosSteps.map { .integer($0) } ?? "", cell(c.trace?.value),
                cell(c.trace?.standardError), c.trace.map { .integer($0.draws) } ?? "", .integer(r.samples),
            ])
        }
    }
    try csv.write(to: "\(directory)/curvature.csv")
    var barrier = LineChart(title: "Loss barrier along the paths", xLabel: "t", yLabel: "loss − chord of end losses")
    var top = LineChart(title: "Top Hessian eigenvalue λ_max (± Lanczos residual)", xLabel: "t", yLabel: "λ_max")
    var trace = LineChart(title: "Hessian trace (± Hutchinson SE)", xLabel: "t", yLabel: "tr H")
    for (i, r) in records.enumerated() {
        let t = r.points.map(\.t)
        barrier.series.append(.init(name: r.path, x: t, y: r.points.map(\.barrier), style: .train(i)))
        if r.points.allSatisfy({ $0.curvature.topEigenvalue != nil }) {
            let v = r.points.map { $0.curvature.topEigenvalue! }, e = r.points.map { $0.curvature.residual ?? 0 }
            top.series.append(.init(name: r.path, x: t, y: v, style: .train(i)))
            top.series.append(.init(name: "\(r.path) + residual", x: t, y: zip(v, e).map { $0 + $1 }, style: .test(i)))
            top.series.append(.init(name: "\(r.path) − residual", x: t, y: zip(v, e).map { $0 - $1 }, style: .test(i)))
        }
        if r.points.allSatisfy({ $0.curvature.trace != nil }) {
            let v = r.points.map { $0.curvature.trace!.value }, e = r.points.map { $0.curvature.trace!.standardError }
            trace.series.append(.init(name: r.path, x: t, y: v, style: .train(i)))
            trace.series.append(.init(name: "\(r.path) + SE", x: t, y: zip(v, e).map { $0 + $1 }, style: .test(i)))
            trace.series.append(.init(name: "\(r.path) − SE", x: t, y: zip(v, e).map { $0 - $1 }, style: .test(i)))
        }
    }
    barrier.horizontalLines.append(.init(at: 0, label: "chord"))
    let panels = [barrier] + [top, trace].filter { !$0.series.isEmpty }
    let figure = StackedCharts(title: "Barrier and curvature along the paths", panels: panels)
    try figure.write(to: "\(directory)/curvature.svg", height: 300 * panels.count)
    var section = HTMLReport.Section("Curvature along the paths")
    if let r = records.first {
        section.paragraph(
            "Exact Hessian-vector products (R-operator) of the mean training loss over \(r.sampleSelection) "
                + "(n = \(r.samples)) at each t. λ_max by Lanczos (at most \(r.lanczosStepLimit.map(String.init) ?? "–") steps), "
                + "± its residual; trace by Hutchinson (\(r.probes.map(String.init) ?? "–") Rademacher probes) ± one standard error."
        )
    }
    section.figure(
        HTMLReport.Figure(
            figure,
            caption: "Top: the loss barrier (excess over the chord of the end losses, on the curvature samples). "
                + "Below: λ_max and the trace of the Hessian at the same t, dashed ± error bars.",
            height: 300 * panels.count))
    var rows: [[String]] = []
    for r in records {
        for p in r.points {
            let c = p.curvature
            rows.append([
                r.path, reportNumber(p.t, "%.3f"), reportNumber(p.barrier, "%.4g"),
                c.topEigenvalue.map { reportNumber($0, "%.5g") + " ± " + reportNumber(c.residual ?? .nan, "%.1e") }
                    ?? "–",
                c.trace.map { reportNumber($0.value, "%.5g") + " ± " + reportNumber($0.standardError, "%.2g") } ?? "–",
            ])
        }
    }
    section.table(HTMLReport.Table(columns: ["path", "t", "barrier", "λ_max ± residual", "trace ± SE"], rows: rows))
    return (["curvature.json", "curvature.csv", "curvature.svg"], section)
}
