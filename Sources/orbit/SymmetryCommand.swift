import ArgumentParser
import Foundation
import OrbitKit

struct SymmetryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "symmetry",
        abstract:
            "Parameter-space symmetries (Zhao, Dehmamy, Walters & Yu 2025): act, check, orbit curves, components, rescaling barriers.",
        subcommands: [
            SymmetryTransformCommand.self, SymmetryCheckCommand.self, SymmetryCurveCommand.self,
            SymmetryComponentsCommand.self,
            SymmetryRescaleCommand.self,
        ])
}

/// A random element of one of the symmetry groups of `network`, as an action.
func randomAction(_ action: SymmetryActionChoice, network: Network, seed: UInt64, strength: Double) throws
    -> any SymmetryAction
{
    guard let group = action.group else {
        throw ValidationError(
            "approximate-gl depends on the data; use `orbit symmetry check MODEL --action approximate-gl`")
    }
    return try group.randomAction(network: network, seed: seed, strength: strength)
}

/// Inputs for invariance checks: the first samples of the data set, or Gaussian inputs.
func checkInputs(_ data: String?, network: Network, count: Int = 512) throws -> Matrix<Double> {
    if let data {
        let dataset = try DatasetSpec(parsing: data, limit: count).load()
        return dataset.train.features.converted(to: Double.self)
    }
    var g = SeededGenerator(seed: 7)
    return .normal(rows: count, columns: network.inputSize, generator: &g)
}

/// A model and a random element of one of its symmetry groups: what `transform` and `check` share.
struct GroupElementOptions: ParsableArguments {
    @Argument(help: "Model file.") var model: String
    @Option(
        choosing: "--action",
        help:
            "gl (linear chains), rescale (ReLU/leaky-ReLU/linear nets), permutation (any MLP) or approximate-gl (two-layer nets, check only)."
    )
    var action: SymmetryActionChoice
    @Option(help: "Seed of the random group element.") var seed: UInt64 = 0
    @Option(help: "Size of the element: g = exp(strength·G/√h) for gl, D = exp(strength·N(0,1)) for rescale.")
    var strength = 0.5
    @OptionGroup var modelOptions: ModelOptions

    /// The model in Float64 and the drawn action.
    func load() throws -> (Model<Double>, any SymmetryAction) {
        let m = try modelOptions.load(model, as: Double.self)
        return (m, try randomAction(action, network: m.network, seed: seed, strength: strength))
    }
}

struct SymmetryTransformCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transform",
        abstract: "Apply a random group element (gl, rescale or permutation) to a model and save g·θ.",
        discussion: "Example: orbit symmetry transform a.safetensors --action gl --seed 1 --out b.safetensors")

    @OptionGroup var element: GroupElementOptions
    @Option(help: "Output model file.") var out: String
    @OptionGroup var global: GlobalOptions

    func run() throws {
        global.apply()
        let (m, act) = try element.load()
        let theta = m.parameters
        let deviation = try act.check(theta, inputs: try checkInputs(nil, network: m.network), tolerance: 1e-8)
        let moved = try act.act(on: theta)
        try ModelFile.write(
            Model(
                network: m.network, parameters: moved,
                metadata: [
                    "orbit.version": orbitVersion,
                    "orbit.symmetry":
                        "\(element.action.rawValue) element, seed \(element.seed), strength \(element.strength), applied to \(element.model)",
                ], tensorNames: m.tensorNames),
            to: out)
        print(
            String(
                format:
                    "%@: applied a %@ element; outputs change by %.2e (relative); ‖g·θ − θ‖ = %.4f; saved %@ (Float64)",
                element.model, element.action.rawValue, deviation, moved.distance(to: theta), out))
    }
}

struct SymmetryCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check that a random group element leaves the model's outputs unchanged; report the deviation.",
        discussion: "Example: orbit symmetry check a.safetensors --action permutation --data fashion-mnist")

    @OptionGroup var element: GroupElementOptions
    @Option(help: "Data whose first train samples are the inputs (default: Gaussian inputs).") var data: String?
    @Option(help: "Number of inputs.") var samples = 512

    func validate() throws {
        guard samples >= 1 else { throw ValidationError("--samples must be at least 1") }
    }
    @Option(help: "Largest acceptable relative deviation.") var tolerance = 1e-10
    @OptionGroup var global: GlobalOptions

    func run() throws {
        global.apply()
        if element.action == .approximateGL {
            try runApproximate()
            return
        }
        let (m, act) = try element.load()
        let deviation = try act.check(
            m.parameters, inputs: try checkInputs(data, network: m.network, count: samples), tolerance: tolerance)
        print(
            String(
                format: "ok: the %@ action leaves the outputs unchanged to %.2e (relative, tolerance %.0e)",
                element.action.rawValue,
                deviation, tolerance))
    }
}

