import OrbitNetworks
import OrbitNumerics

/// REPAIR (Jordan, Sedghi, Saukh, Entezari & Neyshabur, ICLR 2023, "REPAIR: REnormalizing Permuted
/// Activations for Interpolation Repair") on any layer graph: in the combination θ = Σ_k w_k θ_k of
/// aligned models (the interpolation θ_t = (1 − t)θ_A + tθ_B for two) the channels' statistics
/// collapse ("variance collapse"). REPAIR resets each channel's mean and standard deviation to the
/// combination of the models' own,
///
///     μ*_c = Σ_k w_k μ^k_c,   σ*_c = Σ_k w_k σ^k_c,
///
/// and folds the correction z_c ↦ s_c(z_c − μ_c) + μ*_c, s_c = σ*_c / σ_c (μ_c, σ_c measured in θ), into
/// the parameters of the node producing z: the statistics are those of the node's output, pooled over
/// the samples and the spatial positions of each channel (``ChannelMoments``, Float64 sums). The
/// repaired nodes are those ending an affine map onto the channels of a free space
/// (`docs/math/layer-graph.md §5`), in graph order:
///
/// - a BatchNorm: γ_c ← s_c·γ_c, β_c ← s_c(β_c − μ_c) + μ*_c;
/// - a LayerNorm: the same on the slice of γ, β belonging to channel c (its H·W positions);
/// - a Linear or Conv2d with a bias and no norm reading its output: row c of W (all of its inputs and
///   kernel positions) ← s_c·W_c, b_c ← s_c(b_c − μ_c) + μ*_c.
///
/// A Linear or Conv2d without a bias and without a norm after it cannot take the shift; it is
/// **skipped** (listed by ``nodes(of:)``), never half-corrected. The network's output (a fixed space)
/// is never repaired. A node followed by an Add is repaired on its own output, before the sum.
/// Channels with σ_c = 0 are only shifted. Nodes are repaired in order, each measured after the
/// earlier ones are fixed, so afterwards every repaired channel has exactly its target statistics on
/// `inputs` (up to Float32 rounding of the folded parameters).
///
/// BatchNorm networks are measured in evaluation mode. With ``resetsBatchNormStatistics`` (the
/// default, `--bn reset`) the running statistics of θ and of every end point are first recomputed on
/// `inputs` (PyTorch's `reset_running_stats()` and one `momentum=None` pass, as
/// `Network.resetBatchNormStatistics` does on a data split; `docs/math/layer-graph.md §4`), then kept
/// fixed during the pass: the returned model carries them, and its repaired channels have their
/// targets with them. Without it (`--bn interpolate`) the models' own buffers are used. This is
/// Jordan et al.'s "reset BN, then REPAIR": after the reset a BatchNorm's output already has mean ≈ β
/// and std ≈ |γ|, so REPAIR then mostly corrects the layers without norm.
///
/// Cost: one forward pass over `inputs` per end point and per repaired node (plus one statistics pass
/// per model with a reset); memory: one workspace of `batchSize` rows.
public struct REPAIR: Sendable {
    public var batchSize: Int
    /// Whether BatchNorm running statistics are recomputed on the inputs before measuring.
    public var resetsBatchNormStatistics: Bool

    public init(batchSize: Int = 1000, resetsBatchNormStatistics: Bool = true) {
        self.batchSize = batchSize
        self.resetsBatchNormStatistics = resetsBatchNormStatistics
    }

    /// Per-channel statistics of one repaired node's output.
    public struct UnitStatistics: Sendable, Equatable {
        /// The node's name.
        public var layer: String
        public var mean: [Double]
        public var standardDeviation: [Double]
    }

    /// A node REPAIR acts on: where its correction is folded. Both kinds fold the same way: channel c
    /// owns the c-th of `channels` equal row blocks of each tensor (γ_c or β_c's H·W slice; W's row c).
    struct Site {
        var node: Int
        var name: String
        var channels: Int
        /// Positions per channel in the node's output (H·W; 1 for features).
        var positions: Int
        /// The tensor scaled per channel (γ, or W) and the one shifted (β, or b).
        var scaled: TensorSpec
        var shifted: TensorSpec
    }

