/// How features are standardised after scaling to [0, 1] (uint8 pixels are divided by 255 first).
///
/// Statistics are computed on the train split only and applied to every split (PyTorch's
/// `transforms.Normalize(mean, std)` convention): x ↦ (x − μ) / σ. σ is the population standard
/// deviation (divisor n); a σ of zero is replaced by 1, so a constant feature becomes 0 rather than
/// NaN. For Fashion-MNIST the scalar statistics are μ ≈ 0.2860, σ ≈ 0.3530.
public enum Standardization: Sendable, Equatable, CustomStringConvertible {
    /// Leave the (scaled) features as they are.
    case none
    /// One μ and σ over all train features (the default for image data).
    case scalar
    /// μ_j and σ_j for each feature column j.
    case perFeature
    /// A user-given μ and σ.
    case given(mean: Double, std: Double)

    /// Parses `none`, `scalar`, `per-feature` or `mean=M,std=S`; nil otherwise.
    public init?(parsing text: String) {
        switch text {
        case "none": self = .none
        case "scalar": self = .scalar
        case "per-feature": self = .perFeature
        default:
            var mean: Double?
            var std: Double?
            for part in text.split(separator: ",") {
                let kv = part.split(separator: "=", maxSplits: 1).map(String.init)
                guard kv.count == 2, let v = Double(kv[1]), v.isFinite else { return nil }
                switch kv[0] {
                case "mean" where mean == nil: mean = v
                case "std" where std == nil: std = v
                default: return nil
                }
            }
            guard let mean, let std, std > 0 else { return nil }
            self = .given(mean: mean, std: std)
        }
    }

    /// The string ``init(parsing:)`` accepts.
    public var description: String {
        switch self {
        case .none: return "none"
        case .scalar: return "scalar"
        case .perFeature: return "per-feature"
        case .given(let mean, let std): return "mean=\(mean),std=\(std)"
        }
    }
}

/// The statistics a standardisation used: one entry for scalar/given, one per feature for
/// per-feature, none for `.none`. Keep them to standardise new inputs the same way.
public struct StandardizationStatistics: Sendable, Equatable {
    public var mean: [Double]
    public var std: [Double]

    public init(mean: [Double], std: [Double]) {
        self.mean = mean
        self.std = std
    }
}