extension SymmetryCheckCommand {
    /// Prop 6.1's approximate GL action on a two-layer net: g = exp(strength·G/√h), (U, V) → (Uσ(VX)σ(gVX)⁺, gV)
    /// on the check inputs X; reports the output deviation ratio ‖Uσ(VX) − U′σ(V′X)‖/‖Uσ(VX)‖ (≤ 1; 0 when n ≤ h).
    func runApproximate() throws {
        let m = try element.modelOptions.load(element.model, as: Double.self)
        let inputs = try checkInputs(data, network: m.network, count: samples)
        guard let h = m.network.denseLayers.first?.outputs, m.network.denseLayers.count == 2 else {
            throw ValidationError("approximate-gl needs a two-layer network U·σ(V·x)")
        }
        var g = SeededGenerator(seed: element.seed)
        let gk = try SymmetryGroup.randomGeneralLinear(size: h, strength: element.strength, generator: &g)
        let action = try ApproximateGeneralLinearAction(network: m.network, element: gk, inputs: inputs)
        let ratio = try action.outputDeviationRatio(m.parameters)
        let rank = try action.hiddenRank(m.parameters)
        print(
            String(
                format:
                    "approximate GL action (Prop 6.1) on %d inputs, h = %d: output deviation ratio %.3e (bound 1; exact when n ≤ h); rank σ(gVX) = %d",
                inputs.rows, h, ratio, rank))
        if !(ratio <= 1 + 1e-9) { throw SymmetryError.invarianceViolated(deviation: ratio, tolerance: 1) }
    }
}

struct SymmetryCurveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "curve",
        abstract:
            "The orbit curve γ(t) = exp(t·log g)·w between two minima of one GL orbit, against the straight line.",
        discussion: """
            For linear chains: g_k = G′_k·G_k⁻¹ with G_k = W_k⋯W₁ (Zhao et al. 2025, Eq. 5); the loss is constant along γ.
            Writes the same files as `orbit path`. Example: orbit symmetry curve a.safetensors b.safetensors --data D --out sym
            """)

    @Argument(help: "Start model (a linear chain).") var a: String
    @Argument(help: "End model on the same orbit.") var b: String
    @OptionGroup var data: DataOptions
    @OptionGroup var modelOptions: ModelOptions
    @Option(help: "Points on [0, 1].") var points = 25
    @Option(help: "Output directory.") var out: String
    @OptionGroup var curvatureOptions: HessianPathOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard points >= 2 else { throw ValidationError("--points must be at least 2") }
    }

    func run() throws {
        global.apply()
        let (network, pa, pb) = try loadPair()
        let dataset = try data.load()
        let curve = try OrbitCurve(network: network, from: pa, to: pb)
        let evaluator = PathEvaluator(network: network)
        let t = PathProfile.grid(points: points)
        let line = try evaluator.profile(AffinePath.line(pa, pb), on: dataset, t: t, name: "line A→B")
        let orbit = try evaluator.profile(
            naive: curve, on: dataset, t: t, name: curve.usesPolarFallback ? "orbit curve (polar)" : "orbit curve")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let context = PathReportContext(
            models: [a, b], data: dataset.name, loss: dataset.train.targets.defaultLoss.rawValue, network: network)
        let curvature = try curvatureOptions.measure(
            [("line A→B", AffinePath.line(pa, pb).point(at:)), (orbit.name, curve.point(at:))], t: t,
            network: network, dataset: dataset, loss: dataset.train.targets.defaultLoss)
        let written = try writePathReport([line, orbit], context: context, directory: out, curvature: curvature)
        for warning in pathWarnings([line, orbit]) {
            FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
        }
        print(pathSummary([line, orbit]))
        let loss = orbit.splits["train"]!.map(\.loss)
        print(
            String(
                format: "orbit curve: train loss varies by %.2e relative (max − min over mean)",
                (loss.max()! - loss.min()!) / (loss.reduce(0, +) / Double(loss.count))))
        let sagitta = curve.chordSagitta(curvaturePoints: 51, chordPoints: 11, curvePoints: 101)
        let bound = sagitta.bound.map {
            String(format: "d_max = %.4g, measured max chord→curve distance %.4g", $0, sagitta.maximumDistance)
        }
        print(
            String(
                format: "Thm 6.2: κ_max = %.4g, D = %.4g, κD = %.4g; ", sagitta.maximumCurvature, sagitta.chordLength,
                sagitta.product)
                + (bound ?? "κD > 2: the sagitta bound does not apply"))
        print("wrote " + written.map { "\(out)/\($0)" }.joined(separator: ", "))
    }

    func loadPair() throws -> (Network, ParameterVector<Double>, ParameterVector<Double>) {
        let ma = try modelOptions.load(a, as: Double.self)
        let mb = try modelOptions.load(b, as: Double.self)
        try mb.requireSameLayout(as: ma, file: b, referenceFile: a)
        return (ma.network, ma.parameters, mb.parameters)
    }
}
