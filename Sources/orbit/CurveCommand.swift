import ArgumentParser
import Foundation
import OrbitKit

struct CurveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "curve",
        abstract: "Fit a low-loss Bézier curve or polygonal chain between two models (Garipov et al. 2018).",
        discussion: """
            Learns the bend(s) by minimising the loss at one t ~ U(0, 1) per minibatch, end points fixed,
            then compares the fitted curve with the straight line. With one bend OUT holds the control
            point (use it with `orbit path A B --bezier OUT` or `--chain OUT`); with k bends OUT-bend1 …
            OUT-bendk. The state is saved after every epoch (and every N steps with --checkpoint-every N)
            to OUT.state.safetensors; --resume continues to the bit-identical result.
            Example: orbit curve a.safetensors b.safetensors --kind bezier --epochs 10 --data fashion-mnist --out m.safetensors
            """)

    @Argument(help: "Start model.") var a: String
    @Argument(help: "End model.") var b: String
    @Option(choosing: "--kind", help: "Kind of curve.") var kind = CurveKindChoice.bezier
    @Option(help: "Free control points (a Bézier curve of degree bends + 1, or a chain with this many bends).")
    var bends = 1
    @OptionGroup var optimization: OptimizationOptions
    @OptionGroup var data: DataOptions
    @OptionGroup var modelOptions: ModelOptions
    @Option(help: "Start the bend(s) at these models (comma-separated) instead of on the segment A–B.") var initial:
        String?
    @Option(help: "Output model file for the bend (.safetensors or .npz).") var out: String
    @OptionGroup var batchNorm: BatchNormOptions
    @OptionGroup var resuming: ResumeOptions
    @Flag(help: "No progress output.") var quiet = false
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard bends >= 1 else { throw ValidationError("--bends must be at least 1") }
        guard out.hasSuffix(".safetensors") || out.hasSuffix(".npz") else {
            throw ValidationError("--out must end in .safetensors or .npz")
        }
    }

    func bendPath(_ j: Int) -> String {
        if bends == 1 { return out }
        let ext = out.hasSuffix(".npz") ? ".npz" : ".safetensors"
        return String(out.dropLast(ext.count)) + "-bend\(j)" + ext
    }

    func run() throws {
        global.apply()
        let modelA = try modelOptions.load(a)
        let modelB = try modelOptions.load(b)
        try modelB.requireSameLayout(as: modelA, file: b, referenceFile: a)
        let network = modelA.network
        let dataset = try data.load()
        let config = optimization.configuration
        let progress = ProgressReporter(style: quiet ? .quiet : .automatic, label: "curve")
        let fitter = try CurveFitter(
            network: network, dataset: dataset, kind: kind.pathKind,
            from: modelA.parameters,
            to: modelB.parameters, configuration: config, progress: progress)
        try ensureParentDirectory(out)
        let statePath = ResumeOptions.statePath(for: out)
        var given: [ParameterVector<Float>]?
        if let initial {
            let paths = initial.split(separator: ",").map(String.init)
            guard paths.count == bends else {
                throw ValidationError("--initial names \(paths.count) models for \(bends) bends")
            }
            given = try paths.map { path in
                let m = try modelOptions.load(path)
                try m.requireSameLayout(as: modelA, file: path, referenceFile: a)
                return m.parameters
            }
        }
        let start = try resuming.start(
            statePath: statePath, progress: progress, fresh: fitter.initialState(bends: bends, given: given)
        ) { try CurveStateFile.read($0, network: network, configuration: config, bends: bends, as: Float.self) }
        let final = try fitter.run(from: start, checkpointEvery: resuming.checkpointEvery) { state in
            try CurveStateFile.write(state, network: network, configuration: config, to: statePath)
        }
        for (j, bend) in final.bends.enumerated() {
            let model = Model(
                network: network, parameters: bend,
                metadata: [
                    "orbit.version": orbitVersion,
                    "orbit.curve": "\(kind) bend \(j + 1) of \(bends) between \(a) and \(b)",
                    "orbit.seed": "\(config.seed)",
                    "orbit.batch_norm": batchNorm.reporting(for: network).jsonValue,
                ], tensorNames: modelA.tensorNames)
            try ModelFile.write(model, to: bendPath(j + 1))
        }
        try? FileManager.default.removeItem(atPath: statePath)
        // The bends were fitted in training mode (batch statistics, as PyTorch trains); the curve is
        // measured with the chosen handling of the running statistics.
        let evaluator = PathEvaluator(network: network, batchNorm: batchNorm.bn)
        let t = PathProfile.grid(points: 25)
        let line = try evaluator.profile(
            AffinePath.line(modelA.parameters, modelB.parameters), on: dataset, t: t, name: "line A→B")
        let curve = try evaluator.profile(fitter.path(final), on: dataset, t: t, name: "fitted \(kind)")
        print(pathSummary([line, curve]))
        print("BatchNorm: \(batchNorm.reporting(for: network).fact)")
        print("saved " + (1...bends).map(bendPath).joined(separator: ", "))
    }
}
