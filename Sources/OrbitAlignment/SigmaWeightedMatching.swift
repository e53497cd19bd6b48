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
/// On any graph (docs/math/alignment.md §12) the layers ℓ are the Linear and Conv2d nodes whose
/// rows the group permutes (every producer of a residual stream), W_ℓ read as out × (in·block) with
/// its input column blocks permuted by their group; h is what the weight multiplies — a Linear's
/// whole input (C·H·W after a Flatten), a convolution's im2col patch of C·kH·kW entries, Σ averaged
/// over samples and output positions (a (C·k²)² matrix per distinct input and geometry). Norm
/// parameters, like biases, move with their channels but are not matched. Σ is measured in
/// evaluation mode (BatchNorm's running statistics), in Float64, reading the data once.
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
        let layers = GraphLayers(network: network, spec: spec)
        let groupIndex = Dictionary(uniqueKeysWithValues: spec.groups.enumerated().map { ($0.element.name, $0.offset) })
        let producers = layers.layers.filter { $0.outputGroup.flatMap { groupIndex[$0] } != nil }
        let sigmas: [Matrix<Double>]?
        if metric == .secondMoment {
            try requireInputs(network, inputs)
            sigmas = inputSecondMoments(
                network: network, layers: producers, parameters: a, inputs: inputs, batchSize: batchSize)
        } else {
            sigmas = nil
        }
        // Per group: the layers producing it, with M = W^A Σ and W^B (Float64, out × in·block).
        struct Term {
            let m: Matrix<Double>
            let wb: Matrix<Double>
            let inputGroup: Int?
            let block: Int
        }
        var terms: [[Term]] = spec.groups.map { _ in [] }
        for (k, layer) in producers.enumerated() {
            let wa = unitRows(a, layer.weight)
            terms[groupIndex[layer.outputGroup!]!].append(
                Term(
                    m: sigmas.map { wa * $0[k] } ?? wa, wb: unitRows(b, layer.weight),
                    inputGroup: layer.inputGroup.flatMap { groupIndex[$0] }, block: layer.block))
        }
        let descent = CoordinateDescent(spec: spec, seed: seed, maxSweeps: maxSweeps, tolerance: 1e-12)
        let result = try descent.run(
            initial: .identity(spec), neighbours: terms.map { $0.compactMap(\.inputGroup) }
        ) { g, state, _ in
            let n = spec.groups[g].size
            var cost = Matrix<Double>(rows: n, columns: n)
            for t in terms[g] {
                let wb = t.inputGroup.map {
                    gatherColumnBlocks(t.wb, state.current[spec.groups[$0].name]!, block: t.block)
                }
                cost.add(Matrix.product(t.m, wb ?? t.wb, transposeB: .transposed))
            }
            return cost
        } objective: { perms in
            var total = 0.0
            for (g, group) in spec.groups.enumerated() {
                let rows = perms.byGroup[group.name]!
                for t in terms[g] {
                    let units = t.inputGroup.map { perms.byGroup[spec.groups[$0].name]! }
                    // ⟨M, P_out W^B P_inᵀ⟩ (P_in acting on column blocks) without forming the product.
                    for i in 0..<t.m.rows {
                        for c in 0..<t.m.columns {
                            let column = units.map { $0[c / t.block] * t.block + c % t.block } ?? c
                            total += t.m[i, c] * t.wb[rows[i], column]
                        }
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

/// Σ = E[h hᵀ] of the input each of `layers` reads in the network with parameters `parameters`, over
/// the samples (and, for a convolution, the output positions): a Linear's whole input vector (after
/// a Flatten, the C·H·W features), a convolution's im2col patch of C_in·kH·kW entries. One moment per
/// distinct (input, geometry), shared by the layers reading it (a ResNet block's first convolution and
/// its projection shortcut read one node through different geometries, so two). Streamed in Float64
/// over one pass of the data; per batch a Linear's input costs 2·N·in² flops, a convolution's
/// 2·N·P·(C·k²)² (one GEMM per sample of its (C·k²) × P column matrix), and memory (C·k²)² doubles.
func inputSecondMoments(
    network: Network, layers: [WeightedLayer], parameters: ParameterVector<Float>, inputs: Matrix<Float>,
    batchSize: Int
) -> [Matrix<Double>] {
    struct Key: Hashable {
        let node: Int
        let geometry: Conv2dGeometry?
    }
    let keys = layers.map { Key(node: $0.geometry == nil ? $0.observed : $0.input, geometry: $0.geometry) }
    var distinct: [Key] = []
    for k in keys where !distinct.contains(k) { distinct.append(k) }
    var moments = distinct.map { k -> Matrix<Double> in
        let size = k.geometry?.patchSize ?? layers[keys.firstIndex(of: k)!].weight.matrixShape.columns
        return Matrix(rows: size, columns: size)
    }
    var columns = distinct.map { k in k.geometry.map { Matrix<Double>(rows: $0.patchSize, columns: $0.outputPositions) }
    }
    var count = Array(repeating: 0, count: distinct.count)
    streamObservations(
        network: network, models: [parameters], inputs: inputs, batchSize: batchSize,
        observing: Set(distinct.map(\.node).filter { $0 >= 0 })
    ) { x, workspaces in
        for (s, key) in distinct.enumerated() {
            let h = observedOutput(key.node, batch: x, in: workspaces[0])
            if let g = key.geometry {
                for i in 0..<h.rows {
                    columns[s]!.withMutableView { col in
                        Im2col.im2col(g, input: h.row(i).baseAddress!, columns: col.baseAddress)
                    }
                    columns[s]!.withView { col in
                        moments[s].withMutableView { gemm(col, col, into: $0, transposeB: .transposed, beta: 1) }
                    }
                }
                count[s] += h.rows * g.outputPositions
            } else {
                moments[s].withMutableView { gemm(h, h, into: $0, transposeA: .transposed, beta: 1) }
                count[s] += h.rows
            }
        }
    }
    let normalised = zip(moments, count).map { m, n in (1 / Double(Swift.max(n, 1))) * m }
    return keys.map { normalised[distinct.firstIndex(of: $0)!] }
}
