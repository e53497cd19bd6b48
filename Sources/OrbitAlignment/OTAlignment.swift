import OrbitNetworks
import OrbitNumerics

/// Layer-by-layer optimal-transport alignment (Ferbach et al. 2024, §4; docs/math/alignment.md §4
/// Singh & Jaggi 2020 with exact OT): groups are solved in network order; for each, the
/// neurons of A and B are the rows [w_i, b_i] of the layers producing it, with B's input side already
/// permuted by the earlier groups, and the permutation solves the exact OT problem between the two
/// uniform empirical measures under the squared Euclidean cost
///
///     min_π (1/n) Σ_i ‖θ^A_i − θ^B_{π(i)}‖²  = W₂²(μ̂_A, μ̂_B)   (Birkhoff, Lemma B.3),
///
/// an assignment problem (``LinearAssignment``). One pass (sweeps = 1); `objective` is Σ over groups of
/// that W₂² (smaller is better). A layer whose input group is solved later (the last layer of a
/// residual block, read before the block's inner group) is left out of its group's cost.
/// Cost: one n×n GEMM and one O(n³) assignment per group.
public struct OTAlignment: Sendable {
    public init() {}

    public func match(
        network: Network, _ a: ParameterVector<Float>, _ b: ParameterVector<Float>, spec: PermutationSpec
    ) throws -> MatchingResult {
        try requireLayouts(a, b, spec: spec)
        try requireDenseChain(network, method: "OT alignment")
        let structure = NetworkStructure(network)
        var solved: [String: [Int]] = [:]
        var objective = 0.0
        for g in spec.groups {
            let (na, nb) = neuronClouds(
                structure, group: g.name, a, b,
                transform: { name, w in
                    gatherColumns(w, solved[name]!)
                }, isSolved: { solved[$0] != nil })
            let distances = squaredDistances(na, nb)
            let assignment: Assignment
            do {
                assignment = try LinearAssignment.solve(distances, objective: .minimize)
            } catch {
                throw AlignmentError.numerics(error)
            }
            solved[g.name] = assignment.permutation
            objective += assignment.cost / Double(g.size)
        }
        return MatchingResult(
            permutations: Permutations(byGroup: solved), objective: objective, sweeps: 1, method: "ot",
            objectiveHistory: [objective])
    }
}

/// The neuron clouds of a group: rows [W_ℓ[i, :], b_ℓ[i]] of every layer producing it, concatenated
/// over those layers, for A and for B (B's input side transformed by `transform` with the input group's
/// name). Layers whose input group is not yet solved are skipped; `widthA`/`widthB` come from the weights.
func neuronClouds(
    _ structure: NetworkStructure, group: String, _ a: ParameterVector<Float>, _ b: ParameterVector<Float>,
    transform: (String, Matrix<Double>) -> Matrix<Double>, isSolved: (String) -> Bool
) -> (Matrix<Double>, Matrix<Double>) {
    var partsA: [Matrix<Double>] = [], partsB: [Matrix<Double>] = []
    for step in structure.steps where step.outputGroup == group {
        if let input = step.inputGroup, !isSolved(input) { continue }
        var wa = a.tensor(step.weight)!.converted(to: Double.self)
        var wb = b.tensor(step.weight)!.converted(to: Double.self)
        if let input = step.inputGroup { wb = transform(input, wb) }
        if let bias = step.bias {
            wa = appendColumn(wa, a.tensor(bias)!.flat.map(Double.init))
            wb = appendColumn(wb, b.tensor(bias)!.flat.map(Double.init))
        }
        partsA.append(wa)
        partsB.append(wb)
    }
    return (concatenateColumns(partsA), concatenateColumns(partsB))
}

func appendColumn(_ m: Matrix<Double>, _ c: [Double]) -> Matrix<Double> {
    concatenateColumns([m, Matrix(rows: c.count, columns: 1, flat: c)])
}

func concatenateColumns(_ parts: [Matrix<Double>]) -> Matrix<Double> {
    guard let first = parts.first else { return Matrix(rows: 0, columns: 0) }
    let columns = parts.reduce(0) { $0 + $1.columns }
    var out = Matrix<Double>(rows: first.rows, columns: columns)
    var offset = 0
    for p in parts {
        for i in 0..<p.rows { for j in 0..<p.columns { out[i, offset + j] = p[i, j] } }
        offset += p.columns
    }
    return out
}

/// D[i, j] = ‖x_i − y_j‖² = ‖x_i‖² + ‖y_j‖² − 2 x_i·y_j (one GEMM), clamped at 0.
func squaredDistances(_ x: Matrix<Double>, _ y: Matrix<Double>) -> Matrix<Double> {
    var d = Matrix.product(x, y, transposeB: .transposed)
    let nx = (0..<x.rows).map { i in (0..<x.columns).reduce(0.0) { $0 + x[i, $1] * x[i, $1] } }
    let ny = (0..<y.rows).map { j in (0..<y.columns).reduce(0.0) { $0 + y[j, $1] * y[j, $1] } }
    d.withMutableView { v in
        for i in 0..<v.rows {
            let r = v.row(i)
            for j in 0..<v.columns { r[j] = max(nx[i] + ny[j] - 2 * r[j], 0) }
        }
    }
    return d
}
