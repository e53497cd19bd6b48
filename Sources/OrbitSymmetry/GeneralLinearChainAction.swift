import OrbitNetworks
import OrbitNumerics

/// The action of GL(h₁) × ⋯ × GL(h_{l−1}) on a linear chain (Zhao, Dehmamy, Walters, Yu, ICML 2025,
/// §4, Prop 4.1):
///
///     W₁ → g₁W₁,   W_i → g_i W_i g_{i−1}⁻¹ (1 < i < l),   W_l → W_l g_{l−1}⁻¹,
///
/// which leaves the product W_l⋯W₁, hence f and any loss, unchanged. g_k ∈ GL(h_k) acts on hidden
/// layer k (the output of W_k). Cost: one LU inverse per g_k (O(h_k³)) and two products per layer
/// (O(Σ h_k h_{k−1}(h_k + h_{k−1}))).
public struct GeneralLinearChainAction: SymmetryAction, Sendable {
    public let chain: LinearChain
    /// g₁ … g_{l−1}.
    public let elements: [Matrix<Double>]
    /// g₁⁻¹ … g_{l−1}⁻¹, formed once.
    public let inverses: [Matrix<Double>]

    public var network: Network { chain.network }

    /// Validates that `network` is a linear chain, that there is one g_k per hidden layer with
    /// shape h_k × h_k, and that every g_k is invertible.
    public init(network: Network, elements: [Matrix<Double>]) throws(SymmetryError) {
        let chain = try LinearChain(network)
        let hidden = chain.hiddenSizes
        guard elements.count == hidden.count else {
            throw .groupElementShape(
                layer: min(elements.count, hidden.count) + 1,
                expected: "\(hidden.count) group elements (one per hidden layer)",
                found: "\(elements.count)")
        }
        var inverses: [Matrix<Double>] = []
        for (k, (g, h)) in zip(elements, hidden).enumerated() {
            guard g.rows == h, g.columns == h else {
                throw .groupElementShape(layer: k + 1, expected: "\(h)×\(h)", found: g.shapeDescription)
            }
            let lu: LUDecomposition<Double>
            do { lu = try LUDecomposition(g) } catch { throw .numerics(error) }
            guard lu.zeroPivot == nil, let inverse = try? lu.inverse() else {
                throw .invalidGroupElement(layer: k + 1, reason: "g is singular")
            }
            inverses.append(inverse)
        }
        self.chain = chain
        self.elements = elements
        self.inverses = inverses
    }

    /// g·(W₁, …, W_l) on plain matrices.
    public func act(on weights: [Matrix<Double>]) -> [Matrix<Double>] {
        Self.act(weights, elements: elements, inverses: inverses)
    }

    /// The chain action with given g's and their inverses (shared by ``OrbitCurve``).
    static func act(_ weights: [Matrix<Double>], elements: [Matrix<Double>], inverses: [Matrix<Double>]) -> [Matrix<
        Double
    >] {
        let l = weights.count
        return (0..<l).map { i in
            var w = weights[i]
            if i < l - 1 { w = elements[i] * w }
            if i > 0 { w = w * inverses[i - 1] }
            return w
        }
    }

    public func act(on theta: ParameterVector<Double>) throws(SymmetryError) -> ParameterVector<Double> {
        chain.parameters(act(on: try chain.weights(theta)))
    }
}
