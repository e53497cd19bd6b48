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
    @OptionGroup var curvatureOptions: HessianPathOptions
    @OptionGroup var batchNorm: BatchNormOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard points >= 2 else { throw ValidationError("--points must be at least 2 (a path profile needs both ends)") }
        guard [via, bezier, chain].compactMap({ $0 }).count <= 1 else {
            throw ValidationError("give at most one of --via, --bezier, --chain")
        }
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1") }
    }

    func run() throws {
        global.apply()
        let modelA = try modelOptions.load(a)
        let network = modelA.network
        try curvatureOptions.requireSupported(by: network, command: "orbit path")
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
        let evaluator = PathEvaluator(network: network, batchSize: batch, loss: loss, batchNorm: batchNorm.bn)
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
            network: network, batchNorm: batchNorm.bn)
        let curvature = try curvatureOptions.measure(
            paths.map { ($0.name, $0.path.point(at:)) }, t: t, network: network, dataset: dataset,
            loss: evaluator.loss ?? dataset.train.targets.defaultLoss, batchNorm: batchNorm.bn,
            statisticsBatchSize: batch)
        let written = try writePathReport(profiles, context: context, directory: out, curvature: curvature)
        for warning in pathWarnings(profiles) { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
        print(pathSummary(profiles))
        print("BatchNorm: \(batchNorm.reporting(for: network).fact)")
        print("wrote " + written.map { "\(out)/\($0)" }.joined(separator: ", "))
    }
}
