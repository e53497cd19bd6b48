import Foundation
import OrbitCurvature
import OrbitFormats
import OrbitReports

/// What `orbit hessian` records about its inputs.
public struct HessianReportContext: Sendable {
    public var model: String
    public var data: String
    public var loss: String
    public var network: String
    /// How the samples were chosen: "the first N training samples" or "N training samples drawn with seed S".
    public var sampleSelection: String
    public var precision: String

    public init(model: String, data: String, loss: String, network: String, sampleSelection: String, precision: String)
    {
        self.model = model
        self.data = data
        self.loss = loss
        self.network = network
        self.sampleSelection = sampleSelection
        self.precision = precision
    }
}

/// hessian.json: every number of a ``CurvatureAnalysis`` with its error bar and counts.
public struct HessianReportRecord: Codable, Sendable {
    public struct Eigenpair: Codable, Sendable {
        public var rank: Int
        public var eigenvalue: Double
        /// ‖H·u − λ·u‖ computed with one more product.
        public var residual: Double
    }
    public struct Block: Codable, Sendable {
        public var tensor: String
        public var parameters: Int
        public var topEigenvalue: Double
        public var topResidual: Double
        public var lanczosSteps: Int
        public var trace: Estimate

        enum CodingKeys: String, CodingKey {
            case tensor, parameters, trace
            case topEigenvalue = "top_eigenvalue"
            case topResidual = "top_residual"
            case lanczosSteps = "lanczos_steps"
        }
    }
    public struct Density: Codable, Sendable {
        public var lambda: [Double]
        public var density: [Double]
        public var standardError: [Double]
        public var broadening: Double
        public var runs: Int
        public var stepsPerRun: Int
        public var nodes: [[Double]]
        public var weights: [[Double]]

        enum CodingKeys: String, CodingKey {
            case lambda, density, broadening, runs, nodes, weights
            case standardError = "standard_error"
            case stepsPerRun = "steps_per_run"
        }
    }
    public struct Line: Codable, Sendable {
        public var direction: String
        public var offsets: [Double]
        public var losses: [Double]
    }

    public var orbitVersion: String
    public var model: String
    public var data: String
    public var loss: String
    public var network: String
    public var precision: String
    public var samples: Int
    public var sampleSelection: String
    public var parameters: Int
    public var lossAtPoint: Double
    public var topK: [Eigenpair]
    public var lanczosSteps: Int
    public var lanczosStepLimit: Int
    public var lanczosTolerance: Double
    public var lanczosConverged: Bool
    public var trace: Estimate
    public var probes: Int
    public var blocks: [Block]
    public var density: Density?
    public var lossAlongEigenvectors: [Line]
    public var hessianVectorProducts: Int
    public var warnings: [String]

    enum CodingKeys: String, CodingKey {
        case model, data, loss, network, precision, samples, parameters, trace, probes, blocks, density, warnings
        case orbitVersion = "orbit_version"
        case sampleSelection = "sample_selection"
        case lossAtPoint = "loss_at_point"
        case topK = "top_k"
        case lanczosSteps = "lanczos_steps"
        case lanczosStepLimit = "lanczos_step_limit"
        case lanczosTolerance = "lanczos_tolerance"
        case lanczosConverged = "lanczos_converged"
        case lossAlongEigenvectors = "loss_along_eigenvectors"
        case hessianVectorProducts = "hessian_vector_products"
    }

    public init(_ a: CurvatureAnalysis, context: HessianReportContext) {
        orbitVersion = OrbitFormats.orbitVersion
        model = context.model
        data = context.data
        loss = context.loss
        network = context.network
        precision = context.precision
        samples = a.sampleCount
        sampleSelection = context.sampleSelection
        parameters = a.parameterCount
        lossAtPoint = a.loss
        topK = zip(a.topEigenvalues, a.residuals).enumerated().map {
            Eigenpair(rank: $0.offset + 1, eigenvalue: $0.element.0, residual: $0.element.1)
        }
        lanczosSteps = a.lanczosSteps
        lanczosStepLimit = a.settings.steps
        lanczosTolerance = a.settings.tolerance
        lanczosConverged = a.lanczosConverged
        trace = a.trace
        probes = a.settings.probes
        blocks = a.blocks.map {
            Block(
                tensor: $0.tensor, parameters: $0.parameterCount, topEigenvalue: $0.topEigenvalue,
                topResidual: $0.residual, lanczosSteps: $0.lanczosSteps, trace: $0.trace)
        }
        density = a.density.map { d in
            Density(
                lambda: d.grid, density: d.density, standardError: d.standardError, broadening: d.width,
                runs: d.runs.count, stepsPerRun: d.steps, nodes: d.runs.map(\.nodes), weights: d.runs.map(\.weights))
        }
        lossAlongEigenvectors = a.lines.map { Line(direction: $0.label, offsets: $0.offsets, losses: $0.losses) }
        hessianVectorProducts = a.products
        warnings = a.warnings
    }
}

