import ArgumentParser
import Foundation
import OrbitKit

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge models: align all to a common reference, average, optionally REPAIR.",
        discussion: """
            Two models: B is aligned to A with --method, then θ = (θ_A + π(θ_B)) / 2. More models: Git Re-Basin
            MergeMany (weight matching of each model to the mean of the others, repeated until stable). Every
            permutation is checked to leave its model's function unchanged. --repair (needs --data) resets the
            output mean and std of every BatchNorm, LayerNorm and biased hidden layer's channels to the average
            of the models' (Jordan et al. 2023; BatchNorm statistics reset first unless --bn interpolate). With
            --data prints naive (plain average) / aligned / aligned + BatchNorm reset / aligned + REPAIR side by
            side (loss, accuracy and barrier at the merge); --out-json writes that table as JSON.
            Example: orbit merge a.safetensors b.safetensors c.safetensors --repair --data fashion-mnist --out m.safetensors
            """)

    @Argument(help: "Models to merge (two or more).") var models: [String]
    @Option(choosing: "--method", help: "Matching method for two models (MergeMany uses weight).")
    var method = AlignmentMethod.weight
    @Flag(help: "Renormalise the merged model's hidden units (REPAIR; needs --data).") var repair = false
    @OptionGroup var data: OptionalDataOptions
    @OptionGroup var modelOptions: ModelOptions
    @Option(help: "Where to write the merged model.") var out: String
    @Option(help: "Seed of the orders of visits.") var seed: UInt64 = 0
    @Option(help: "Most MergeMany iterations.") var maxIterations = 20
    @OptionGroup var batchNorm: BatchNormOptions
    @Option(name: .customLong("out-json"), help: "Also write the comparison table as JSON here (needs --data).")
    var outJSON: String?
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard models.count >= 2 else { throw ValidationError("merge needs at least two models (got \(models.count))") }
        if models.count > 2 && method != .weight {
            throw ValidationError(
                "merging more than two models uses MergeMany (weight matching); drop --method \(method.rawValue)")
        }
        if method.needsInputs && data.data == nil { throw ValidationError("--method \(method.rawValue) needs --data") }
        if repair && data.data == nil { throw ValidationError("--repair needs --data (REPAIR measures activations)") }
        if outJSON != nil && data.data == nil {
            throw ValidationError("--out-json needs --data (it holds the comparison)")
        }
        guard maxIterations >= 1 else { throw ValidationError("--max-iterations must be at least 1") }
    }

    func run() throws {
        global.apply()
        let (network, parameters, names) = try loadAlignableModels(models, options: modelOptions)
        if batchNorm.bn == .reset && network.plan.hasBatchNorm && data.data == nil {
            throw ValidationError("--bn reset recomputes the merged model's BatchNorm statistics; it needs --data")
        }
        let dataset = try data.load(for: network)
        let merge = try mergeModels(network: network, parameters, dataset: dataset)
        var merged = merge.merged
        // REPAIR has already reset the statistics it measured with (--bn reset); they stay.
        if let dataset, batchNorm.bn == .reset, network.plan.hasBatchNorm, !merge.repaired {
            // The averaged running statistics are not the merged weights' (Jordan et al. 2023): recompute them.
            var points = [merged]
            network.resetBatchNormStatistics(&points, on: dataset.train)
            merged = points[0]
            print("BatchNorm: \(batchNorm.reporting(for: network).fact)")
        }
        try ensureParentDirectory(out)
        try ModelFile.write(
            Model(
                network: network, parameters: merged,
                metadata: [
                    "orbit.version": orbitVersion, "orbit.merge.models": models.joined(separator: ","),
                    "orbit.merge.method": parameters.count == 2 ? method.rawValue : "mergemany",
                    "orbit.merge.repair": repair ? "true" : "false", "orbit.seed": "\(seed)",
                    "orbit.batch_norm": batchNorm.reporting(for: network).jsonValue,
                ], tensorNames: names[0]),
            to: out)
        if let dataset {
            let train = network.evaluate(merged, on: dataset.train)
            let test = dataset.test.map { network.evaluate(merged, on: $0) }
            print(
                metricsTable(
                    [("train", train)] + (test.map { [("test", $0)] } ?? []), loss: dataset.train.targets.defaultLoss))
        }
        print("saved \(out)")
        if let dataset {
            let comparison = try AlignmentComparison.merge(
                network: network, models: parameters, aligned: merge.aligned, on: dataset, batchNorm: batchNorm.bn,
                repaired: merge.repaired ? merge.merged : nil)
            print(comparison.table)
            if let outJSON {
                try ensureParentDirectory(outJSON)
                try JSONReport.write(comparison, to: outJSON)
                print("saved \(outJSON)")
            }
        }
    }

    /// The models aligned (the spec derived from the graph, docs/math/layer-graph.md §5), every
    /// permutation checked, then averaged (REPAIRed with --repair).
    func mergeModels(network: Network, _ parameters: [ParameterVector<Float>], dataset: Dataset?) throws
        -> AlignedMerge
    {
        let spec = try PermutationSpec(network: network)
        let merge = try Merging.merge(
            models: parameters, network: network, spec: spec, matcher: method.matcher(seed: seed),
            matchingInputs: dataset?.train.features,
            checkInputs: FunctionalEquivalence.checkInputs(from: dataset?.train.features, network: network),
            repairInputs: repair ? dataset?.train.features : nil,
            repair: REPAIR(resetsBatchNormStatistics: batchNorm.bn == .reset), maxIterations: maxIterations, seed: seed)
        switch merge.alignment {
        case .pairwise(let result, let deviation):
            print(
                "aligned \(models[1]) to \(models[0]) (\(result.method), spec derived from the graph, objective \(String(format: "%.6g", result.objective)), "
                    + "\(result.sweeps) sweep(s)); largest |Δoutput| = \(String(format: "%.3g", deviation))")
        case .mergeMany(let deviations, let iterations):
            for (path, deviation) in zip(models, deviations) {
                print("\(path): largest |Δoutput| after its permutation = \(String(format: "%.3g", deviation))")
            }
            print("MergeMany: \(iterations) iteration(s)")
        }
        if merge.repaired {
            print(
                "REPAIR: channel statistics of \(REPAIR.nodes(of: network).repaired.count) node(s) reset to the models' average"
                    + (network.plan.hasBatchNorm
                        ? (batchNorm.bn == .reset
                            ? " (BatchNorm statistics reset on the train split first, --bn reset)"
                            : " (BatchNorm statistics interpolated, --bn interpolate)") : ""))
        }
        return merge
    }
}
