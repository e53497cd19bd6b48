import OrbitNetworks
import OrbitNumerics

/// Σ-weighted weight matching (Ferbach, Goujaud, Gidel & Dieuleveut, AISTATS 2024, §6 "WM (ours)";
/// docs/math/alignment.md §2 and §6): each group's permutation maximises
///
///     Σ_i C[i, π(i)],   C = Σ_{layers ℓ producing the group} W^A_ℓ Σ_{ℓ−1} (W^B_ℓ P_{ℓ−1}ᵀ)ᵀ,
///
/// with Σ_{ℓ−1} = E_x[h^A_{ℓ−1}(x) h^A_{ℓ−1}(x)ᵀ] the uncentred second moment of the layer's input in
/// model A (h_0 = x). This is the pairing that minimises the pre-activation error
/// E_x‖(W^A_ℓ − W̃^B_ℓ) h(x)‖² = Σ_i ‖w^A_i − w̃^B_i‖²_Σ. Only incoming weights enter the cost; biases
/// are permuted with their rows but not matched, as in the authors' notebook [C].
/// With `metric: .identity` (Σ = I, no data needed) this is the paper's "Naive WM".
///
/// The groups are solved by the same coordinate descent as ``WeightMatching`` (random order per sweep,
/// the input side of W^B using the current permutation of the previous group): for an MLP one sweep
/// already visits the groups in a valid order only by chance, so sweeps continue until none changes
/// (the notebook runs a fixed 10). Cost: Σ_ℓ one in×in moment (2·N·in² flops) and W^A_ℓΣ (once), then
/// 2·out²·in flops per product per sweep.
public struct SigmaWeightedMatching: Sendable {
    public enum Metric: String, Sendable {
        /// Σ = E[h hᵀ] of model A (Ferbach et al.'s "WM (ours)").
        case secondMoment
        /// Σ = I ("Naive WM": incoming weights only).
        case identity
    }

    public var metric: Metric
    public var seed: UInt64
    public var maxSweeps: Int
    public var batchSize: Int

    public init(metric: Metric = .secondMoment, seed: UInt64 = 0, maxSweeps: Int = 100, batchSize: Int = 1000) {
        self.metric = metric
        self.seed = seed
        self.maxSweeps = maxSweeps
        self.batchSize = batchSize
    }

    public func match(
        network: Network, _ a: ParameterVector<Float>, _ b: ParameterVector<Float>, inputs: Matrix<Float>,
        spec: PermutationSpec
    ) throws -> MatchingResult {
        try requireLayouts(a, b, spec: spec)
        try requireDenseChain(network, method: "Σ-weighted weight matching")
        let structure = NetworkStructure(network)
        let groupIndex = Dictionary(uniqueKeysWithValues: spec.groups.enumerated().map { ($0.element.name, $0.offset) })
        let sigmas: [Matrix<Double>?]
        if metric == .secondMoment {
            try requireInputs(network, inputs)
            sigmas = inputSecondMoments(structure: structure, parameters: a, inputs: inputs, batchSize: batchSize)
        } else {
            sigmas = structure.steps.map { _ in nil }
        }
        // Per group: the steps producing it, with M = W^A Σ and W^B (Float64).
        struct Term {
            let m: Matrix<Double>
            let wb: Matrix<Double>
            let inputGroup: Int?
        }
        var terms: [[Term]] = spec.groups.map { _ in [] }
        for (k, step) in structure.steps.enumerated() {
            guard let g = step.outputGroup.flatMap({ groupIndex[$0] }) else { continue }
            let wa = a.tensor(step.weight)!.converted(to: Double.self)
            let m = sigmas[k].map { wa * $0 } ?? wa
            terms[g].append(
                Term(
                    m: m, wb: b.tensor(step.weight)!.converted(to: Double.self),
                    inputGroup: step.inputGroup.flatMap { groupIndex[$0] }))
        }
        let descent = CoordinateDescent(spec: spec, seed: seed, maxSweeps: maxSweeps, tolerance: 1e-12)
        let result = try descent.run(
            initial: .identity(spec), neighbours: terms.map { $0.compactMap(\.inputGroup) }
        ) { g, state, _ in
            let n = spec.groups[g].size
            var cost = Matrix<Double>(rows: n, columns: n)
            for t in terms[g] {
                let wb = t.inputGroup.map { gatherColumns(t.wb, state.current[spec.groups[$0].name]!) } ?? t.wb
                cost.add(Matrix.product(t.m, wb, transposeB: .transposed))
            }
            return cost
        } objective: { perms in
            var total = 0.0
            for (g, group) in spec.groups.enumerated() {
                let rows = perms.byGroup[group.name]!
                for t in terms[g] {
                    let cols = t.inputGroup.map { perms.byGroup[spec.groups[$0].name]! }
                    // ⟨M, P_out W^B P_inᵀ⟩ without forming the product.
                    for i in 0..<t.m.rows {
                        for c in 0..<t.m.columns { total += t.m[i, c] * t.wb[rows[i], cols?[c] ?? c] }
                    }
                }
            }
            return total
        }
        return MatchingResult(
            permutations: result.permutations, objective: result.history.last ?? 0, sweeps: result.sweeps,
            method: metric == .identity ? "naive-weight" : "sigma", objectiveHistory: result.history)
    }
}

/// E_x[h hᵀ] of every step's input in the network with parameters `parameters` (one moment per
/// distinct input slot, shared by the steps that read it). Streamed GEMMs in Float64.
func inputSecondMoments(
    structure: NetworkStructure, parameters: ParameterVector<Float>, inputs: Matrix<Float>, batchSize: Int
) -> [Matrix<Double>?] {
    let forward = LayerwiseForward(structure: structure, parameters: parameters)
    var bySlot: [Int: Matrix<Double>] = [:]
    for step in structure.steps where step.outputGroup != nil {
        bySlot[step.input] = Matrix(rows: step.inputs, columns: step.inputs)
    }
    var start = 0
    while start < inputs.rows {
        let end = min(start + max(batchSize, 1), inputs.rows)
        let x = batchRows(inputs, start..<end)
        func accumulate(_ slot: Int, _ h: Matrix<Double>) {
            guard bySlot[slot] != nil else { return }
            h.withView { hv in
                bySlot[slot]!.withMutableView { gemm(hv, hv, into: $0, transposeA: .transposed, beta: 1) }
            }
        }
        accumulate(-1, x)
        forward.run(x) { k, _, _, act in accumulate(k, act) }
        start = end
    }
    let n = Double(inputs.rows)
    return structure.steps.map { step in
        step.outputGroup == nil ? nil : bySlot[step.input].map { (1 / n) * $0 }
    }
}
