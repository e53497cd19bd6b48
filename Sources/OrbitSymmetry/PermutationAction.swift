import OrbitNetworks
import OrbitNumerics

/// The permutation symmetry of an MLP: a permutation π_i of the units of each hidden layer i
/// (docs/math/symmetry.md §2; Zhao, Dehmamy, Walters, Yu, ICML 2025, Prop 5.2):
///
///     W_i → P_i W_i P_{i−1}ᵀ,   b_i → P_i b_i,   (P₀ = P_L = I),
///
/// i.e. the rows of W_i and b_i and the columns of W_{i+1} are reordered by π_i. Elementwise
/// activations commute with permutations, so f is unchanged for every activation.
/// Convention: row r of the result is row π_i[r] of the input (P_i has a 1 at (r, π_i[r])).
/// Cost: O(P) copies for P parameters.
public struct PermutationAction: SymmetryAction, Sendable {
    public let network: Network
    /// π₁ … π_{L−1}.
    public let permutations: [[Int]]
    let structure: DenseChainStructure

    /// Fails for skip blocks, a wrong number of permutations, or an array that is not a permutation
    /// of 0..<h_i.
    public init(network: Network, permutations: [[Int]]) throws(SymmetryError) {
        let structure = try DenseChainStructure(network)
        let hidden = structure.layers.dropLast()
        guard permutations.count == hidden.count else {
            throw .groupElementShape(
                layer: min(permutations.count, hidden.count) + 1,
                expected: "\(hidden.count) permutations (one per hidden layer)", found: "\(permutations.count)")
        }
        for (i, (layer, p)) in zip(hidden, permutations).enumerated() {
            guard p.count == layer.outputs else {
                throw .groupElementShape(
                    layer: i + 1, expected: "a permutation of \(layer.outputs) units", found: "\(p.count) entries")
            }
            guard p.sorted() == Array(0..<layer.outputs) else {
                throw .invalidGroupElement(layer: i + 1, reason: "\(p) is not a permutation of 0..<\(layer.outputs)")
            }
        }
        self.network = network
        self.permutations = permutations
        self.structure = structure
    }

    public func act(on theta: ParameterVector<Double>) throws(SymmetryError) -> ParameterVector<Double> {
        try DenseChainStructure.requireLayout(network, theta.layout)
        var out = theta
        for (i, layer) in structure.layers.enumerated() {
            let w = theta.tensor(layer.weight)!
            let rowPerm = i < permutations.count ? permutations[i] : Array(0..<w.rows)
            let colPerm = i > 0 ? permutations[i - 1] : Array(0..<w.columns)
            var moved = w
            for r in 0..<w.rows { for c in 0..<w.columns { moved[r, c] = w[rowPerm[r], colPerm[c]] } }
            out.setTensor(layer.weight, to: moved)
            if let b = layer.bias, i < permutations.count {
                let bias = theta.tensor(b)!
                var movedBias = bias
                for j in 0..<bias.columns { movedBias[0, j] = bias[0, rowPerm[j]] }
                out.setTensor(b, to: movedBias)
            }
        }
        return out
    }
}
