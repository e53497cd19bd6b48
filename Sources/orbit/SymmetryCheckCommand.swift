import ArgumentParser
import Foundation
import OrbitKit

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
        let handling = batchNormHandling(element.action, network: m.network).map { "; " + $0 } ?? ""
        print(
            String(
                format:
                    "ok: the %@ action leaves the outputs unchanged to %.2e (max |Δoutput| / max |output|, evaluation mode, tolerance %.0e)%@",
                element.action.rawValue,
                deviation, tolerance, handling))
    }
}

extension SymmetryCheckCommand {
    /// Prop 6.1's approximate GL action on a two-layer net: g = exp(strength·G/√h), (U, V) → (Uσ(VX)σ(gVX)⁺, gV)
    /// on the check inputs X; reports the output deviation ratio ‖Uσ(VX) − U′σ(V′X)‖/‖Uσ(VX)‖ (≤ 1; 0 when n ≤ h).
    func runApproximate() throws {
        let m = try element.modelOptions.load(element.model, as: Double.self)
        try m.network.requireDenseChain(for: "orbit symmetry check")
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
