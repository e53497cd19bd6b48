import OrbitAlignment
import OrbitCheckpoints
import OrbitData
import OrbitNetworks
import OrbitPaths

extension Demo {
    /// Weight matching (Ainsworth et al. 2023) of every other model to the first, each permutation
    /// checked for functional equivalence on 512 training inputs, then the straight lines between
    /// the aligned models.
    func alignedLines(models: inout [DemoModel], network: Network, dataset: Dataset, t: [Double]) throws
        -> DemoPathGroup
    {
        let spec = try PermutationSpec(network: network)
        let inputs = dataset.train.prefix(512).features
        let evaluator = PathEvaluator(network: network)
        var aligned = [models[0]]
        var rows: [[String]] = []
        for model in models.dropFirst() {
            let matching = try WeightMatching(seed: 0, maxSweeps: 100).match(
                models[0].parameters, model.parameters, spec: spec)
            let permuted = spec.apply(matching.permutations, to: model.parameters)
            let deviation = try FunctionalEquivalence.check(
                network: network, original: model.parameters, permuted: permuted, inputs: inputs, tolerance: 1e-3)
            var copy = try save(
                name: "\(model.name)-aligned", seed: model.seed, parameters: permuted, network: network,
                dataset: dataset, extra: ["orbit.role": "\(model.name) permuted onto A by weight matching"])
            copy.name = "π(\(model.name))"
            copy.seed = nil  // derived from a trained model, not trained itself
            aligned.append(copy)
            let moved = matching.permutations.movedUnits().values.reduce(0, +)
            rows.append([
                model.name, "\(matching.sweeps)", String(format: "%.4g", matching.objective), "\(moved)",
                String(format: "%.2e", deviation),
            ])
        }
        models += aligned.dropFirst()
        let pairs = pairIndices(aligned.count)
        let profiles = try pairs.map { i, j in
            try evaluator.profile(
                AffinePath.line(aligned[i].parameters, aligned[j].parameters), on: dataset, t: t,
                name: "line \(aligned[i].name)→\(aligned[j].name)")
        }
        return DemoPathGroup(
            key: "aligned", heading: "After weight matching (Git Re-Basin)",
            explanation:
                "Hidden units are permuted so that each model's weights best match A's (coordinate descent over "
                + "layers, each step an exact linear assignment). The permuted model computes the same function "
                + "(checked: largest output change below); only its position in parameter space changes. "
                + "Ferbach et al. (2024) prove the barrier after alignment vanishes as the width grows.",
            profiles: profiles,
            tables: [
                (
                    "Weight matching of each model onto A: sweeps until no improvement, the objective Σ⟨W_A, π(W)⟩, "
                        + "units moved, and the functional-equivalence check.",
                    ["model", "sweeps", "objective", "units moved", "largest |Δoutput|"], rows
                )
            ])
    }
}