    /// The nodes REPAIR repairs, in order, and those it skips (a Linear/Conv2d without bias and without
    /// a norm after it, onto a free space).
    public static func nodes(of network: Network) -> (repaired: [String], skipped: [String]) {
        let (sites, skipped) = sites(network.plan)
        return (sites.map(\.name), skipped)
    }

    static func sites(_ plan: NetworkPlan) -> (sites: [Site], skipped: [String]) {
        let spaces = ChannelSpaces(plan)
        var rowSpace: [String: Int] = [:]
        for t in spaces.tensors { if let r = t.rowSpace { rowSpace[t.tensor.name] = r } }
        var sites: [Site] = []
        var skipped: [String] = []
        for (k, node) in plan.nodes.enumerated() {
            guard let weight = plan.tensor("weight", of: k), let space = rowSpace[weight.name],
                spaces.spaces[space].isFree
            else { continue }
            let shape = plan.outputShapes[k]
            let channels = shape[0]
            // A LayerNorm after a Flatten lives in a space of blocks, not of its features: not a channel map.
            guard spaces.spaces[space].size == channels else { continue }
            let positions = shape.dropFirst().reduce(1, *)
            switch node.layer {
            case .batchNorm, .layerNorm:
                sites.append(
                    Site(
                        node: k, name: node.name, channels: channels, positions: positions, scaled: weight,
                        shifted: plan.tensor("bias", of: k)!))
            case .linear, .conv2d:
                let normAfter = plan.consumers[k].contains { c in
                    switch plan.nodes[c].layer {
                    case .batchNorm, .layerNorm: return true
                    default: return false
                    }
                }
                if normAfter { continue }
                guard let bias = plan.tensor("bias", of: k) else {
                    skipped.append(node.name)
                    continue
                }
                sites.append(
                    Site(
                        node: k, name: node.name, channels: channels, positions: positions, scaled: weight,
                        shifted: bias))
            default:
                continue
            }
        }
        return (sites, skipped)
    }

    /// The output statistics of every node REPAIR acts on, in order (after a BatchNorm reset on
    /// `inputs` when ``resetsBatchNormStatistics``).
    public func statistics(
        network: Network, parameters: ParameterVector<Float>, inputs: Matrix<Float>
    ) throws -> [UnitStatistics] {
        try requireInputs(network, inputs)
        let sites = Self.sites(network.plan).sites
        var theta = parameters
        resetIfAsked(network, &theta, inputs: inputs)
        return zip(sites, measure(network, theta, inputs: inputs, sites: sites)).map { site, moments in
            UnitStatistics(layer: site.name, mean: moments.mean, standardDeviation: moments.standardDeviation)
        }
    }

    /// The repaired interpolation between A and B (B already aligned) at `t`.
    public func repair(
        network: Network, a: ParameterVector<Float>, b: ParameterVector<Float>, t: Double, inputs: Matrix<Float>
    ) throws -> ParameterVector<Float> {
        try repair(network: network, models: [a, b], weights: [1 - t, t], inputs: inputs)
    }

    /// The repaired combination Σ_k w_k θ_k of aligned models (the merge of several models).
    public func repair(
        network: Network, models: [ParameterVector<Float>], weights: [Double], inputs: Matrix<Float>
    ) throws -> ParameterVector<Float> {
        try repair(network: network, models: models, combinations: [weights], inputs: inputs)[0]
    }

