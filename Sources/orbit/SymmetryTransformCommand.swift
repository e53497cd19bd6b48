import ArgumentParser
import Foundation
import OrbitKit

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
        let handling = batchNormHandling(element.action, network: m.network).map { "; " + $0 } ?? ""
        print(
            String(
                format:
                    "%@: applied a %@ element; outputs change by %.2e (relative, evaluation mode%@); ‖g·θ − θ‖ = %.4f; saved %@ (Float64)",
                element.model, element.action.rawValue, deviation, handling, moved.distance(to: theta), out))
    }
}
