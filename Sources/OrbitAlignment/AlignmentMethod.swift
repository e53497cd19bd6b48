import OrbitNumerics

/// The matching methods offered by name (the `--method` values of `orbit align` and `orbit merge`),
/// each mapped once to its ``PermutationMatcher``:
///
/// | method | matcher |
/// |---|---|
/// | weight | ``WeightMatching`` (Git Re-Basin) |
/// | activation | ``ActivationMatching`` (correlation; needs inputs) |
/// | sigma | ``SigmaWeightedMatching`` with Σ = E[h hᵀ] (Ferbach et al.; needs inputs) |
/// | naive | ``SigmaWeightedMatching`` with Σ = I (incoming weights only) |
/// | ot | ``OTAlignment`` (layer-wise exact OT) |
/// | sinkhorn | ``SinkhornAlignment`` (entropic OT, rounded to a permutation) |
public enum AlignmentMethod: String, CaseIterable, Sendable {
    case weight, activation, sigma, naive, ot, sinkhorn

    /// Whether the method measures statistics on data.
    public var needsInputs: Bool { matcher().needsInputs }

    /// The method's matcher. `seed` orders the coordinate-descent visits and `maxSweeps` bounds them
    /// (weight, sigma, naive); `epsilon` is Sinkhorn's ε relative to the mean cost.
    public func matcher(seed: UInt64 = 0, maxSweeps: Int = 100, epsilon: Double = 0.01) -> any PermutationMatcher {
        switch self {
        case .weight: WeightMatching(seed: seed, maxSweeps: maxSweeps)
        case .activation: ActivationMatching()
        case .sigma: SigmaWeightedMatching(seed: seed, maxSweeps: maxSweeps)
        case .naive: SigmaWeightedMatching(metric: .identity, seed: seed, maxSweeps: maxSweeps)
        case .ot: OTAlignment()
        case .sinkhorn: SinkhornAlignment(epsilon: epsilon)
        }
    }
}
