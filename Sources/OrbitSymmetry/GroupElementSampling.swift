import OrbitNetworks
import OrbitNumerics

/// The symmetry groups of an MLP from which a random element can be drawn as an action on θ
/// (Zhao, Dehmamy, Walters & Yu, ICML 2025, §3 and §5).
public enum SymmetryGroup: String, CaseIterable, Sendable {
    /// GL(h) per hidden layer, for linear chains (``GeneralLinearChainAction``).
    case generalLinear
    /// Positive diagonal rescalings per hidden layer, for positively homogeneous activations
    /// (``RescalingAction``).
    case rescaling
    /// Hidden-unit permutations, for any MLP (``PermutationAction``).
    case permutation

    /// A random element of the group for `network`, one factor per hidden layer of width h, drawn in
    /// layer order from one generator seeded with `seed`:
    ///
    /// - general linear: g = exp(strength·G/√h), G_ij ~ N(0, 1) (``randomGeneralLinear(size:strength:generator:)``);
    /// - rescaling: D = diag(exp(strength·z_i)), z_i ~ N(0, 1);
    /// - permutation: a uniform permutation (Fisher–Yates).
    ///
    /// Cost: O(h³) per layer for the general linear group (a matrix exponential), O(h) otherwise.
    ///
    /// - Throws: ``SymmetryError`` when the group does not act on `network` (e.g. GL on a non-linear net).
    public func randomAction(network: Network, seed: UInt64, strength: Double) throws(SymmetryError)
        -> any SymmetryAction
    {
        var g = SeededGenerator(seed: seed)
        let hidden = network.denseLayers.dropLast().map(\.outputs)
        switch self {
        case .generalLinear:
            var elements: [Matrix<Double>] = []
            for h in hidden {
                elements.append(try Self.randomGeneralLinear(size: h, strength: strength, generator: &g))
            }
            return try GeneralLinearChainAction(network: network, elements: elements)
        case .rescaling:
            return try RescalingAction(
                network: network,
                scales: hidden.map { h in (0..<h).map { _ in Double.exp(strength * g.nextGaussian()) } })
        case .permutation:
            return try PermutationAction(
                network: network,
                permutations: hidden.map { h in
                    var p = Array(0..<h)
                    p.withUnsafeMutableBufferPointer { fisherYatesShuffle($0, using: &g) }
                    return p
                })
        }
    }

    /// g = exp(strength·G/√h) with G an h × h matrix of N(0, 1) entries drawn from `generator`: invertible
    /// with det g = e^{tr(strength·G/√h)} > 0, so w and g·w lie in one connected component (Cor 4.2).
    /// The 1/√h keeps ‖strength·G/√h‖ of order `strength` for every width. Cost: O(h³).
    public static func randomGeneralLinear(size h: Int, strength: Double, generator: inout SeededGenerator)
        throws(SymmetryError) -> Matrix<Double>
    {
        let logarithm =
            (strength / Double(h).squareRoot()) * Matrix<Double>.normal(rows: h, columns: h, generator: &generator)
        do { return try logarithm.expm() } catch { throw .numerics(error) }
    }
}
