import ArgumentParser
import Foundation
import OrbitKit

struct NGDCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ngd",
        abstract: "Upper bound on the normalised geodesic distance between two minima (Lin, Li & Wu 2024, Eq. 8).",
        discussion: """
            With --centre C, measures the fold-line A → C → B. Otherwise fits a centre for A and B with the
            penalty λ‖θ − θ_i‖² (Eq. 6–7; the paper does not state λ) and measures that. Prints
            (‖A − C‖ + ‖C − B‖)/‖A − B‖ — a bound on the NGD when the fold-line keeps a low loss — and
            every barrier of the direct line and of the fold-line, so the bound can be judged. When fitting
            with --out, the state is saved to OUT.state.safetensors after every epoch (and every N steps with
            --checkpoint-every N); --resume continues bit-identically.
            Example: orbit ngd a.safetensors b.safetensors --data fashion-mnist --epochs 20 --out c.safetensors
            """)

    @Argument(help: "First minimum.") var a: String
    @Argument(help: "Second minimum.") var b: String
    @Option(help: "A centre to measure instead of fitting one.") var centre: String?
    @OptionGroup var data: DataOptions
    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var fit: CentreOptions
    @Option(help: "λ of the penalty λ·‖θ − θ_i‖² when fitting.") var penalty = 1e-4
    @Option(help: "Save the fitted centre here (.safetensors or .npz).") var out: String?
    @Option(help: "Report directory (as orbit star --report).") var report: String?
    @Option(help: "Points per path on [0, 1] (t = 0.5 included).") var points = 25
    @Option(choosing: "--loss", help: "Loss.", absent: "by the targets") var loss: LossFunction?
    @OptionGroup var batchNorm: BatchNormOptions
    @OptionGroup var resuming: ResumeOptions
    @Flag(help: "No progress output.") var quiet = false
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard penalty >= 0, penalty.isFinite else { throw ValidationError("--penalty must be ≥ 0") }
        guard points >= 2 else { throw ValidationError("--points must be at least 2") }
        if let out, !(out.hasSuffix(".safetensors") || out.hasSuffix(".npz")) {
            throw ValidationError("--out must end in .safetensors or .npz")
        }
        if centre != nil && (out != nil || resuming.resume || resuming.checkpointEvery != 0) {
            throw ValidationError(
                "--centre measures a given centre; --out, --resume and --checkpoint-every are for fitting one")
        }
        if resuming.resume && out == nil {
            throw ValidationError("--resume needs --out (the state is OUT.state.safetensors)")
        }
    }

    func run() throws {
        global.apply()
        let models = try loadMatchingModels([a, b], options: modelOptions)
        let network = models[0].network
        let dataset = try data.load()
        try network.requireFits(dataset, model: a)
        let lossFunction = loss
        let feet = models.map(\.parameters)
        let c: ParameterVector<Float>
        var history: [Double] = []
        var config: CentreConfiguration?
        if let centre {
            c = try loadMatchingModels([centre], options: modelOptions, reference: models[0])[0].parameters
        } else {
            let configuration = fit.configuration(penalty: penalty, loss: lossFunction)
            let statePath = ResumeOptions.statePath(
                for: out
                    ?? FileManager.default.temporaryDirectory.appendingPathComponent("orbit-ngd-\(UUID().uuidString)")
                    .path)
            if let out { try ensureParentDirectory(out) }
            let final = try fitCentre(
                network: network, dataset: dataset, feet: feet, configuration: configuration, initial: nil,
                statePath: statePath, resuming: resuming,
                progress: ProgressReporter(style: quiet ? .quiet : .automatic, label: "centre"))
            try? FileManager.default.removeItem(atPath: statePath)
            c = centreForSaving(final.centre, network: network, dataset: dataset, batchNorm: batchNorm)
            history = final.history
            config = configuration
            if let out {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                try ModelFile.write(
                    Model(
                        network: network, parameters: c,
                        metadata: [
                            "orbit.version": orbitVersion,
                            "orbit.description":
                                "NGD centre of \(a) and \(b) (Lin, Li & Wu 2024, Eq. 6-8, penalty λ = \(penalty)), data \(dataset.name)",
                            "orbit.seed": "\(configuration.seed)",
                            "orbit.batch_norm": batchNorm.reporting(for: network).jsonValue,
                            "orbit.star.configuration": String(
                                decoding: try encoder.encode(configuration), as: UTF8.self),
                        ], tensorNames: models[0].tensorNames), to: out)
            }
        }
        let star = StarCentre(centre: c, feet: feet)
        let evaluation = try evaluateStar(
            star, names: ["A", "B"], network: network, dataset: dataset, points: points, loss: lossFunction,
            batchNorm: batchNorm.bn)
        let pair = evaluation.pairs[0]
        print("A = \(a), B = \(b), C = \(centre ?? out ?? "the fitted centre")")
        print("NGD upper bound (Eq. 8): \(String(format: "%.4f", pair.normalizedGeodesicDistanceBound))")
        print(
            "‖A − C‖ = \(String(format: "%.4f", euclideanDistance(feet[0], c))), ‖C − B‖ = \(String(format: "%.4f", euclideanDistance(c, feet[1]))), ‖A − B‖ = \(String(format: "%.4f", euclideanDistance(feet[0], feet[1])))"
        )
        print(pathSummary([pair.direct, pair.fold]))
        print("BatchNorm: \(batchNorm.reporting(for: network).fact)")
        if let report {
            let context = StarReportContext(
                models: ["A = \(a)", "B = \(b)"], data: dataset.name,
                loss: (lossFunction ?? dataset.train.targets.defaultLoss).rawValue,
                network: network, configuration: config, history: history,
                centreSource: centre ?? "fitted with penalty λ = \(penalty)",
                modelSeeds: models.map { $0.metadata["orbit.seed"] ?? "unknown" }, batchNorm: batchNorm.bn)
            let written = try writeStarReport(evaluation, context: context, directory: report)
            print("wrote " + written.map { "\(report)/\($0)" }.joined(separator: ", "))
        }
        if let out { print("saved the centre to \(out)") }
    }
}
