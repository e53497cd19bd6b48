import OrbitNetworks
import OrbitNumerics

/// The positive rescaling symmetry of a layer graph (`docs/math/layer-graph.md §6`): one positive
/// diagonal D_s per free channel space s of ``ChannelSpaces``. For a dense chain it is
/// ``RescalingAction`` (Zhao, Dehmamy, Walters, Yu, ICML 2025, Prop 5.3).
///
/// Every value v_k a node k computes is multiplied by D_s^{e_k} under the action, s its space and e_k
/// its exponent, derived from the graph once:
///
/// - a *producer head* — the last parameterised affine node writing into s — scales its output
///   rows by D_s (e = 1): a Linear's or Conv2d's weight rows and bias, W → D_s·W, b → D_s·b, unless a
///   BatchNorm or LayerNorm alone reads it; then that norm's γ and β, γ_c → d_c·γ_c, β_c → d_c·β_c
///   (a LayerNorm's C×H×W affine: every entry of channel c), and the convolution is left alone, so
///   the norm reads what it read before and its running statistics stay;
/// - a Linear or Conv2d reading a value of exponent e from space s′ scales the column block of each
///   input unit c by d′_c^{−e} (a convolution's kH·kW block, a Flatten's H·W block), which undoes it:
///   W·(D^e x) with W → W·D^{−e} is W·x;
/// - a positively homogeneous activation of degree k (σ(c·z) = c^k·σ(z), c > 0: ReLU, leaky ReLU,
///   identity with k = 1) maps e to k·e; max and average pooling, the global average pool, Flatten
///   and an Add (of inputs scaled alike) commute with a positive per-channel scale (degree 1).
///
/// So the network output (a fixed space, D = I) is unchanged, in training and in evaluation mode,
/// exactly (no ε term: no norm reads a scaled value). A residual stream is one space: one D for the
/// stem and every block writing into it and for every reader. A space is refused, with the node and
/// its kind named, when its scaled values reach a node that does not carry the scale: a
/// non-homogeneous activation (tanh, sigmoid, GELU); a BatchNorm reading a scaled value (its
/// per-channel normalisation undoes the scale only up to ε — ``BatchNormScaleAction`` is that
/// symmetry); a LayerNorm reading one (it normalises over all channels of a sample together, so a
/// per-channel scale changes its mean and variance); an Add of inputs scaled differently.
///
/// Cost: O(nodes + tensors) to derive, O(P) per action.
public struct GraphRescalingAction: SymmetryAction, Sendable {
    public let network: Network
    public let spaces: ChannelSpaces
    /// The diagonal of D_s for each rescaled free space (by space id); D = I elsewhere.
    public let scales: [Int: [Double]]
    let structure: Structure

    /// How the action moves each node's output, derived from the graph alone (not from the scales).
    public struct Structure: Sendable {
        /// e_k: under the action the output of node k is multiplied by D_s^{e_k}.
        public let exponents: [Int]
        /// Whether node k is a producer head (scales its own output rows or affine by D_s).
        public let scalesOutput: [Bool]
        /// Why a free space cannot be rescaled (the first offending node, its kind), by space id.
        public let refusals: [Int: String]
    }

    /// Fails for a space that is not free, a diagonal of the wrong length, a non-positive or
    /// non-finite scale, and a space that cannot be rescaled (the node and its kind named).
    public init(network: Network, scales: [Int: [Double]]) throws(SymmetryError) {
        let spaces = ChannelSpaces(network.plan)
        let structure = Self.structure(of: network.plan, spaces: spaces)
        for (id, d) in scales.sorted(by: { $0.key < $1.key }) {
            guard id >= 0, id < spaces.spaces.count, spaces.spaces[id].isFree else {
                throw .invalidGroupElement(layer: id, reason: "space \(id) is not a free channel space")
            }
            let space = spaces.spaces[id]
            guard d.count == space.size else {
                throw .groupElementShape(
                    layer: id, expected: "\(space.size) scales for space \(id) (\(Self.describe(space)))",
                    found: "\(d.count)")
            }
            if let bad = d.first(where: { !($0 > 0 && $0.isFinite) }) {
                throw .invalidGroupElement(layer: id, reason: "scale \(bad) is not positive and finite")
            }
            if let reason = structure.refusals[id] {
                throw .unsupportedNetwork(
                    reason: "channel space \(id) (\(Self.describe(space))) cannot be rescaled: \(reason)")
            }
        }
        self.network = network
        self.spaces = spaces
        self.scales = scales
        self.structure = structure
    }

    /// D_s = diag(exp(strength·z)), z ~ N(0, I), for every free space in graph order, drawn from one
    /// generator seeded with `seed`. Fails (naming the node) when some free space cannot be rescaled.
    public static func random(network: Network, seed: UInt64, strength: Double) throws(SymmetryError)
        -> GraphRescalingAction
    {
        var g = SeededGenerator(seed: seed)
        var scales: [Int: [Double]] = [:]
        for space in ChannelSpaces(network.plan).freeSpaces {
            scales[space.id] = (0..<space.size).map { _ in Double.exp(strength * g.nextGaussian()) }
        }
        return try GraphRescalingAction(network: network, scales: scales)
    }

