import OrbitNetworks
import OrbitNumerics

/// BatchNorm's scale invariance (`docs/math/layer-graph.md §6`): a Linear or Conv2d node that a
/// BatchNorm alone reads may scale its output channel o by any c_o > 0 — weight rows and bias
/// W → C·W, b → C·b — and the BatchNorm normalises the scale away. Unlike
/// ``GraphRescalingAction`` this needs no homogeneity downstream and acts on fixed spaces too, but
/// it is exact only up to ε:
///
/// - training mode: the batch statistics become c·μ_B and c²·σ²_B, so
///   x̂′ = (c·z − c·μ_B)/√(c²·σ²_B + ε) = (z − μ_B)/√(σ²_B + ε/c²);
/// - evaluation mode: the action also scales the running mean by c and the running variance by c²
///   (what the running averages of the scaled network converge to), and then
///   y′ − y = γ·x̂·(√ρ − 1), x̂ = (z − μ)/√(σ² + ε), ρ = (σ² + ε)/(σ² + ε/c²),
///   so per channel |y′ − y| = |γ|·|x̂|·δ with δ = |√ρ − 1| ≤ |ρ − 1| = ε·|1 − c⁻²|/(σ² + ε/c²)
///   ≤ ε·|1 − c⁻²|/σ² (``evaluationDeviation(runningVariance:epsilon:scale:)`` is δ exactly).
///
/// The deviation enters at the BatchNorm's output and reaches the network output through the layers
/// after it. Cost: O(P) per action.
public struct BatchNormScaleAction: SymmetryAction, Sendable {
    public let network: Network
    /// c for each scaled producer (by node name): one positive entry per output channel.
    public let scales: [String: [Double]]
    /// Each scaled producer's node index and the BatchNorm's that alone reads it.
    let pairs: [(producer: Int, norm: Int)]

    /// The (producer, BatchNorm) node indices of `network`: every Linear or Conv2d read by a
    /// BatchNorm alone, in graph order. O(nodes).
    public static func normalizedProducers(of network: Network) -> [(producer: Int, norm: Int)] {
        let plan = network.plan
        return plan.nodes.indices.compactMap { k in
            switch plan.nodes[k].layer {
            case .linear, .conv2d:
                let readers = plan.consumers[k]
                guard readers.count == 1, case .batchNorm = plan.nodes[readers[0]].layer else { return nil }
                return (k, readers[0])
            default:
                return nil
            }
        }
    }

    /// Fails for a node that is not a Linear or Conv2d read by a BatchNorm alone (its kind named), a
    /// wrong number of scales and a non-positive or non-finite scale.
    public init(network: Network, scales: [String: [Double]]) throws(SymmetryError) {
        let plan = network.plan
        let candidates = Self.normalizedProducers(of: network)
        var pairs: [(producer: Int, norm: Int)] = []
        for (name, c) in scales.sorted(by: { $0.key < $1.key }) {
            guard let k = plan.nodes.firstIndex(where: { $0.name == name }) else {
                throw .unsupportedNetwork(reason: "the network has no node '\(name)'")
            }
            guard let pair = candidates.first(where: { $0.producer == k }) else {
                throw .unsupportedNetwork(
                    reason:
                        "node '\(name)' (\(plan.nodes[k].layer.typeName)) is not a Linear or Conv2d read by a BatchNorm alone, so BatchNorm cannot absorb a scale of its outputs"
                )
            }
            let channels = plan.outputShapes[k][0]
            guard c.count == channels else {
                throw .groupElementShape(
                    layer: k, expected: "\(channels) scales for node '\(name)'", found: "\(c.count)")
            }
            if let bad = c.first(where: { !($0 > 0 && $0.isFinite) }) {
                throw .invalidGroupElement(
                    layer: k, reason: "scale \(bad) for node '\(name)' is not positive and finite")
            }
            pairs.append(pair)
        }
        self.network = network
        self.scales = scales
        self.pairs = pairs
    }

    /// c = exp(strength·z), z ~ N(0, I), for every producer a BatchNorm alone reads, in graph order,
    /// from one generator seeded with `seed`. Fails when the network has none.
    public static func random(network: Network, seed: UInt64, strength: Double) throws(SymmetryError)
        -> BatchNormScaleAction
    {
        let candidates = normalizedProducers(of: network)
        guard !candidates.isEmpty else {
            throw .unsupportedNetwork(reason: "no Linear or Conv2d of the network is read by a BatchNorm alone")
        }
        var g = SeededGenerator(seed: seed)
        var scales: [String: [Double]] = [:]
        for (k, _) in candidates {
            scales[network.plan.nodes[k].name] = (0..<network.plan.outputShapes[k][0]).map { _ in
                Double.exp(strength * g.nextGaussian())
            }
        }
        return try BatchNormScaleAction(network: network, scales: scales)
    }

    /// δ = |√ρ − 1|, ρ = (σ² + ε)/(σ² + ε/c²): the change of a BatchNorm's evaluation-mode output per
    /// unit of |γ·x̂| when its input channel and running statistics are scaled by c (see above).
    public static func evaluationDeviation(runningVariance v: Double, epsilon: Double, scale c: Double) -> Double {
        abs(((v + epsilon) / (v + epsilon / (c * c))).squareRoot() - 1)
    }

    /// For each scaled BatchNorm (by node name), |γ_c|·δ_c per channel: in evaluation mode its output
    /// channel c moves by exactly that times |x̂_c| = |z − μ_c|/√(σ²_c + ε) under the action. O(C).
    public func evaluationDeviationFactors(_ theta: ParameterVector<Double>) -> [String: [Double]] {
        let plan = network.plan
        var factors: [String: [Double]] = [:]
        for (producer, norm) in pairs {
            guard case .batchNorm(let layer) = plan.nodes[norm].layer,
                let gamma = plan.tensor("weight", of: norm), let variance = plan.tensor("running_var", of: norm)
            else { continue }
            let c = scales[plan.nodes[producer].name]!
            factors[plan.nodes[norm].name] = theta.withUnsafeBufferPointer { p in
                c.indices.map { i in
                    abs(p[gamma.offset + i])
                        * Self.evaluationDeviation(
                            runningVariance: p[variance.offset + i], epsilon: layer.epsilon, scale: c[i])
                }
            }
        }
        return factors
    }

    /// g·θ: the producer's weight rows and bias × c, the BatchNorm's running mean × c and running
    /// variance × c²; γ and β stay. O(P).
    public func act(on theta: ParameterVector<Double>) throws(SymmetryError) -> ParameterVector<Double> {
        guard theta.layout == network.layout else {
            throw .invalidGroupElement(layer: 0, reason: "the parameters do not have the network's layout")
        }
        let plan = network.plan
        var out = theta
        out.withUnsafeMutableBufferPointer { p in
            for (producer, norm) in pairs {
                let c = scales[plan.nodes[producer].name]!
                for t in plan.nodeTensors[producer] {
                    let (rows, columns) = ChannelSpaces.matrixView(t)
                    for r in 0..<rows {
                        for j in 0..<columns { p[t.offset + r * columns + j] *= c[r] }
                    }
                }
                if let mean = plan.tensor("running_mean", of: norm), let variance = plan.tensor("running_var", of: norm)
                {
                    for i in c.indices {
                        p[mean.offset + i] *= c[i]
                        p[variance.offset + i] *= c[i] * c[i]
                    }
                }
            }
        }
        return out
    }
}