/// The summary `orbit hessian` prints: top-k with residuals, trace ± SE, the block table.
public func hessianSummary(_ a: CurvatureAnalysis, context: HessianReportContext) -> String {
    var lines = [
        "samples: \(context.sampleSelection) (n = \(a.sampleCount)); parameters: \(a.parameterCount); loss at θ: \(reportNumber(a.loss, "%.6g"))",
        "top-\(a.topEigenvalues.count) eigenvalues (Lanczos, \(a.lanczosSteps) of at most \(a.settings.steps) steps, "
            + "full reorthogonalisation, relative tolerance \(a.settings.tolerance)\(a.lanczosConverged ? ", converged" : ", NOT converged")):",
    ]
    for (i, (value, residual)) in zip(a.topEigenvalues, a.residuals).enumerated() {
        lines.append(
            "  λ\(i + 1) = \(reportNumber(value, "%.6g"))   residual ‖Hu − λu‖ = \(reportNumber(residual, "%.2e"))")
    }
    lines.append(
        "trace (Hutchinson, \(a.trace.draws) Rademacher probes): \(reportNumber(a.trace.value, "%.6g")) ± \(reportNumber(a.trace.standardError, "%.2g")) (SE)"
    )
    lines.append(
        "per-tensor blocks (top eigenvalue by \(a.settings.blockSteps)-step Lanczos; trace from the same probes):")
    lines.append(
        "  " + "tensor".padding(toLength: 28, withPad: " ", startingAt: 0) + "params".leftPadded(9)
            + "λ_max".leftPadded(13)
            + "residual".leftPadded(11) + "trace".leftPadded(13) + "± SE".leftPadded(11))
    for b in a.blocks {
        lines.append(
            "  " + b.tensor.padding(toLength: 28, withPad: " ", startingAt: 0) + "\(b.parameterCount)".leftPadded(9)
                + reportNumber(b.topEigenvalue, "%.5g").leftPadded(13) + reportNumber(b.residual, "%.1e").leftPadded(11)
                + reportNumber(b.trace.value, "%.5g").leftPadded(13)
                + reportNumber(b.trace.standardError, "%.2g").leftPadded(11))
    }
    if let d = a.density {
        lines.append(
            "spectral density: stochastic Lanczos quadrature, \(d.runs.count) runs × \(d.steps) steps, Gaussian broadening σ = \(reportNumber(d.width, "%.3g"))"
        )
    }
    lines.append("Hessian-vector products: \(a.products)")
    for w in a.warnings { lines.append("note: \(w)") }
    return lines.joined(separator: "\n")
}

