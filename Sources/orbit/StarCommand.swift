import ArgumentParser
import Foundation
import OrbitKit

/// The centre-finding options `orbit star` and `orbit ngd` share (Lin, Li & Wu 2024, §5, Eq. 6–7).
struct CentreOptions: ParsableArguments {
    @Option(help: "Centre-finding epochs (the paper: 200).") var epochs = 200
    @Option(help: "Adam learning rate (the paper: 0.01).") var lr = 0.01
    @Option(help: "Minibatch size (the paper: 200).") var batch = 200
    @Option(help: "B_r: feet drawn per step (the paper: 1).") var feetPerStep = 1
    @Option(help: "B_t: values t ~ U(0, 1) per foot and step (the paper: 3).") var tPerStep = 3
    @Option(help: "Seed of every epoch's shuffle and of the feet and t drawn at each step.") var seed: UInt64 = 0

    func validate() throws {
        guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1") }
        guard lr > 0, lr.isFinite else { throw ValidationError("--lr must be positive") }
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1") }
        guard feetPerStep >= 1 else { throw ValidationError("--feet-per-step must be at least 1") }
        guard tPerStep >= 1 else { throw ValidationError("--t-per-step must be at least 1") }
    }

    func configuration(penalty: Double, loss: LossFunction?) -> CentreConfiguration {
        CentreConfiguration(
            epochs: epochs, batchSize: batch, learningRate: lr, optimizer: .adam(), feetPerStep: feetPerStep,
            tPerStep: tPerStep, penalty: penalty, seed: seed, loss: loss)
    }
}

/// Loads models that must share the first one's architecture; a mismatch is a one-line error naming
/// the first tensor that differs.
func loadMatchingModels(_ paths: [String], options: ModelOptions, reference: Model<Float>? = nil) throws
    -> [Model<Float>]
{
    var models: [Model<Float>] = []
    for path in paths {
        let model = try options.load(path)
        if let first = reference ?? models.first {
            try model.requireSameLayout(as: first, file: path, referenceFile: reference == nil ? paths[0] : "the feet")
        }
        models.append(model)
    }
    return models
}

/// Fits a centre (resumable through `statePath`, saved after each epoch and every
/// `--checkpoint-every` steps) and returns the final state.
func fitCentre(
    network: Network, dataset: Dataset, feet: [ParameterVector<Float>], configuration: CentreConfiguration,
    initial: ParameterVector<Float>?, statePath: String, resuming: ResumeOptions, progress: ProgressReporter
) throws -> CentreState<Float> {
    let fitter = try CentreFitter(
        network: network, dataset: dataset, feet: feet, configuration: configuration, progress: progress)
    let start = try resuming.start(
        statePath: statePath, progress: progress, fresh: fitter.initialState(centre: initial)
    ) { try CentreStateFile.read($0, network: network, configuration: configuration, feet: feet, as: Float.self) }
    let final = try fitter.run(from: start, checkpointEvery: resuming.checkpointEvery) { state in
        try CentreStateFile.write(state, network: network, configuration: configuration, feet: feet, to: statePath)
    }
    return final
}

/// A fitted centre as it is written: with `--bn reset` on a network with BatchNorm, its running
/// statistics recomputed on the train split (the fit trains in training mode and leaves the feet's
/// mean there), so the saved model evaluates as the reports measured it.
func centreForSaving(
    _ centre: ParameterVector<Float>, network: Network, dataset: Dataset, batchNorm: BatchNormOptions
) -> ParameterVector<Float> {
    guard batchNorm.bn == .reset, network.plan.hasBatchNorm else { return centre }
    var points = [centre]
    network.resetBatchNormStatistics(&points, on: dataset.train)
    return points[0]
}

