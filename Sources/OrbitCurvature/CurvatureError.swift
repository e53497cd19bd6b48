/// Why a curvature estimate could not be made.
public enum CurvatureError: Error, CustomStringConvertible, Equatable {
    /// More samples asked for than the split holds.
    case tooManySamples(requested: Int, available: Int, split: String)
    /// An empty sample set, or a count that must be positive is not.
    case invalid(reason: String)
    /// k eigenpairs asked of fewer Lanczos steps (a Krylov space of dimension m has m Ritz values).
    case topKExceedsSteps(k: Int, steps: Int)
    /// A Hessian-vector product produced NaN or ±∞ (e.g. a diverged point or an overflowing loss).
    case nonFiniteProduct(tensor: String, index: Int, point: String)
    /// LAPACK failed on the Lanczos tridiagonal.
    case eigensolverFailed(reason: String)

    public var description: String {
        switch self {
        case .tooManySamples(let requested, let available, let split):
            return "--samples \(requested) exceeds the \(available) samples of the \(split) split"
        case .invalid(let reason):
            return reason
        case .topKExceedsSteps(let k, let steps):
            return "top-k \(k) needs at least \(k) Lanczos steps, got \(steps) (raise --steps or lower --top-k)"
        case .nonFiniteProduct(let tensor, let index, let point):
            return
                "the Hessian-vector product at \(point) is not finite (tensor \(tensor), entry \(index)): the loss is not finite or overflows there"
        case .eigensolverFailed(let reason):
            return "the eigen-decomposition of the Lanczos tridiagonal failed: \(reason)"
        }
    }
}
