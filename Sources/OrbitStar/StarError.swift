import OrbitTraining

/// Why a star-connectivity computation cannot run; each case names the offending input.
public enum StarError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A centre needs at least two feet (minima).
    case tooFewFeet(Int)
    /// A foot (or the initial centre) does not have the network's layout; names the first tensor that differs.
    case layoutMismatch(foot: String, reason: String)
    /// Two points whose distance is zero have no normalised geodesic distance (Def. 4 divides by it).
    case coincidentPoints
    /// A centre-finding option out of range.
    case invalidConfiguration(String)
    /// A state file given to resume a centre fit belongs to another run (or is unreadable).
    case stateFile(OptimizationStateError)

    public var description: String {
        switch self {
        case .tooFewFeet(let n): return "a star centre needs at least 2 feet (minima), got \(n)"
        case .layoutMismatch(let foot, let reason): return "\(foot) does not match the network: \(reason)"
        case .coincidentPoints:
            return "the two minima coincide (‖θ₁ − θ₂‖ = 0): the normalised geodesic distance is undefined"
        case .invalidConfiguration(let reason): return "invalid centre-finding configuration: \(reason)"
        case .stateFile(let error): return error.description
        }
    }
}