struct StarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "star",
        abstract: "Fit a star centre that sees several minima along straight lines (Lin, Li & Wu 2024).",
        discussion: """
            Minimises (1/r)·Σ_i [E_t R(t·θ + (1−t)·θ_i) + λ‖θ − θ_i‖²] over the centre θ with Adam, drawing
            B_r feet and B_t values of t per minibatch (Eq. 6–7). Writes the centre to OUT; with --report DIR
            also measures every arm, every pair's direct line and fold-line through the centre (Table 1),
            the NGD bound per pair (Eq. 8) and the held-out feet, into DIR/report.html, star.json, star.csv
            and SVG charts. The state is saved after every epoch (and every N steps with --checkpoint-every N)
            to OUT.state.safetensors; --resume continues bit-identically. A NaN or ±∞ objective or gradient
            stops the fit with a message naming the step; the last checkpoint is kept.
            Example: orbit star m1.safetensors m2.safetensors m3.safetensors --data fashion-mnist --epochs 20 --out c.safetensors --report star
            """)

    @Argument(help: "The minima (feet), at least two model files of one architecture.") var models: [String] = []
    @OptionGroup var data: DataOptions
    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var centre: CentreOptions
    @Option(help: "λ of the penalty λ·‖θ − θ_i‖² (0: none, the paper's star experiments).") var penalty = 0.0
    @Option(help: "Start the centre at this model instead of the feet's mean.") var `init`: String?
    @Option(help: "Minima not used to fit the centre, comma-separated, reported separately.") var heldOut: String?
    @Option(help: "Output model file for the centre (.safetensors or .npz).") var out: String
    @Option(help: "Report directory (report.html, star.json, star.csv, SVG charts).") var report: String?
    @Option(help: "Points per arm on [0, 1] for the report (t = 0.5 included).") var points = 25
    @Option(choosing: "--loss", help: "Loss.", absent: "by the targets") var loss: LossFunction?
    @OptionGroup var batchNorm: BatchNormOptions
    @OptionGroup var resuming: ResumeOptions
    @Flag(help: "No progress output.") var quiet = false
    @OptionGroup var global: GlobalOptions

    var heldOutPaths: [String] { heldOut.map { $0.split(separator: ",").map(String.init) } ?? [] }

    func validate() throws {
        guard models.count >= 2 else {
            throw ValidationError("orbit star needs at least 2 models (feet), got \(models.count)")
        }
        guard out.hasSuffix(".safetensors") || out.hasSuffix(".npz") else {
            throw ValidationError("--out must end in .safetensors or .npz")
        }
        guard penalty >= 0, penalty.isFinite else { throw ValidationError("--penalty must be ≥ 0") }
        guard points >= 2 else { throw ValidationError("--points must be at least 2") }
        if let overlap = heldOutPaths.first(where: models.contains) {
            throw ValidationError("\(overlap) is both a foot and held out")
        }
    }

    func run() throws {
        global.apply()
        let feetModels = try loadMatchingModels(models, options: modelOptions)
        let network = feetModels[0].network
        let heldOutModels = try loadMatchingModels(heldOutPaths, options: modelOptions, reference: feetModels[0])
        let initial = try `init`.map {
            try loadMatchingModels([$0], options: modelOptions, reference: feetModels[0])[0]
        }
        let dataset = try data.load()
        try network.requireFits(dataset, model: models[0])
        let lossFunction = loss
        let config = centre.configuration(penalty: penalty, loss: lossFunction)
        let feet = feetModels.map(\.parameters)
        try ensureParentDirectory(out)
        let statePath = ResumeOptions.statePath(for: out)
        let progress = ProgressReporter(style: quiet ? .quiet : .automatic, label: "centre")
        var final = try fitCentre(
            network: network, dataset: dataset, feet: feet, configuration: config, initial: initial?.parameters,
            statePath: statePath, resuming: resuming, progress: progress)
        final.centre = centreForSaving(final.centre, network: network, dataset: dataset, batchNorm: batchNorm)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let model = Model(
            network: network, parameters: final.centre,
            metadata: [
                "orbit.version": orbitVersion,
                "orbit.description":
                    "star centre of \(models.joined(separator: ", ")) (Lin, Li & Wu 2024, Eq. 6-7), "
                    + "initialised at \(`init` ?? "the feet's mean"), data \(dataset.name)",
                "orbit.seed": "\(config.seed)", "orbit.data": dataset.name,
                "orbit.batch_norm": batchNorm.reporting(for: network).jsonValue,
                "orbit.star.feet": models.joined(separator: ","),
                "orbit.star.configuration": String(decoding: try encoder.encode(config), as: UTF8.self),
            ], tensorNames: feetModels[0].tensorNames)
        try ModelFile.write(model, to: out)
        try? FileManager.default.removeItem(atPath: statePath)
        let star = StarCentre(centre: final.centre, feet: feet)
        for (i, j) in star.pairs where report == nil {
            let bound = try normalizedGeodesicDistanceBound(feet[i], via: final.centre, feet[j])
            print("\(models[i]) – \(models[j]): NGD bound (Eq. 8) \(String(format: "%.4f", bound))")
        }
        if let report {
            let evaluation = try evaluateStar(
                star, names: models, heldOut: heldOutModels.map(\.parameters), heldOutNames: heldOutPaths,
                network: network, dataset: dataset, points: points, loss: lossFunction, batchNorm: batchNorm.bn)
            let context = StarReportContext(
                models: models, heldOut: heldOutPaths, data: dataset.name,
                loss: (lossFunction ?? dataset.train.targets.defaultLoss).rawValue, network: network,
                configuration: config, history: final.history, centreSource: `init` ?? "fitted from the feet's mean",
                modelSeeds: feetModels.map { $0.metadata["orbit.seed"] ?? "unknown" }, batchNorm: batchNorm.bn)
            let written = try writeStarReport(evaluation, context: context, directory: report)
            print(starSummary(evaluation))
            print("wrote " + written.map { "\(report)/\($0)" }.joined(separator: ", "))
        }
        print("BatchNorm: \(batchNorm.reporting(for: network).fact)")
        print("saved the centre to \(out)")
    }
}
