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
/// which for a permutation plan is exactly π(θ_B). On a graph (docs/math/alignment.md §12) the neuron
/// clouds are those of ``OTAlignment`` and every tensor of B is carried through the weight-space
/// table (column blocks of a convolution or a Flatten by R_in, block by block). ``match(network:_:_:spec:)`` rounds each plan to
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

    /// Transports B (network `networkB`, possibly of other widths) onto A, on any graph: the two
    /// networks must be the same graph (node names, kinds and inputs), differing only in hidden
    /// widths. Every tensor of B is carried onto A's layout through the weight-space table: rows by
    /// R of their group, input column blocks (a convolution's kH·kW, a Flatten's H·W) by R of theirs;
    /// buffers (running statistics) too, as barycentric averages.
    ///
    /// - Throws: ``AlignmentError/unsupported(method:reason:)`` naming the first node where the graphs
    ///   differ; ``AlignmentError/layoutMismatch(_:)`` for parameters that do not fit their network.
    public func transport(
        networkA: Network, _ a: ParameterVector<Float>, networkB: Network, _ b: ParameterVector<Float>
    ) throws -> Transport {
        let specA = try PermutationSpec(network: networkA)
        do {
            try networkA.layout.requireMatches(a.layout)
            try networkB.layout.requireMatches(b.layout)
        } catch {
            throw AlignmentError.layoutMismatch(error)
        }
        try requireSameGraph(networkA, networkB)
        let specB = try PermutationSpec(network: networkB)
        let sizesB = Dictionary(uniqueKeysWithValues: specB.groups.map { ($0.name, $0.size) })
        guard specA.groups.map(\.name) == specB.groups.map(\.name) else {
            throw AlignmentError.unsupported(
                method: "sinkhorn alignment", reason: "A and B need the same structure (they may differ only in widths)"
            )
        }
        let clouds = NeuronClouds(network: networkA, spec: specA)
        var bary: [String: Matrix<Double>] = [:]
        var result = Transport(plans: [:], aligned: a, iterations: [:], marginalErrors: [:], cost: 0)
        for g in specA.groups {
            // The clouds: A's rows and B's rows with the input side carried onto A's units (W · Rᵀ).
            let (ca, cb) = clouds.clouds(
                of: g.name, sizes: (g.size, sizesB[g.name]!), a, b, isSolved: { bary[$0] != nil },
                carryColumns: { group, m, block in carryColumnBlocks(m, bary[group]!, block: block) })
            let cost = squaredDistances(ca, cb)
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
        // Every tensor of B carried onto A's layout: rows by R_out, column blocks by R_inᵀ.
        for t in networkA.layout.tensors {
            var m = unitRows(b, b.layout.tensor(named: t.name)!)
            if let out = specA.group(of: t.name, axis: 0) { m = bary[out]! * m }
            if let input = specA.group(of: t.name, axis: 1) {
                let block = specA.group(named: input)!.axes.first { $0.tensor == t.name && $0.axis == 1 }!.block
                m = carryColumnBlocks(m, bary[input]!, block: block)
            }
            guard m.count == t.count else {
                throw AlignmentError.unsupported(
                    method: "sinkhorn alignment",
                    reason:
                        "'\(t.name)' of B has shape \(b.layout.tensor(named: t.name)!.shape), which no change of widths maps to A's \(t.shape)"
                )
            }
            result.aligned.setTensor(t.name, to: m.converted(to: Float.self))
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

/// Throws unless `a` and `b` are one graph up to widths (same node names, kinds and inputs, same
/// input and output sizes), naming the first node that differs.
func requireSameGraph(_ a: Network, _ b: Network) throws(AlignmentError) {
    let (na, nb) = (a.plan.nodes, b.plan.nodes)
    for (x, y) in zip(na, nb) where x.name != y.name || x.layer.typeName != y.layer.typeName || x.inputs != y.inputs {
        throw .unsupported(
            method: "sinkhorn alignment",
            reason:
                "A and B differ at node '\(x.name)' (B has '\(y.name)', \(y.layer.typeName) of \(y.inputs)); they may differ only in widths"
        )
    }
    guard na.count == nb.count else {
        let first = na.count < nb.count ? nb[na.count].name : na[nb.count].name
        throw .unsupported(
            method: "sinkhorn alignment", reason: "A and B differ at node '\(first)', which only one of them has")
    }
    guard a.plan.inputShape == b.plan.inputShape, a.outputSize == b.outputSize else {
        throw .unsupported(
            method: "sinkhorn alignment", reason: "A and B need the same structure (they may differ only in widths)")
    }
}

/// M · (R ⊗ I_block)ᵀ: every row's column blocks (`block` columns per unit of B) carried onto A's
/// units by R (n_A × n_B), block k of the result being Σ_j R[k, j] · block j. One GEMM.
func carryColumnBlocks(_ m: Matrix<Double>, _ r: Matrix<Double>, block: Int) -> Matrix<Double> {
    guard block > 1 else { return Matrix.product(m, r, transposeB: .transposed) }
    // Regrouped (row j = block j of every row of M), carried (R · M̂), and laid back out.
    let carried = r * regroupBlocks(m, block: block)
    var out = Matrix<Double>(rows: m.rows, columns: r.rows * block)
    carried.withView { src in
        out.withMutableView { dst in
            for k in 0..<src.rows {
                let s = src.row(k)
                for row in 0..<dst.rows {
                    (dst.row(row).baseAddress! + k * block).update(from: s.baseAddress! + row * block, count: block)
                }
            }
        }
    }
    return out
}
