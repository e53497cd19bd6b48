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
        try dataset.requireSampleShape(network.inputShape, for: "the network")
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
            "gl (linear chains), rescale (ReLU/leaky-ReLU/linear nets, CNNs and ResNets too), permutation (any network: MLPs, CNNs, ResNets) or approximate-gl (two-layer nets, check only)."
    )
    var action: SymmetryActionChoice
    @Option(help: "Seed of the random group element.") var seed: UInt64 = 0
    @Option(help: "Size of the element: g = exp(strength·G/√h) for gl, D = exp(strength·N(0,1)) for rescale.")
    var strength = 0.5
    @OptionGroup var modelOptions: ModelOptions

    /// The model in Float64 and the drawn action.
    func load() throws -> (Model<Double>, any SymmetryAction) {
        let m = try modelOptions.load(model, as: Double.self)
        if !m.network.isDenseChain && action == .permutation {
            // Any layer graph: one permutation per free channel space (docs/math/layer-graph.md §5).
            return (m, try GraphPermutationAction.random(network: m.network, seed: seed))
        }
        let residual = m.network.blocks.contains { if case .residual = $0 { true } else { false } }
        if action == .rescale && (!m.network.isDenseChain || residual) {
            // One positive diagonal per free channel space (docs/math/layer-graph.md §6); a residual
            // MLP's stream is one space too.
            return (m, try GraphRescalingAction.random(network: m.network, seed: seed, strength: strength))
        }
        try m.network.requireDenseChain(
            for: "orbit symmetry --action \(action.rawValue) (permutation and rescale take any network)")
        return (m, try randomAction(action, network: m.network, seed: seed, strength: strength))
    }
}

/// How an action treats BatchNorm in the evaluation-mode check, for the command's report (nil when
/// the network has none).
func batchNormHandling(_ action: SymmetryActionChoice, network: Network) -> String? {
    guard network.plan.hasBatchNorm else { return nil }
    switch action {
    case .permutation: return "BatchNorm running statistics move with their channels (exact)"
    case .rescale: return "BatchNorm γ, β carry the scale, running statistics unchanged: exact, no ε term"
    case .gl, .approximateGL: return nil
    }
}
