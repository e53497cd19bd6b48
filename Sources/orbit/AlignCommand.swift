import ArgumentParser
import Foundation
import OrbitKit

/// Optional data options (alignment runs without data for weight-based methods).
struct OptionalDataOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Data set (fashion-mnist, npz:FILE, synthetic:KIND:…): activation statistics, checks and barriers.",
            valueName: "spec"))
    var data: String?

    @Option(help: "Use at most this many samples of each split.")
    var limit: Int?

    @Option(help: ArgumentHelp("none, scalar, per-feature or mean=M,std=S.", valueName: "mode"))
    var standardize: String?

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        if let standardize, Standardization(parsing: standardize) == nil {
            throw ValidationError(
                "--standardize takes none, scalar, per-feature or mean=M,std=S (got '\(standardize)')")
        }
    }

    func load(for network: Network) throws -> Dataset? {
        guard let data else { return nil }
        let dataset = try DatasetSpec(
            parsing: data, limit: limit, standardization: standardize.flatMap(Standardization.init(parsing:))
        ).load()
        try network.requireFits(dataset, model: "the models")
        return dataset
    }
}

/// Reads the models at `paths` and checks they share A's architecture (naming the first differing tensor);
/// also returns each file's tensor names, for writing results under them.
func loadAlignableModels(_ paths: [String], options: ModelOptions) throws -> (
    Network, [ParameterVector<Float>], [TensorNameMap]
) {
    let first = try options.load(paths[0])
    var parameters = [first.parameters]
    var names = [first.tensorNames]
    for path in paths.dropFirst() {
        let m = try options.load(path)
        try m.requireSameLayout(as: first, file: path, referenceFile: paths[0])
        parameters.append(m.parameters)
        names.append(m.tensorNames)
    }
    return (first.network, parameters, names)
}

