/// A kind of resumable optimisation, as a type: its epoch record, its configuration and its name in
/// state files. Training (``TrainingRun``), curve fitting and centre finding each declare one, so
/// their states are distinct types (a curve's state cannot be written as a centre's) that share one
/// implementation.
public protocol OptimizationRun {
    associatedtype Record: Codable & Hashable & Sendable
    associatedtype Configuration: OptimizationConfiguration
    static var kind: OptimizationKind { get }
}

/// Which optimisation a state file belongs to.
public enum OptimizationKind: String, Sendable, CaseIterable {
    case training
    case curve
    case centre

    /// "a training run (orbit train)", … for messages.
    public var runDescription: String {
        switch self {
        case .training: return "a training run (orbit train)"
        case .curve: return "a curve fit (orbit curve)"
        case .centre: return "a star centre fit (orbit star, orbit ngd)"
        }
    }
}
