import OrbitNetworks
import OrbitNumerics

/// Git Re-Basin activation matching (Ainsworth et al. 2023, §3.1; docs/math/alignment.md §6 "AM"): for each
/// group, the permutation maximising Σ_i S[i, π(i)], S the cross-statistic between A's and B's
/// activations of that group's units over the data — the Pearson correlation (Git Re-Basin) or the
/// centred covariance (Ferbach et al.'s notebook).
///
/// On any graph (docs/math/alignment.md §12) a group's observation points are the outputs its readers
/// see: the input node of every Linear/Conv2d whose input columns the group permutes (post-activation;
/// for a residual stream every block output read by the next block; a Linear after a Flatten reads
/// the C×H×W node before it). A convolution channel is one unit whose spatial positions are samples
/// of it: a node's batch (rows × C·P) becomes rows·P observations of C units
/// (``channelObservations(_:channels:)``). A group observed at several points sums their statistics
/// (as Git Re-Basin does for ResNets).
///
/// Statistics are streamed over `inputs` in batches in Float64 (Σa, Σb, Σa², Σb² and AᵀB by one GEMM),
/// reading the data once: both models run forward on each batch in evaluation mode (BatchNorm uses its
/// running statistics). Each group's cost is fixed (it does not depend on other groups), so one
/// assignment per group suffices (sweeps = 1). Cost: two forward passes plus 2·N·P·n² flops per
/// observation point, one O(n³) assignment per group.
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
    ///
    /// - Throws: ``AlignmentError/invalidData(reason:)`` for inputs of the wrong width or none;
    ///   ``AlignmentError/unsupported(method:reason:)`` for a group no layer reads.
    public func crossStatistics(
        network: Network, _ a: ParameterVector<Float>, _ b: ParameterVector<Float>, inputs: Matrix<Float>,
        spec: PermutationSpec
    ) throws -> [String: Matrix<Double>] {
        try requireInputs(network, inputs)
        let layers = GraphLayers(network: network, spec: spec)
        var points: [(group: String, size: Int, node: Int)] = []
        for g in spec.groups {
            let nodes = layers.observationPoints(of: g.name)
            guard !nodes.isEmpty else {
                throw AlignmentError.unsupported(
                    method: "activation matching", reason: "group '\(g.name)' has no observable activations")
            }
            for node in nodes {
                let columns = node < 0 ? network.inputSize : network.plan.outputShapes[node].reduce(1, *)
                guard columns % g.size == 0 else {
                    throw AlignmentError.unsupported(
                        method: "activation matching",
                        reason:
                            "node '\(network.plan.nodes[node].name)' has \(columns) features, not \(g.size) channels of group '\(g.name)'"
                    )
                }
                points.append((g.name, g.size, node))
            }
        }
        var moments = points.map { CrossMoments(size: $0.size) }
        streamObservations(
            network: network, models: [a, b], inputs: inputs, batchSize: batchSize,
            observing: Set(points.map(\.node).filter { $0 >= 0 })
        ) { x, workspaces in
            for (p, point) in points.enumerated() {
                let oa = channelObservations(
                    observedOutput(point.node, batch: x, in: workspaces[0]), channels: point.size)
                let ob = channelObservations(
                    observedOutput(point.node, batch: x, in: workspaces[1]), channels: point.size)
                moments[p].add(oa, ob)
            }
        }
        var result: [String: Matrix<Double>] = [:]
        for (point, m) in zip(points, moments) {
            let s = m.statistic(statistic)
            if result[point.group] == nil { result[point.group] = s } else { result[point.group]!.add(s) }
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
