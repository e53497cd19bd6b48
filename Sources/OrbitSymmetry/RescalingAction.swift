import OrbitNetworks
import OrbitNumerics

/// The rescaling symmetry of a network whose hidden activations are positively homogeneous,
/// σ(c·z) = c^k σ(z) for c > 0 (ReLU, leaky ReLU, identity: k = 1; ``Activation/homogeneityDegree``).
/// With a positive diagonal D_i per hidden layer i (Zhao, Dehmamy, Walters, Yu, ICML 2025, §5.2,
/// Prop 5.3):
///
///     W_i → D_i W_i,   b_i → D_i b_i,   W_{i+1} → W_{i+1} D_i^{−k}.
///
/// σ(D_i z) = D_i^k σ(z) entrywise, and D_i^{−k} undoes it in the next layer, so f is unchanged.
/// Consecutive hidden layers compose: W_i → D_i W_i D_{i−1}^{−k}. Cost: O(P) for P parameters.
public struct RescalingAction: SymmetryAction, Sendable {
    public let network: Network
    /// The diagonals of D₁ … D_{L−1}, one positive entry per unit of each hidden layer.
    public let scales: [[Double]]
    let structure: DenseChainStructure
    let degrees: [Int]

    /// Fails for skip blocks, for a hidden layer whose activation is not positively homogeneous, for
    /// a wrong number of scales and for non-positive or non-finite scales.
    public init(network: Network, scales: [[Double]]) throws(SymmetryError) {
        let structure = try DenseChainStructure(network)
        let hidden = structure.layers.dropLast()
        guard scales.count == hidden.count else {
            throw .groupElementShape(
                layer: min(scales.count, hidden.count) + 1,
                expected: "\(hidden.count) diagonals (one per hidden layer)",
                found: "\(scales.count)")
        }
        var degrees: [Int] = []
        for (i, (layer, d)) in zip(hidden, scales).enumerated() {
            guard let k = layer.activation.homogeneityDegree else {
                throw .unsupportedNetwork(
                    reason:
                        "hidden layer \(i + 1) has activation \(layer.activation.name), which is not positively homogeneous; rescaling is not a symmetry"
                )
            }
            guard d.count == layer.outputs else {
                throw .groupElementShape(layer: i + 1, expected: "\(layer.outputs) scales", found: "\(d.count)")
            }
            if let bad = d.first(where: { !($0 > 0 && $0.isFinite) }) {
                throw .invalidGroupElement(layer: i + 1, reason: "scale \(bad) is not positive and finite")
            }
            degrees.append(k)
        }
        self.network = network
        self.scales = scales
        self.structure = structure
        self.degrees = degrees
    }

    public func act(on theta: ParameterVector<Double>) throws(SymmetryError) -> ParameterVector<Double> {
        try DenseChainStructure.requireLayout(network, theta.layout)
        var out = theta
        for (i, layer) in structure.layers.enumerated() {
            var w = theta.tensor(layer.weight)!
            // Rows: D_i (the units this layer produces).
            if i < scales.count {
                for r in 0..<w.rows { for c in 0..<w.columns { w[r, c] *= scales[i][r] } }
                if let b = layer.bias {
                    var bias = theta.tensor(b)!
                    for j in 0..<bias.columns { bias[0, j] *= scales[i][j] }
                    out.setTensor(b, to: bias)
                }
            }
            // Columns: D_{i−1}^{−k} (undoes σ(D z) = D^k σ(z) of the previous hidden layer).
            if i > 0 {
                let k = degrees[i - 1]
                for c in 0..<w.columns {
                    let factor = 1 / integerPower(scales[i - 1][c], k)
                    for r in 0..<w.rows { w[r, c] *= factor }
                }
            }
            out.setTensor(layer.weight, to: w)
        }
        return out
    }
}

/// x^k for a small non-negative integer k (the homogeneity degree), by repeated multiplication.
func integerPower(_ x: Double, _ k: Int) -> Double {
    var result = 1.0
    for _ in 0..<k { result *= x }
    return result
}