struct AlignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "align",
        abstract: "Align B's hidden units to A's by permutation, check the function is unchanged, measure barriers.",
        discussion: """
            Methods: weight (Git Re-Basin weight matching), activation (activation correlation matching, needs
            --data), sigma (Ferbach et al.'s Σ-weighted weight matching, needs --data), naive (incoming weights
            only), ot (layer-wise exact optimal transport), sinkhorn (entropic OT, rounded to a permutation).
            Writes π(B); its outputs are checked against B's (largest |Δoutput| printed; an error above 1e-4
            relative). With --data and without --no-eval prints one table side by side: naive (line A→B), aligned
            (line A→π(B)), aligned + BatchNorm reset (BatchNorm networks), aligned + REPAIR (every point
            repaired, after a BatchNorm reset unless --bn interpolate) — loss and accuracy at t = 1/2 and the
            mean-endpoint barrier on every split; --out-json writes it as JSON with the whole profiles.
            Example: orbit align a.safetensors b.safetensors --method weight --data fashion-mnist --out b-aligned.safetensors
            """)

    @Argument(help: "Reference model A.") var a: String
    @Argument(help: "Model B, to be permuted onto A.") var b: String
    @Option(choosing: "--method", help: "Matching method.") var method = AlignmentMethod.weight
    @OptionGroup var data: OptionalDataOptions
    @OptionGroup var modelOptions: ModelOptions
    @Option(help: "Where to write π(B) (.safetensors or .npz).") var out: String
    @Flag(name: .customLong("no-eval"), help: "Skip the barrier evaluation.") var noEval = false
    @Option(help: "Seed of the layer order (weight, sigma, naive).") var seed: UInt64 = 0
    @Option(help: "Most coordinate-descent sweeps.") var maxSweeps = 100
    @Option(help: "Sinkhorn ε, relative to the mean cost.") var epsilon = 0.01
    @Option(help: "Points on [0, 1] for the barriers.") var points = 25
    @OptionGroup var batchNorm: BatchNormOptions
    @Option(name: .customLong("out-json"), help: "Also write the comparison table (and profiles) as JSON here.")
    var outJSON: String?
    @Flag(
        help: "Print the permutation spec derived from the graph (channel spaces and the tensor axes in each) and stop."
    )
    var showSpec = false
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if method.needsInputs && data.data == nil { throw ValidationError("--method \(method.rawValue) needs --data") }
        guard points >= 2 else { throw ValidationError("--points must be at least 2") }
        guard maxSweeps >= 1 else { throw ValidationError("--max-sweeps must be at least 1") }
        guard epsilon > 0 else { throw ValidationError("--epsilon must be positive") }
    }

    func run() throws {
        global.apply()
        let (network, models, names) = try loadAlignableModels([a, b], options: modelOptions)
        if showSpec {
            print(specDescription(ChannelSpaces(network.plan)))
            return
        }
        let (pa, pb) = (models[0], models[1])
        let spec = try PermutationSpec(network: network)
        let dataset = try data.load(for: network)
        let start = Date()
        let matcher = method.matcher(seed: seed, maxSweeps: maxSweeps, epsilon: epsilon)
        let result = try matcher.match(network: network, pa, pb, spec: spec, inputs: dataset?.train.features)
        let seconds = Date().timeIntervalSince(start)
        let (aligned, deviation) = try FunctionalEquivalence.applyChecked(
            result.permutations, spec: spec, network: network, to: pb,
            inputs: FunctionalEquivalence.checkInputs(from: dataset?.train.features, network: network))
        try ensureParentDirectory(out)
        try ModelFile.write(
            Model(
                network: network, parameters: aligned,
                metadata: [
                    "orbit.version": orbitVersion, "orbit.align.method": result.method, "orbit.align.reference": a,
                    "orbit.align.source": b, "orbit.align.objective": "\(result.objective)",
                    "orbit.align.sweeps": "\(result.sweeps)", "orbit.align.deviation": "\(deviation)",
                    "orbit.seed": "\(seed)",
                ], tensorNames: names[1]),
            to: out)
        let moved = result.permutations.movedUnits()
        print(
            "method \(result.method) (spec derived from the graph, \(spec.groups.count) groups): "
                + "objective \(String(format: "%.6g", result.objective)), \(result.sweeps) sweep(s), "
                + String(format: "%.2f s", seconds))
        let spaces = ChannelSpaces(network.plan)
        for g in spec.groups {
            // A residual stream is one group written by several nodes: say how many.
            let owners = g.space.map { spaces.spaces[$0].nodes.count } ?? 1
            print(
                "  \(g.name)\(owners > 1 ? " (+\(owners - 1) more nodes)" : ""): \(moved[g.name] ?? 0) of \(g.size) units moved"
            )
        }
        try finish(network: network, pa, pb, aligned: aligned, deviation: deviation, dataset: dataset)
    }

    /// The check, the distances, and — with data — the four-column comparison (``AlignmentComparison``).
    func finish(
        network: Network, _ pa: ParameterVector<Float>, _ pb: ParameterVector<Float>,
        aligned: ParameterVector<Float>, deviation: Double, dataset: Dataset?
    ) throws {
        print(String(format: "functional equivalence: largest |Δoutput| = %.3g (π(B) vs B)", deviation))
        print(
            String(format: "‖θ_A − θ_B‖ = %.6g → ‖θ_A − π(θ_B)‖ = %.6g", pa.distance(to: pb), pa.distance(to: aligned)))
        print("saved \(out)")
        guard !noEval else { return }
        guard let dataset else {
            print("no --data: barriers not measured")
            return
        }
        let comparison = try AlignmentComparison.line(
            network: network, a: pa, b: pb, aligned: aligned, on: dataset, t: PathProfile.grid(points: points),
            batchNorm: batchNorm.bn)
        print(comparison.table)
        if let outJSON {
            try ensureParentDirectory(outJSON)
            try JSONReport.write(comparison, to: outJSON)
            print("saved \(outJSON)")
        }
    }

    /// The derived spec as a table: each channel space, its size, whether it may be permuted, and the
    /// tensor axes it labels (rows, or column blocks of k).
    func specDescription(_ spaces: ChannelSpaces) -> String {
        var lines = ["space  units  free  tensor axes"]
        for space in spaces.spaces {
            var axes: [String] = []
            for t in spaces.tensors {
                if t.rowSpace == space.id { axes.append("\(t.tensor.name)[rows]") }
                if t.columnSpace == space.id {
                    axes.append("\(t.tensor.name)[columns\(t.columnBlock > 1 ? " in blocks of \(t.columnBlock)" : "")]")
                }
            }
            lines.append(
                String(format: "%5d  %5d  %@  ", space.id, space.size, space.isFree ? "yes " : "no  ")
                    + (axes.isEmpty
                        ? "(the network's \(space.id == 0 ? "input" : "output"))" : axes.joined(separator: ", ")))
        }
        return lines.joined(separator: "\n")
    }
}
