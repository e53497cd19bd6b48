import ArgumentParser
import Foundation
import OrbitKit

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
        try ma.network.requireDenseChain(for: "orbit symmetry curve")
        return (ma.network, ma.parameters, mb.parameters)
    }
}
