import OrbitNetworks
import OrbitNumerics

/// Git Re-Basin activation matching (Ainsworth et al. 2023, §3.1; docs/math/alignment.md §6 "AM"): for each
/// group, the permutation maximising Σ_i S[i, π(i)], S the cross-statistic between A's and B's
/// post-activations of that group's units over the data — the Pearson correlation (Git Re-Basin) or
/// the centred covariance (Ferbach et al.'s notebook). A residual stream observed after several layers
/// sums the per-layer statistics (as Git Re-Basin does for ResNets).
///
/// Statistics are streamed over `inputs` in batches in Float64: Σa, Σb, Σa², Σb² and AᵀB (GEMM).
/// Each group's cost is fixed (it does not depend on other groups), so one assignment per group
/// suffices (sweeps = 1). Cost: two forward passes plus 2·N·n² flops per group, one O(n³) assignment.
public struct ActivationMatching: Sendable {
    public enum Statistic: String, Sendable, CaseIterable {
        case correlation
        case covariance
    }

    public var statistic: Statistic
    public var batchSize: Int

    public init(statistic: Statistic = .correlation, batchSize: Int = 1000) {
        self.statistic = statistic
        self.batchSize = batchSize
    }

    public func match(
        network: Network, _ a: ParameterVector<Float>, _ b: ParameterVector<Float>, inputs: Matrix<Float>,
        spec: PermutationSpec
    ) throws -> MatchingResult {
        try requireLayouts(a, b, spec: spec)
        let costs = try crossStatistics(network: network, a, b, inputs: inputs, spec: spec)
        var byGroup: [String: [Int]] = [:]
        var objective = 0.0
        for g in spec.groups {
            let (perm, value) = try assignMaximum(costs[g.name]!, group: g.name)
            byGroup[g.name] = perm
            objective += value
        }
        return MatchingResult(
            permutations: Permutations(byGroup: byGroup), objective: objective, sweeps: 1,
            method: "activation-\(statistic.rawValue)", objectiveHistory: [objective])
    }

    /// The n × n statistic S of every group (rows: A's units, columns: B's).
    public func crossStatistics(
        network: Network, _ a: ParameterVector<Float>, _ b: ParameterVector<Float>, inputs: Matrix<Float>,
        spec: PermutationSpec
    ) throws -> [String: Matrix<Double>] {
        try requireInputs(network, inputs)
        try requireDenseChain(network, method: "activation matching")
        let structure = NetworkStructure(network)
        let fa = LayerwiseForward(structure: structure, parameters: a)
        let fb = LayerwiseForward(structure: structure, parameters: b)
        let observed = structure.steps.indices.filter { structure.steps[$0].outputGroup != nil }
        var moments: [Int: CrossMoments] = [:]
        for k in observed { moments[k] = CrossMoments(size: structure.steps[k].outputs) }
        var start = 0
        while start < inputs.rows {
            let end = min(start + max(batchSize, 1), inputs.rows)
            let x = batchRows(inputs, start..<end)
            var outA: [Int: Matrix<Double>] = [:]
            fa.run(x) { k, _, _, act in if moments[k] != nil { outA[k] = act } }
            fb.run(x) { k, _, _, act in if moments[k] != nil { moments[k]!.add(outA[k]!, act) } }
            start = end
        }
        var result: [String: Matrix<Double>] = [:]
        for k in observed {
            let g = structure.steps[k].outputGroup!
            let s = moments[k]!.statistic(statistic)
            if result[g] == nil { result[g] = s } else { result[g]!.add(s) }
        }
        for g in spec.groups where result[g.name] == nil {
            throw AlignmentError.unsupported(
                method: "activation matching", reason: "group '\(g.name)' has no observable activations")
        }
        return result
    }
}

func requireInputs(_ network: Network, _ inputs: Matrix<Float>) throws(AlignmentError) {
    guard inputs.columns == network.inputSize else {
        throw .invalidData(reason: "inputs have \(inputs.columns) features, the network takes \(network.inputSize)")
    }
    guard inputs.rows > 0 else { throw .invalidData(reason: "no input samples") }
}

/// Streamed first and second moments of two activation matrices (Float64).
struct CrossMoments {
    var count = 0
    var sumA: [Double]
    var sumB: [Double]
    var sumSquaresA: [Double]
    var sumSquaresB: [Double]
    var cross: Matrix<Double>

    init(size: Int) {
        sumA = Array(repeating: 0, count: size)
        sumB = sumA
        sumSquaresA = sumA
        sumSquaresB = sumA
        cross = Matrix(rows: size, columns: size)
    }

    mutating func add(_ a: Matrix<Double>, _ b: Matrix<Double>) {
        count += a.rows
        a.withView { av in
            b.withView { bv in
                cross.withMutableView { gemm(av, bv, into: $0, transposeA: .transposed, beta: 1) }
                for i in 0..<av.rows {
                    let ra = av.row(i), rb = bv.row(i)
                    for j in 0..<ra.count {
                        sumA[j] += ra[j]
                        sumB[j] += rb[j]
                        sumSquaresA[j] += ra[j] * ra[j]
                        sumSquaresB[j] += rb[j] * rb[j]
                    }
                }
            }
        }
    }

    /// Cov[i, j] = E[a_i b_j] − E[a_i]E[b_j]; the correlation divides by σ_i^A σ_j^B (0 for a constant unit).
    func statistic(_ kind: ActivationMatching.Statistic) -> Matrix<Double> {
        let n = Double(max(count, 1))
        let ma = sumA.map { $0 / n }, mb = sumB.map { $0 / n }
        let sa = zip(sumSquaresA, ma).map { (max($0 / n - $1 * $1, 0)).squareRoot() }
        let sb = zip(sumSquaresB, mb).map { (max($0 / n - $1 * $1, 0)).squareRoot() }
        var out = cross
        out.withMutableView { v in
            for i in 0..<v.rows {
                let row = v.row(i)
                for j in 0..<v.columns {
                    var c = row[j] / n - ma[i] * mb[j]
                    if kind == .correlation {
                        let d = sa[i] * sb[j]
                        c = d > 1e-12 ? c / d : 0
                    }
                    row[j] = c
                }
            }
        }
        return out
    }
}
