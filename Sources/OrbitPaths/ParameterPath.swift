import OrbitNetworks
import OrbitNumerics

/// A path t ↦ θ(t) in parameter space, t ∈ [0, 1].
///
/// Most paths are affine in a few control points (``AffinePath``); a path that is not — such as a
/// symmetry orbit curve γ(t) = exp(t·log g)·w (Zhao et al. 2025, Eq. 5) — conforms to this protocol
/// by giving θ(t) directly, and the evaluator then runs one full forward pass per point.
public protocol ParameterPath<Scalar> {
    associatedtype Scalar: BLASScalar
    /// The layout every point shares.
    var layout: ParameterLayout { get }
    /// θ(t).
    func point(at t: Double) -> ParameterVector<Scalar>
    /// A short description for reports, e.g. `line`, `fold-line via centre`, `Bézier (degree 2)`.
    var kindDescription: String { get }
}
