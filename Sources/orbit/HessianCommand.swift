import ArgumentParser
import Foundation
import OrbitKit

struct HessianCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hessian",
        abstract: "Curvature at a model: top Hessian eigenvalues, trace, spectral density, per-tensor blocks.",
        discussion: """
            Exact Hessian-vector products (Pearlmutter's R-operator) of the mean training loss over the first
            N training samples (or N drawn at random with --seed). Top-k eigenvalues by Lanczos with full
            reorthogonalisation, each with its residual ‖Hu − λu‖; the trace by Hutchinson's estimator with
            its standard error; the spectral density by stochastic Lanczos quadrature; each tensor's block top
            eigenvalue and trace. ReLU networks: the Hessian of the linear piece the point lies on (the kink is
            a measure-zero set; docs/math/curvature.md §1). Layer graphs (cnn:, resnet20:, vgg presets, JSON
            graphs) take every layer kind; BatchNorm networks are differentiated in evaluation mode (running
            statistics as constants, as PyHessian after model.eval(); docs/math/curvature.md §7).
            With --report DIR, writes hessian.json, eigenvalues.csv, blocks.csv, density.csv, lines.csv,
            density.svg, eigenvector-lines.svg and report.html.
            Example: orbit hessian a.safetensors --data fashion-mnist --samples 2048 --report hess
            """)

    @Argument(help: "Model file (.safetensors or .npz).") var model: String
    @OptionGroup var data: DataOptions
    @OptionGroup var modelOptions: ModelOptions
    @Option(choosing: "--loss", help: "Loss.", absent: "by the targets") var loss: LossFunction?
    @Option(help: "Samples of the training split (default: all).") var samples: Int?
    @Option(help: "Draw the samples at random with this seed (default: the first N).") var seed: UInt64?
    @Option(name: .customLong("top-k"), help: "Top eigenvalues to report (≤ --steps).") var topK = 3
    @Option(help: "Lanczos steps at most for the top-k.") var steps = 30
    @Option(help: "Relative residual tolerance of the top-k Lanczos run.") var tolerance = 1e-4
    @Option(help: "Hutchinson probes for the trace.") var probes = 32
    @Option(name: .customLong("density-runs"), help: "Stochastic Lanczos quadrature runs.") var densityRuns = 4
    @Option(name: .customLong("density-steps"), help: "Lanczos steps per density run.") var densitySteps = 30
    @Option(name: .customLong("block-steps"), help: "Lanczos steps per tensor block.") var blockSteps = 15
    @Option(help: "Half-width of the loss lines along the top eigenvectors (θ ± range·u).") var range = 1.0
    @Option(name: .customLong("probe-seed"), help: "Seed of the probes and random Lanczos starts.") var probeSeed:
        UInt64 = 0
    @Option(help: "Rows per streamed batch.") var batch = 512
    @Flag(help: "Compute in Float64 (default Float32).") var float64 = false
    @Option(help: "Write the report (JSON, CSV, SVG, HTML) into this directory.") var report: String?
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard topK >= 1 else { throw ValidationError("--top-k must be at least 1") }
        guard steps >= 1 else { throw ValidationError("--steps must be at least 1") }
        guard topK <= steps else {
            throw ValidationError("--top-k \(topK) exceeds --steps \(steps): Lanczos with m steps has m Ritz values")
        }
        guard probes >= 2 else { throw ValidationError("--probes must be at least 2 (a standard error needs two)") }
        guard densityRuns >= 0, densitySteps >= 1, blockSteps >= 1 else {
            throw ValidationError("--density-runs must be ≥ 0, --density-steps and --block-steps ≥ 1")
        }
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1") }
        guard range > 0, range.isFinite else { throw ValidationError("--range must be positive") }
        guard tolerance > 0, tolerance.isFinite else { throw ValidationError("--tolerance must be positive") }
        if let samples { guard samples >= 1 else { throw ValidationError("--samples must be at least 1") } }
    }

    func run() throws {
        global.apply()
        let dataset = try data.load()
        let split = try dataset.train.curvatureSamples(count: samples, seed: seed)
        let selection =
            seed.map { "\(split.count) training samples drawn at random with seed \($0)" }
            ?? "the first \(split.count) training samples"
        var settings = CurvatureSettings()
        settings.topK = topK
        settings.steps = steps
        settings.tolerance = tolerance
        settings.probes = probes
        settings.densityRuns = densityRuns
        settings.densitySteps = densitySteps
        settings.blockSteps = blockSteps
        settings.seed = probeSeed
        settings.lineRange = range
        let analysis: CurvatureAnalysis
        let m = try modelOptions.load(model)
        try m.network.requireFits(dataset, model: model)
        let lossFunction = loss ?? dataset.train.targets.defaultLoss
        if float64 {
            let op = try HessianOperator(
                network: m.network, parameters: m.parameters.converted(to: Double.self), samples: split,
                loss: lossFunction, batchSize: batch, pointDescription: model)
            analysis = try CurvatureAnalysis.run(op, settings: settings)
        } else {
            let op = try HessianOperator(
                network: m.network, parameters: m.parameters, samples: split, loss: lossFunction, batchSize: batch,
                pointDescription: model)
            analysis = try CurvatureAnalysis.run(op, settings: settings)
        }
        let context = HessianReportContext(
            model: model, data: dataset.name, loss: lossFunction.rawValue,
            network: m.network.compactDescription ?? "\(m.network.parameterCount) parameters",
            sampleSelection: selection, precision: float64 ? "float64" : "float32")
        print(hessianSummary(analysis, context: context))
        if let report {
            let files = try writeHessianReport(analysis, context: context, directory: report)
            print("wrote \(files.map { "\(report)/\($0)" }.joined(separator: ", "))")
        }
    }
}
