import ArgumentParser
import Foundation
import OrbitKit

struct PathCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "path",
        abstract: "Loss and accuracy along a path between two models, with every barrier definition.",
        discussion: """
            The straight line A → B is always measured; --via C adds Lin et al.'s fold-line A → C → B,
            --bezier M a quadratic Bézier curve with control point M, --chain M1,M2,… a polygonal chain.
            Writes DIR/profile.json, profile.csv, profile.svg and report.html.
            A loss that overflows is kept and marked ("Infinity"/"NaN" in JSON, inf/nan in CSV, ∞/NaN in
            the report, gaps in the charts); the command then warns on stderr and still exits 0.
            Example: orbit path a.safetensors b.safetensors --data fashion-mnist --out ab
            """)

    @Argument(help: "Start model (.safetensors or .npz).") var a: String
    @Argument(help: "End model.") var b: String
    @Option(help: "Centre of a fold-line A → C → B.") var via: String?
    @Option(help: "Control point of a quadratic Bézier curve.") var bezier: String?
    @Option(help: "Bends of a polygonal chain, comma-separated.") var chain: String?
    @OptionGroup var data: DataOptions
    @OptionGroup var modelOptions: ModelOptions
    @Option(help: "Points on [0, 1], both ends included (t = 0.5 is added when missing).") var points = 25
    @Option(help: "Evaluation batch size.") var batch = 1000
    @Option(choosing: "--loss", help: "Loss.", absent: "by the targets") var loss: LossFunction?
    @Option(help: "Output directory.") var out: String
    @Option(
        help: "Curvature at each t beside the loss: top (Hessian λ_max by Lanczos), trace (Hutchinson), or top,trace.")
    var hessian: String?
    @Option(name: .customLong("hessian-samples"), help: "Training samples (the first N) for --hessian.")
    var hessianSamples = 1024
    @Option(name: .customLong("hessian-steps"), help: "Lanczos steps for λ_max with --hessian.") var hessianSteps = 20
    @Option(name: .customLong("hessian-probes"), help: "Hutchinson probes with --hessian.") var hessianProbes = 16
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard points >= 2 else { throw ValidationError("--points must be at least 2 (a path profile needs both ends)") }
        guard [via, bezier, chain].compactMap({ $0 }).count <= 1 else {
            throw ValidationError("give at most one of --via, --bezier, --chain")
        }
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1") }
        _ = try curvatureSettings()
    }

    /// The curvature `--hessian` asks for, nil without it.
    func curvatureSettings() throws -> PathCurvatureSettings? {
        guard let hessian else { return nil }
        let parts = hessian.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !parts.isEmpty, parts.allSatisfy({ $0 == "top" || $0 == "trace" }) else {
            throw ValidationError("--hessian takes top, trace or top,trace; got '\(hessian)'")
        }
        guard hessianSamples >= 1, hessianSteps >= 1, hessianProbes >= 2 else {
            throw ValidationError("--hessian-samples and --hessian-steps must be ≥ 1, --hessian-probes ≥ 2")
        }
        return PathCurvatureSettings(
            topEigenvalue: parts.contains("top"), trace: parts.contains("trace"), steps: hessianSteps,
            probes: hessianProbes)
    }

    func run() throws {
        global.apply()
        let modelA = try modelOptions.load(a)
        let network = modelA.network
        func load(_ path: String) throws -> ParameterVector<Float> {
            let m = try modelOptions.load(path)
            try m.requireSameLayout(as: modelA, file: path, referenceFile: a)
            return m.parameters
        }
        let pa = modelA.parameters, pb = try load(b)
        var paths: [(name: String, path: AffinePath<Float>)] = [("line A→B", .line(pa, pb))]
        if let via { paths.append(("fold-line A→C→B", .foldLine(pa, via: try load(via), pb))) }
        if let bezier {
            paths.append(("Bézier A→M→B", AffinePath(kind: .bezier, controlPoints: [pa, try load(bezier), pb])))
        }
        if let chain {
            let bends = try chain.split(separator: ",").map { try load(String($0)) }
            paths.append(
                ("chain (\(bends.count) bends)", AffinePath(kind: .polygonalChain, controlPoints: [pa] + bends + [pb])))
        }
        let dataset = try data.load()
        try network.requireFits(dataset, model: a)
        let evaluator = PathEvaluator(
            network: network, batchSize: batch, loss: loss)
        let t = PathProfile.grid(points: points)
        var profiles: [PathProfile] = []
        for (name, path) in paths {
            let start = Date()
            profiles.append(try evaluator.profile(path, on: dataset, t: t, name: name))
            FileHandle.standardError.write(
                Data(
                    "\(name): \(t.count) points in \(String(format: "%.2f", Date().timeIntervalSince(start))) s\n".utf8)
            )
        }
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let lossName = (evaluator.loss ?? dataset.train.targets.defaultLoss).rawValue
        let context = PathReportContext(
            models: [a, b] + [via, bezier, chain].compactMap { $0 }, data: dataset.name, loss: lossName,
            network: network)
        var curvature: [PathCurvatureRecord] = []
        if let settings = try curvatureSettings() {
            let samples = try dataset.train.curvatureSamples(count: hessianSamples, seed: nil)
            let lossFunction = evaluator.loss ?? dataset.train.targets.defaultLoss
            for (name, path) in paths {
                let start = Date()
                curvature.append(
                    try PathCurvatureRecord.measure(
                        path, name: name, t: t, network: network, samples: samples,
                        sampleSelection: "the first \(samples.count) training samples", loss: lossFunction,
                        settings: settings))
                FileHandle.standardError.write(
                    Data(
                        "\(name): curvature at \(t.count) points in \(String(format: "%.2f", Date().timeIntervalSince(start))) s\n"
                            .utf8))
            }
        }
        let written = try writePathReport(profiles, context: context, directory: out, curvature: curvature)
        for warning in pathWarnings(profiles) { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
        print(pathSummary(profiles))
        print("wrote " + written.map { "\(out)/\($0)" }.joined(separator: ", "))
    }
}