    /// The exponents, producer heads and refusals of `plan` (one walk in node order).
    public static func structure(of plan: NetworkPlan, spaces: ChannelSpaces) -> Structure {
        var exponents: [Int] = []
        var heads: [Bool] = []
        var refusals: [Int: String] = [:]
        for (k, node) in plan.nodes.enumerated() {
            let space = spaces.nodeOutputs[k].space
            let free = spaces.spaces[space].isFree
            let inputs = plan.inputIndices[k].map { $0 < 0 ? 0 : exponents[$0] }
            let e = inputs[0]
            let what = "node '\(node.name)' (\(node.layer.layer.summary(for: plan.inputShapes(of: k))))"
            func refuse(_ reason: String) {
                if free, refusals[space] == nil { refusals[space] = "\(what) \(reason)" }
            }
            var exponent = e
            var head = false
            switch node.layer {
            case .linear, .conv2d:
                // A norm that alone reads the node takes the scale on its affine instead.
                let readers = plan.consumers[k]
                head = free && !(readers.count == 1 && Self.isNormalization(plan.nodes[readers[0]].layer))
                exponent = head ? 1 : 0
            case .batchNorm:
                if e > 0 {
                    refuse(
                        "reads the space after it is scaled: its per-channel normalisation undoes the scale only up to ε (BatchNormScaleAction), so the rescaling would not be exact"
                    )
                } else {
                    head = free
                    exponent = head ? 1 : 0
                }
            case .layerNorm:
                if e > 0 {
                    refuse(
                        "reads the space after it is scaled: it normalises each sample over all channels together, so a per-channel scale changes its mean and variance"
                    )
                } else {
                    head = free
                    exponent = head ? 1 : 0
                }
            case .activation(let layer):
                if e > 0 {
                    if let k = layer.activation.homogeneityDegree {
                        exponent = k * e
                    } else {
                        refuse("is not positively homogeneous (σ(c·z) ≠ c^k·σ(z)), so a scale does not pass through it")
                    }
                }
            case .pool2d, .globalAveragePool, .flatten:
                break
            case .add:
                if Set(inputs).count > 1 {
                    refuse("adds inputs scaled by different powers of D (exponents \(inputs))")
                }
                exponent = inputs.max() ?? 0
            }
            exponents.append(exponent)
            heads.append(head)
        }
        return Structure(exponents: exponents, scalesOutput: heads, refusals: refusals)
    }

    static func isNormalization(_ layer: LayerKind) -> Bool {
        switch layer {
        case .batchNorm, .layerNorm: return true
        default: return false
        }
    }

    static func describe(_ space: ChannelSpaces.Space) -> String {
        "\(space.size) channels of " + space.nodes.prefix(4).joined(separator: ", ")
            + (space.nodes.count > 4 ? ", …" : "")
    }

    /// g·θ: heads' rows (or norms' γ, β) × D_s, readers' column blocks × D_s^{−e}; buffers stay. O(P).
    public func act(on theta: ParameterVector<Double>) throws(SymmetryError) -> ParameterVector<Double> {
        guard theta.layout == network.layout else {
            throw .invalidGroupElement(layer: 0, reason: "the parameters do not have the network's layout")
        }
        let plan = network.plan
        var out = theta
        out.withUnsafeMutableBufferPointer { p in
            for (k, node) in plan.nodes.enumerated() {
                let rowScale = structure.scalesOutput[k] ? scales[spaces.nodeOutputs[k].space] : nil
                switch node.layer {
                case .linear, .conv2d:
                    let source = plan.inputIndices[k][0]
                    let e = source < 0 ? 0 : structure.exponents[source]
                    // D^{−e} of each input unit, applied to its block of columns.
                    let columnFactors =
                        e > 0 ? scales[spaces.nodeOutputs[source].space]?.map { 1 / integerPower($0, e) } : nil
                    for t in plan.nodeTensors[k] {
                        let (rows, columns) = ChannelSpaces.matrixView(t)
                        // Rows, then columns: the order of the chain action, so both round alike.
                        if let rowScale {
                            for r in 0..<rows {
                                let row = t.offset + r * columns
                                for c in 0..<columns { p[row + c] *= rowScale[r] }
                            }
                        }
                        if let columnFactors, t.shape.count > 1 {
                            let block = columns / columnFactors.count
                            for r in 0..<rows {
                                let row = t.offset + r * columns
                                for c in 0..<columns { p[row + c] *= columnFactors[c / block] }
                            }
                        }
                    }
                case .batchNorm, .layerNorm:
                    guard let rowScale else { continue }
                    // γ and β (not the running statistics): channel c is a block of count/C entries.
                    for t in plan.nodeTensors[k] where t.role == .parameter {
                        let block = t.count / rowScale.count
                        for i in 0..<t.count { p[t.offset + i] *= rowScale[i / block] }
                    }
                default:
                    continue
                }
            }
        }
        return out
    }
}
