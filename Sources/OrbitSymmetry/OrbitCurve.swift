import OrbitNetworks
import OrbitNumerics
import OrbitPaths

/// The symmetry-induced curve between two minima of a linear chain on one GL orbit
/// (Zhao, Dehmamy, Walters, Yu, ICML 2025, §6, Eq. 5):
///
///     γ(t) = exp(t·log g)·w,   t ∈ [0, 1],   γ(0) = w,   γ(1) = g·w = w′,
///
/// with the chain action of ``GeneralLinearChainAction``: for M_k = log g_k,
///
///     γ(t)₁ = e^{tM₁}W₁,   γ(t)_i = e^{tM_i} W_i e^{−tM_{i−1}},   γ(t)_l = W_l e^{−tM_{l−1}}.
///
/// Every γ(t) is g(t)·w for a group element g(t), so f(x; γ(t)) = f(x; w) and the loss is constant
/// along γ — unlike the straight line between w and w′.
///
/// When some g_k has no real principal logarithm (a negative real eigenvalue) but det g_k > 0, that
/// layer follows the polar fallback of ``GroupElementFlow`` (first e^{s·log P}, then e^{s·log Q}, each
/// over half of [0, 1]); the curve is then continuous, piecewise smooth, still within the orbit.
/// If det g_k < 0 the minima are in different connected components (Cor 4.2, Lemma 5.1) and no curve
/// within the orbit exists: ``SymmetryError/differentComponents(layer:determinant:)``. Joining them
/// by first applying layer permutations (Prop 5.2: a transposition at layer k flips sign det G_k):
/// ``LinearChain/joinComponent(of:with:)``.
///
/// Cost: construction O(l·h³) (logm, or SVD + two logm per fallback layer); each ``point(at:)`` costs
/// 2(l−1) expm of order h (4 for fallback layers) plus 2 products per layer, O(l·h³).
public struct OrbitCurve<Scalar: BLASScalar>: ParameterPath, Sendable {
    public let chain: LinearChain
    /// W₁ … W_l of the start w.
    public let start: [Matrix<Double>]
    /// g₁ … g_{l−1}.
    public let elements: [Matrix<Double>]
    /// The flow t ↦ g_k(t) of each hidden layer.
    public let flows: [GroupElementFlow]

    public var layout: ParameterLayout { chain.network.layout }

    public var kindDescription: String {
        flows.contains(where: \.isPolar) ? "orbit curve exp(t·log g)·w (polar fallback)" : "orbit curve exp(t·log g)·w"
    }

    /// Whether some layer uses the two-stage polar fallback.
    public var usesPolarFallback: Bool { flows.contains(where: \.isPolar) }

    /// The curve γ(t) = exp(t·log g)·w for given g₁ … g_{l−1}.
    public init(network: Network, start w: ParameterVector<Scalar>, elements: [Matrix<Double>]) throws(SymmetryError) {
        // Validates the chain and the shapes and invertibility of the g's.
        let action = try GeneralLinearChainAction(network: network, elements: elements)
        chain = action.chain
        start = try chain.weights(w)
        self.elements = elements
        var flows: [GroupElementFlow] = []
        for (k, g) in elements.enumerated() { flows.append(try GroupElementFlow(to: g, layer: k + 1)) }
        self.flows = flows
    }

    /// The curve from w to w′ on one orbit: g = ``LinearChain/groupElement(from:to:tolerance:)``.
    public init(network: Network, from w: ParameterVector<Scalar>, to wPrime: ParameterVector<Scalar>)
        throws(SymmetryError)
    {
        let chain = try LinearChain(network)
        let g = try chain.groupElement(from: w, to: wPrime)
        try self.init(network: network, start: w, elements: g)
    }

    /// (g₁(t), …) and their inverses.
    func elements(at t: Double) -> (elements: [Matrix<Double>], inverses: [Matrix<Double>]) {
        let pairs = flows.map { $0.element(at: t) }
        return (pairs.map(\.element), pairs.map(\.inverse))
    }

    /// γ(t)'s weights W₁(t) … W_l(t) in Float64.
    public func weights(at t: Double) -> [Matrix<Double>] {
        let (g, gInverse) = elements(at: t)
        return GeneralLinearChainAction.act(start, elements: g, inverses: gInverse)
    }

    public func point(at t: Double) -> ParameterVector<Scalar> {
        chain.parameters(weights(at: t), as: Scalar.self)
    }
}