    /// The repaired combinations Σ_k w_jk θ_k for every row w_j of `combinations` (the points of a path):
    /// the end points are measured once for all of them.
    public func repair(
        network: Network, models: [ParameterVector<Float>], combinations: [[Double]], inputs: Matrix<Float>
    ) throws -> [ParameterVector<Float>] {
        guard !models.isEmpty, combinations.allSatisfy({ $0.count == models.count }) else {
            throw AlignmentError.invalidData(
                reason: "REPAIR needs one weight per model (\(models.count) models, weights \(combinations))")
        }
        try requireInputs(network, inputs)
        for m in models {
            do { try network.layout.requireMatches(m.layout) } catch { throw AlignmentError.layoutMismatch(error) }
        }
        let sites = Self.sites(network.plan).sites
        guard !sites.isEmpty else {
            throw AlignmentError.unsupported(
                method: "REPAIR",
                reason: "the network has no hidden BatchNorm, LayerNorm or biased layer to renormalise")
        }
        let endpoints = models.map { model in
            var theta = model
            resetIfAsked(network, &theta, inputs: inputs)
            return measure(network, theta, inputs: inputs, sites: sites)
        }
        return combinations.map { weights in
            var theta = ParameterVector.combination(weights.map { Float($0) }, models)
            resetIfAsked(network, &theta, inputs: inputs)
            for (index, site) in sites.enumerated() {
                let current = measure(network, theta, inputs: inputs, sites: [site])[0]
                var targetMean = [Double](repeating: 0, count: site.channels)
                var targetStd = targetMean
                for (moments, w) in zip(endpoints, weights) {
                    let (mean, std) = (moments[index].mean, moments[index].standardDeviation)
                    for c in 0..<site.channels {
                        targetMean[c] += w * mean[c]
                        targetStd[c] += w * std[c]
                    }
                }
                Self.fold(
                    site, into: &theta, mean: current.mean, standardDeviation: current.standardDeviation,
                    targetMean: targetMean, targetStandardDeviation: targetStd)
            }
            return theta
        }
    }

    /// z_c ↦ s_c(z_c − μ_c) + μ*_c folded into the site's tensors (in Float64, rounded once).
    static func fold(
        _ site: Site, into theta: inout ParameterVector<Float>, mean: [Double], standardDeviation: [Double],
        targetMean: [Double], targetStandardDeviation: [Double]
    ) {
        let scaledRow = site.scaled.count / site.channels
        let shiftedRow = site.shifted.count / site.channels
        theta.withUnsafeMutableBufferPointer { p in
            for c in 0..<site.channels {
                let sigma = standardDeviation[c]
                let s = sigma > 1e-12 ? targetStandardDeviation[c] / sigma : 1
                for j in 0..<scaledRow {
                    let i = site.scaled.offset + c * scaledRow + j
                    p[i] = Float(s * Double(p[i]))
                }
                for j in 0..<shiftedRow {
                    let i = site.shifted.offset + c * shiftedRow + j
                    p[i] = Float(s * (Double(p[i]) - mean[c]) + targetMean[c])
                }
            }
        }
    }

    func resetIfAsked(_ network: Network, _ theta: inout ParameterVector<Float>, inputs: Matrix<Float>) {
        guard resetsBatchNormStatistics, network.plan.hasBatchNorm else { return }
        let size = min(max(batchSize, 1), inputs.rows)
        let workspace = NetworkWorkspace<Float>(network: network, capacity: size, inference: true)
        workspace.isTraining = true
        let average = RunningStatisticsAverage(network: network)
        inputs.withView { x in
            var start = 0
            while start < x.rows {
                let end = min(start + size, x.rows)
                _ = workspace.forward(theta, inputs: x.submatrix(rows: start..<end, columns: 0..<x.columns))
                workspace.addBatchStatistics(to: average)
                start = end
            }
        }
        average.write(into: &theta)
    }

    /// The channel moments of each site's output over `inputs`, in evaluation mode.
    func measure(
        _ network: Network, _ theta: ParameterVector<Float>, inputs: Matrix<Float>, sites: [Site]
    ) -> [ChannelMoments] {
        let size = min(max(batchSize, 1), inputs.rows)
        let workspace = NetworkWorkspace<Float>(
            network: network, capacity: size, inference: true, observing: Set(sites.map(\.node)))
        var moments = sites.map { ChannelMoments(channels: $0.channels, positions: $0.positions) }
        inputs.withView { x in
            var start = 0
            while start < x.rows {
                let end = min(start + size, x.rows)
                _ = workspace.forward(theta, inputs: x.submatrix(rows: start..<end, columns: 0..<x.columns))
                for (i, site) in sites.enumerated() { moments[i].add(workspace.output(ofNode: site.node)) }
                start = end
            }
        }
        return moments
    }
}