/// Writes DIR/hessian.json, eigenvalues.csv, blocks.csv, density.csv, lines.csv, density.svg,
/// eigenvector-lines.svg and report.html; returns the files written.
@discardableResult
public func writeHessianReport(_ a: CurvatureAnalysis, context: HessianReportContext, directory: String) throws
    -> [String]
{
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let record = HessianReportRecord(a, context: context)
    try JSONReport.write(record, to: "\(directory)/hessian.json")
    var written = ["hessian.json"]
    var eigen = CSVDocument(columns: ["rank", "eigenvalue", "residual", "lanczos_steps", "samples"])
    for p in record.topK {
        eigen.append([
            .integer(p.rank), .number(p.eigenvalue), .number(p.residual), .integer(a.lanczosSteps),
            .integer(a.sampleCount),
        ])
    }
    eigen.append([
        "trace", .number(a.trace.value), .number(a.trace.standardError), .integer(a.trace.draws),
        .integer(a.sampleCount),
    ])
    try eigen.write(to: "\(directory)/eigenvalues.csv")
    var blocks = CSVDocument(columns: [
        "tensor", "parameters", "top_eigenvalue", "top_residual", "lanczos_steps", "trace", "trace_se", "probes",
    ])
    for b in a.blocks {
        blocks.append([
            .text(b.tensor), .integer(b.parameterCount), .number(b.topEigenvalue), .number(b.residual),
            .integer(b.lanczosSteps), .number(b.trace.value), .number(b.trace.standardError), .integer(b.trace.draws),
        ])
    }
    try blocks.write(to: "\(directory)/blocks.csv")
    var lines = CSVDocument(columns: ["direction", "offset", "loss"])
    for l in a.lines {
        for (s, loss) in zip(l.offsets, l.losses) { lines.append([.text(l.label), .number(s), .number(loss)]) }
    }
    try lines.write(to: "\(directory)/lines.csv")
    written += ["eigenvalues.csv", "blocks.csv", "lines.csv"]

    var report = HTMLReport(
        title: "Orbit Hessian report",
        facts: [
            ("Orbit version", OrbitFormats.orbitVersion), ("model", context.model), ("data", context.data),
            ("network", context.network), ("loss", context.loss), ("precision", context.precision),
            ("samples", "\(context.sampleSelection) (n = \(a.sampleCount))"),
            ("parameters", "\(a.parameterCount)"), ("Hessian-vector products", "\(a.products)"),
        ])
    var spectrum = HTMLReport.Section("Top eigenvalues and trace")
    spectrum.paragraph(
        "Exact Hessian-vector products (Pearlmutter's R-operator) of the mean loss over the samples. Top eigenvalues by "
            + "Lanczos with full reorthogonalisation (\(a.lanczosSteps) of at most \(a.settings.steps) steps, relative "
            + "tolerance \(a.settings.tolerance)); each residual ‖Hu − λu‖ bounds the distance from λ to an eigenvalue "
            + "of H. Trace by Hutchinson's estimator with \(a.trace.draws) Rademacher probes, ± one standard error. "
            + "For ReLU networks the Hessian is that of the linear piece the point lies on (one-sided at the kink, a "
            + "measure-zero set).")
    var rows = zip(a.topEigenvalues, a.residuals).enumerated().map { i, pair in
        ["λ\(i + 1)", reportNumber(pair.0, "%.6g"), "residual \(reportNumber(pair.1, "%.2e"))"]
    }
    rows.append([
        "trace", reportNumber(a.trace.value, "%.6g"),
        "± \(reportNumber(a.trace.standardError, "%.2g")) (SE, \(a.trace.draws) probes)",
    ])
    spectrum.table(HTMLReport.Table(columns: ["quantity", "value", "uncertainty"], rows: rows))
    if !a.warnings.isEmpty { spectrum.list(a.warnings) }
    var blockSection = HTMLReport.Section("Per-tensor blocks")
    blockSection.table(
        HTMLReport.Table(
            columns: ["tensor", "parameters", "λ_max of the block", "residual", "trace of the block", "± SE"],
            rows: a.blocks.map { b in
                [
                    b.tensor, "\(b.parameterCount)", reportNumber(b.topEigenvalue, "%.5g"),
                    reportNumber(b.residual, "%.1e"), reportNumber(b.trace.value, "%.5g"),
                    reportNumber(b.trace.standardError, "%.2g"),
                ]
            }))
    var sections = [spectrum, blockSection]
    if let d = a.density {
        var csv = CSVDocument(numericColumns: [
            ("lambda", d.grid), ("density", d.density), ("standard_error", d.standardError),
        ])
        csv.columns = ["lambda", "density", "standard_error"]
        try csv.write(to: "\(directory)/density.csv")
        var chart = LineChart(
            title: "Spectral density (SLQ, \(d.runs.count) runs × \(d.steps) steps)", xLabel: "λ",
            yLabel: "density", yScale: .linear)
        chart.series.append(.init(name: "density (σ = \(reportNumber(d.width, "%.3g")))", x: d.grid, y: d.density))
        let finiteSE = d.standardError.allSatisfy(\.isFinite)
        if finiteSE {
            chart.series.append(
                .init(
                    name: "+1 SE over runs", x: d.grid, y: zip(d.density, d.standardError).map { $0 + $1 },
                    style: .test(0)))
        }
        try chart.write(to: "\(directory)/density.svg")
        written += ["density.csv", "density.svg"]
        var section = HTMLReport.Section("Spectral density")
        section.figure(
            chart,
            caption: "Gaussian-broadened density of the Hessian's eigenvalues by stochastic Lanczos quadrature "
                + "(\(d.runs.count) random starts, \(d.steps) steps each); dashed: +1 standard error over the runs.")
        sections.append(section)
    }
    if !a.lines.isEmpty {
        var chart = LineChart(title: "Loss along the top eigenvectors", xLabel: "s (θ + s·u, ‖u‖ = 1)", yLabel: "loss")
        for (i, l) in a.lines.enumerated() {
            chart.series.append(.init(name: l.label, x: l.offsets, y: l.losses, style: .train(i)))
        }
        chart.verticalLines.append(.init(at: 0, label: "θ"))
        try chart.write(to: "\(directory)/eigenvector-lines.svg")
        written.append("eigenvector-lines.svg")
        var section = HTMLReport.Section("Loss along the top eigenvectors")
        section.figure(chart, caption: "L(θ + s·u_i) over the samples for the top Ritz vectors u_i (unit norm).")
        sections.append(section)
    }
    report.sections = sections
    try report.write(to: "\(directory)/report.html")
    return written + ["report.html"]
}
