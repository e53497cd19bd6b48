import OrbitData
import OrbitNetworks

extension Targets {
    /// The loss Orbit uses for these targets unless told otherwise: cross-entropy for classes,
    /// squared error for values.
    public var defaultLoss: LossFunction {
        switch self {
        case .classes: return .softmaxCrossEntropy
        case .values: return .meanSquaredError
        }
    }

    /// Whether metrics on these targets include an accuracy: exactly for class labels, whatever the
    /// loss (the rule of ``SplitMetrics``).
    public var reportsAccuracy: Bool {
        switch self {
        case .classes: return true
        case .values: return false
        }
    }
}
