import OrbitNetworks
import OrbitNumerics

/// Soft (entropic) OT alignment in the style of OTFusion (Singh & Jaggi, NeurIPS 2020): groups are
/// solved in network order; for each, the transport plan T_g (n_A × n_B, uniform marginals) between the
/// neuron clouds of A and B (rows [w_i, b_i], B's input side already transported) under the squared
/// Euclidean cost, by log-domain ``sinkhorn(cost:a:b:epsilon:maxIterations:tolerance:)`` with
/// ε = `epsilon` × the mean cost. Widths may differ: the fused model carries B's neurons onto A's by
/// the barycentric map R_g = n_A·T_g (rows sum to 1),
///
///     W̃_ℓ = R_out · W^B_ℓ · R_inᵀ,   b̃_ℓ = R_out · b^B_ℓ,
///
/// which for a permutation plan is exactly π(θ_B). ``match(network:_:_:spec:)`` rounds each plan to
/// the permutation maximising Σ_i T[i, π(i)] (equal widths). Cost: O(n_A·n_B) exponentials per
/// Sinkhorn iteration and group.
public struct SinkhornAlignment: Sendable {
    public var epsilon: Double
    public var maxIterations: Int
    public var tolerance: Double

    public init(epsilon: Double = 0.01, maxIterations: Int = 2000, tolerance: Double = 1e-9) {
        self.epsilon = epsilon
        self.maxIterations = maxIterations
        self.tolerance = tolerance
    }

    /// Plans and B transported onto A's widths.
    public struct Transport: Sendable {
        /// T_g for every group of A's spec (n_A × n_B, entries summing to 1).
        public var plans: [String: Matrix<Double>]
        /// B's parameters in A's layout (the OTFusion "aligned B").
        public var aligned: ParameterVector<Float>
        /// Sinkhorn iterations and final row-marginal error per group.
        public var iterations: [String: Int]
        public var marginalErrors: [String: Double]
        /// Σ_g ⟨T_g, C_g⟩, the transport cost.
        public var cost: Double
    }

    /// Transports B (network `networkB`, possibly of other widths) onto A. The two networks must have
    /// the same block structure (same groups), differing only in hidden widths.
    public func transport(
        networkA: Network, _ a: ParameterVector<Float>, networkB: Network, _ b: ParameterVector<Float>
    ) throws -> Transport {
        try requireDenseChain(networkA, method: "sinkhorn alignment")
        try requireDenseChain(networkB, method: "sinkhorn alignment")
        let specA = try PermutationSpec(network: networkA)
        let specB = try PermutationSpec(network: networkB)
        do {
            try networkA.layout.requireMatches(a.layout)
            try networkB.layout.requireMatches(b.layout)
        } catch {
            throw AlignmentError.layoutMismatch(error)
        }
        guard specA.groups.map(\.name) == specB.groups.map(\.name),
            networkA.inputSize == networkB.inputSize, networkA.outputSize == networkB.outputSize
        else {
            throw AlignmentError.unsupported(
                method: "sinkhorn alignment", reason: "A and B need the same structure (they may differ only in widths)"
            )
        }
        let structure = NetworkStructure(networkA)
        let structureB = NetworkStructure(networkB)
        var bary: [String: Matrix<Double>] = [:]
        var result = Transport(plans: [:], aligned: a, iterations: [:], marginalErrors: [:], cost: 0)
        for g in specA.groups {
            // The clouds: A's rows and B's rows with the input side carried onto A's units (W · Rᵀ).
            var partsA: [Matrix<Double>] = [], partsB: [Matrix<Double>] = []
            for (step, stepB) in zip(structure.steps, structureB.steps) where step.outputGroup == g.name {
                if let input = step.inputGroup, bary[input] == nil { continue }
                var wa = a.tensor(step.weight)!.converted(to: Double.self)
                var wb = b.tensor(stepB.weight)!.converted(to: Double.self)
                if let input = step.inputGroup { wb = Matrix.product(wb, bary[input]!, transposeB: .transposed) }
                if let bias = step.bias {
                    wa = appendColumn(wa, a.tensor(bias)!.flat.map(Double.init))
                    wb = appendColumn(wb, b.tensor(bias)!.flat.map(Double.init))
                }
                partsA.append(wa)
                partsB.append(wb)
            }
            let cost = squaredDistances(concatenateColumns(partsA), concatenateColumns(partsB))
            let na = cost.rows, nb = cost.columns
            let scale = max(cost.mean(), 1e-300)
            let solution = sinkhorn(
                cost: cost, a: Array(repeating: 1 / Double(na), count: na),
                b: Array(repeating: 1 / Double(nb), count: nb),
                epsilon: epsilon * scale, maxIterations: maxIterations, tolerance: tolerance)
            result.plans[g.name] = solution.plan
            result.iterations[g.name] = solution.iterations
            result.marginalErrors[g.name] = solution.marginalError
            result.cost += solution.plan.zipMap(cost) { $0 * $1 }.sum()
            bary[g.name] = Double(na) * solution.plan
        }
        // Every tensor of B carried onto A's layout: rows by R_out, columns by R_inᵀ.
        for (step, stepB) in zip(structure.steps, structureB.steps) {
            var w = b.tensor(stepB.weight)!.converted(to: Double.self)
            if let out = step.outputGroup { w = bary[out]! * w }
            if let input = step.inputGroup { w = Matrix.product(w, bary[input]!, transposeB: .transposed) }
            result.aligned.setTensor(step.weight, to: w.converted(to: Float.self))
            if let bias = step.bias, let biasB = stepB.bias {
                var v = b.tensor(biasB)!.converted(to: Double.self).transposed()
                if let out = step.outputGroup { v = bary[out]! * v }
                result.aligned.setTensor(bias, to: v.converted(to: Float.self))
            }
        }
        return result
    }

    /// Equal widths: each plan rounded to the permutation maximising Σ_i T[i, π(i)]; `objective` is the
    /// transport cost Σ_g ⟨T_g, C_g⟩ of the soft plans (smaller is better); one pass (sweeps = 1), the
    /// largest number of Sinkhorn iterations is in `method`.
    public func match(
        network: Network, _ a: ParameterVector<Float>, _ b: ParameterVector<Float>, spec: PermutationSpec
    ) throws -> MatchingResult {
        try requireLayouts(a, b, spec: spec)
        let t = try transport(networkA: network, a, networkB: network, b)
        var byGroup: [String: [Int]] = [:]
        for g in spec.groups {
            byGroup[g.name] = try assignMaximum(t.plans[g.name]!, group: g.name).permutation
        }
        return MatchingResult(
            permutations: Permutations(byGroup: byGroup), objective: t.cost,
            sweeps: 1, method: "sinkhorn(ε=\(epsilon), \(t.iterations.values.max() ?? 0) iterations)",
            objectiveHistory: [t.cost])
    }
}
