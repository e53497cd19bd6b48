import OrbitNetworks
import OrbitNumerics

/// REPAIR (Jordan, Sedghi, Saukh, Entezari & Neyshabur, ICLR 2023, "REPAIR: REnormalizing Permuted
/// Activations for Interpolation Repair"): in the interpolated network θ_t = (1 − t)θ_A + tθ_B (B
/// aligned to A), the hidden units' pre-activation statistics collapse ("variance collapse"). REPAIR
/// resets each hidden unit's pre-activation mean and standard deviation to the interpolation of the end
/// points',
///
///     μ*_i = (1 − t)μ^A_i + tμ^B_i,   σ*_i = (1 − t)σ^A_i + tσ^B_i,
///
/// and folds the correction into the layer: with s_i = σ*_i / σ_i (σ_i, μ_i measured in θ_t),
/// W_i ← s_i·W_i and b_i ← s_i·(b_i − μ_i) + μ*_i, so z_i ↦ s_i(z_i − μ_i) + μ*_i.
/// Layers are repaired in order, each measured after the earlier ones are fixed, so after the repair
/// every repaired unit has exactly the target statistics on `inputs`. Statistics are streamed in
/// Float64 over `inputs` (population variance). Repaired layers: dense layers producing a hidden group
/// and having a bias (a layer ending a residual block is skipped — the skip cannot be folded into its
/// weights); units with σ_i = 0 are only shifted. Cost: one forward pass per repaired layer.
public struct REPAIR: Sendable {
    public var batchSize: Int

    public init(batchSize: Int = 1000) { self.batchSize = batchSize }

    /// Per-unit pre-activation statistics of one layer.
    public struct UnitStatistics: Sendable, Equatable {
        public var layer: String
        public var mean: [Double]
        public var standardDeviation: [Double]
    }

    /// The pre-activation statistics of every layer REPAIR acts on, in order.
    public func statistics(
        network: Network, parameters: ParameterVector<Float>, inputs: Matrix<Float>
    ) throws -> [UnitStatistics] {
        try requireInputs(network, inputs)
        try requireDenseChain(network, method: "REPAIR")
        let structure = NetworkStructure(network)
        let steps = Self.repairedSteps(structure)
        return try measure(structure: structure, parameters: parameters, inputs: inputs, steps: steps)
    }

    /// The repaired interpolation between A and B (B already aligned) at `t`.
    public func repair(
        network: Network, a: ParameterVector<Float>, b: ParameterVector<Float>, t: Double, inputs: Matrix<Float>
    ) throws -> ParameterVector<Float> {
        try repair(network: network, models: [a, b], weights: [1 - t, t], inputs: inputs)
    }

    /// The repaired combination Σ_k w_k θ_k of aligned models (the merge of several models): targets are
    /// μ* = Σ_k w_k μ^k and σ* = Σ_k w_k σ^k.
    public func repair(
        network: Network, models: [ParameterVector<Float>], weights: [Double], inputs: Matrix<Float>
    ) throws -> ParameterVector<Float> {
        precondition(models.count == weights.count && !models.isEmpty, "one weight per model")
        try requireInputs(network, inputs)
        try requireDenseChain(network, method: "REPAIR")
        let structure = NetworkStructure(network)
        let steps = Self.repairedSteps(structure)
        guard !steps.isEmpty else {
            throw AlignmentError.unsupported(
                method: "REPAIR", reason: "the network has no hidden layer with a bias to renormalise")
        }
        let endpoints = try models.map {
            try measure(structure: structure, parameters: $0, inputs: inputs, steps: steps)
        }
        var theta = ParameterVector.combination(weights.map { Float($0) }, models)
        for (index, k) in steps.enumerated() {
            let step = structure.steps[k]
            let current = try measure(structure: structure, parameters: theta, inputs: inputs, steps: [k])[0]
            var w = theta.tensor(step.weight)!.converted(to: Double.self)
            var bias = theta.tensor(step.bias!)!.flat.map(Double.init)
            for i in 0..<step.outputs {
                var targetMean = 0.0, targetStd = 0.0
                for (stats, weight) in zip(endpoints, weights) {
                    targetMean += weight * stats[index].mean[i]
                    targetStd += weight * stats[index].standardDeviation[i]
                }
                let sigma = current.standardDeviation[i]
                let s = sigma > 1e-12 ? targetStd / sigma : 1
                for c in 0..<w.columns { w[i, c] *= s }
                bias[i] = s * (bias[i] - current.mean[i]) + targetMean
            }
            theta.setTensor(step.weight, to: w.converted(to: Float.self))
            theta.setTensor(step.bias!, to: Matrix(rows: 1, columns: bias.count, flat: bias.map(Float.init)))
        }
        return theta
    }

    static func repairedSteps(_ structure: NetworkStructure) -> [Int] {
        structure.steps.indices.filter { k in
            let s = structure.steps[k]
            return s.outputGroup != nil && s.bias != nil && s.skipFrom == nil
        }
    }

    func measure(
        structure: NetworkStructure, parameters: ParameterVector<Float>, inputs: Matrix<Float>, steps: [Int]
    ) throws -> [UnitStatistics] {
        let forward = LayerwiseForward(structure: structure, parameters: parameters)
        var sums = steps.map { [Double](repeating: 0, count: structure.steps[$0].outputs) }
        var squares = sums
        let slot = Dictionary(uniqueKeysWithValues: steps.enumerated().map { ($0.element, $0.offset) })
        var start = 0
        while start < inputs.rows {
            let end = min(start + max(batchSize, 1), inputs.rows)
            forward.run(batchRows(inputs, start..<end)) { k, _, z, _ in
                guard let s = slot[k] else { return }
                z.withView { v in
                    for i in 0..<v.rows {
                        let r = v.row(i)
                        for j in 0..<r.count {
                            sums[s][j] += r[j]
                            squares[s][j] += r[j] * r[j]
                        }
                    }
                }
            }
            start = end
        }
        let n = Double(inputs.rows)
        return steps.enumerated().map { s, k in
            let mean = sums[s].map { $0 / n }
            let std = zip(squares[s], mean).map { (max($0 / n - $1 * $1, 0)).squareRoot() }
            return UnitStatistics(layer: structure.steps[k].module, mean: mean, standardDeviation: std)
        }
    }
}
