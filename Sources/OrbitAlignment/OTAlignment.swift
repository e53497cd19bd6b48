import OrbitNetworks
import OrbitNumerics

/// Layer-by-layer optimal-transport alignment (Ferbach et al. 2024, §4; docs/math/alignment.md §4
/// Singh & Jaggi 2020 with exact OT): groups are solved in the spec's order (a derived spec lists its
/// channel spaces in graph order); for each, a neuron of A or B is the unit's row of every parameter
/// tensor living in the group (weights, biases, norm scales and shifts; every producer of a residual
/// stream concatenated), with the input column blocks of B's weights already permuted by the earlier
/// groups, and the permutation solves the exact OT problem between the two uniform empirical measures
/// under the squared Euclidean cost
///
///     min_π (1/n) Σ_i ‖θ^A_i − θ^B_{π(i)}‖²  = W₂²(μ̂_A, μ̂_B)   (Birkhoff, Lemma B.3),
///
/// an assignment problem (``LinearAssignment``). One pass (sweeps = 1); `objective` is Σ over groups of
/// that W₂² (smaller is better). A layer whose input group is solved later (the last layer of a
/// residual block, read before the block's inner group) is left out of its group's cost with its bias.
/// Cost: one n×n GEMM and one O(n³) assignment per group.
public struct OTAlignment: Sendable {
    public init() {}

    public func match(
        network: Network, _ a: ParameterVector<Float>, _ b: ParameterVector<Float>, spec: PermutationSpec
    ) throws -> MatchingResult {
        try requireLayouts(a, b, spec: spec)
        let clouds = NeuronClouds(network: network, spec: spec)
        var solved: [String: [Int]] = [:]
        var objective = 0.0
        for g in spec.groups {
            let (na, nb) = clouds.clouds(
                of: g.name, sizes: (g.size, g.size), a, b, isSolved: { solved[$0] != nil },
                carryColumns: { group, m, block in gatherColumnBlocks(m, solved[group]!, block: block) })
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

/// The neuron clouds of the groups of a spec on any graph: per group, the parameter tensors whose
/// rows it permutes, and the group permuting each one's input column blocks.
struct NeuronClouds {
    struct Part {
        let tensor: TensorSpec
        let node: Int
        let inputGroup: String?
        let block: Int
    }

    let parts: [String: [Part]]

    init(network: Network, spec: PermutationSpec) {
        let groups = spec.axisGroups
        var blocks: [String: Int] = [:]
        for g in spec.groups { for a in g.axes where a.axis == 1 { blocks[a.tensor] = a.block } }
        var parts: [String: [Part]] = [:]
        for (k, owned) in network.plan.nodeTensors.enumerated() {
            for t in owned where t.role == .parameter {
                guard let g = groups[PermutedAxis(tensor: t.name, axis: 0)] else { continue }
                parts[g, default: []].append(
                    Part(
                        tensor: t, node: k, inputGroup: groups[PermutedAxis(tensor: t.name, axis: 1)],
                        block: blocks[t.name] ?? 1))
            }
        }
        self.parts = parts
    }

    /// Rows [every tensor's unit row] of A and of B for group `group` (`sizes` units; B may have other
    /// widths when its parameters come from another network of the same graph), B's input column
    /// blocks carried by `carryColumns(inputGroup, matrix, block)`. A node reading a group not yet
    /// solved is left out with all its tensors. With no part left, both clouds are n × 1 zeros.
    func clouds(
        of group: String, sizes: (a: Int, b: Int), _ a: ParameterVector<Float>, _ b: ParameterVector<Float>,
        isSolved: (String) -> Bool, carryColumns: (String, Matrix<Double>, Int) -> Matrix<Double>
    ) -> (Matrix<Double>, Matrix<Double>) {
        let all = parts[group] ?? []
        let skipped = Set(all.filter { p in p.inputGroup.map { !isSolved($0) } ?? false }.map(\.node))
        var partsA: [Matrix<Double>] = [], partsB: [Matrix<Double>] = []
        for p in all where !skipped.contains(p.node) {
            partsA.append(unitRows(a, p.tensor))
            let specB = b.layout.tensor(named: p.tensor.name)!
            let wb = unitRows(b, specB)
            partsB.append(p.inputGroup.map { carryColumns($0, wb, p.block) } ?? wb)
        }
        guard !partsA.isEmpty else {
            return (Matrix(rows: sizes.a, columns: 1), Matrix(rows: sizes.b, columns: 1))
        }
        return (concatenateColumns(partsA), concatenateColumns(partsB))
    }
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
