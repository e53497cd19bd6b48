import OrbitNetworks
import OrbitNumerics

/// Errors of the symmetry layer: group actions on θ, group elements between minima and orbit curves
/// (Zhao, Dehmamy, Walters, Yu, ICML 2025).
public enum SymmetryError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The network does not have the structure the action needs (e.g. a GL action on a network that is
    /// not a linear chain, a rescaling across a non-homogeneous activation).
    case unsupportedNetwork(reason: String)
    /// A group element of the wrong shape for hidden layer `layer` (1-based, as in the paper).
    case groupElementShape(layer: Int, expected: String, found: String)
    /// A group element that is not in the group (singular g, a non-positive rescaling, not a permutation).
    case invalidGroupElement(layer: Int, reason: String)
    /// The parameters do not match the network's layout.
    case layoutMismatch(NetworkError)
    /// The partial product G_k = W_k⋯W₁ is singular (or not square), so no g with g·w = w′ can be solved for.
    case singularPartialProduct(layer: Int)
    /// The computed group element does not reproduce the target: w′ is not on the orbit of w.
    case notOnOrbit(relativeError: Double)
    /// det g_k < 0: w and w′ lie in different connected components of the minimum (Cor 4.2, Lemma 5.1),
    /// so no curve inside the orbit joins them.
    case differentComponents(layer: Int, determinant: Double)
    /// The orthogonal polar factor Q of g_k has no real logarithm that could be computed.
    case noRealLogarithm(layer: Int, reason: String)
    /// A numerical routine failed.
    case numerics(LinearAlgebraError)
    /// An invariance check found the outputs changed by more than the tolerance.
    case invarianceViolated(deviation: Double, tolerance: Double)

    public var description: String {
        switch self {
        case .unsupportedNetwork(let reason):
            return "symmetry action not applicable: \(reason)"
        case .groupElementShape(let layer, let expected, let found):
            return "group element for hidden layer \(layer) has the wrong shape: expected \(expected), found \(found)"
        case .invalidGroupElement(let layer, let reason):
            return "group element for hidden layer \(layer) is not in the group: \(reason)"
        case .layoutMismatch(let error):
            return error.description
        case .singularPartialProduct(let layer):
            return
                "the partial product G_\(layer) = W_\(layer)⋯W_1 is singular or not square; no GL element can be solved for"
        case .notOnOrbit(let relativeError):
            return "the target is not on the orbit of the source (g·w − w′ has relative error \(relativeError))"
        case .differentComponents(let layer, let determinant):
            return
                "det g_\(layer) = \(determinant) < 0: the two minima lie in different connected components (Zhao et al. Cor 4.2), so no curve inside the orbit joins them; a layer permutation (Prop 5.2) would be needed first"
        case .noRealLogarithm(let layer, let reason):
            return "g_\(layer) has no usable real logarithm: \(reason)"
        case .numerics(let error):
            return error.description
        case .invarianceViolated(let deviation, let tolerance):
            return "the action changed the network's outputs: relative deviation \(deviation) > tolerance \(tolerance)"
        }
    }
}
