import OrbitNumerics

/// How the learning rate evolves over training, as a factor of the base rate η₀ evaluated at each
/// optimisation step s of S = epochs × steps-per-epoch.
public enum LearningRateSchedule: Hashable, Sendable, Codable {
    /// η₀ throughout.
    case constant
    /// η₀·γ^⌊epoch / every⌋ (PyTorch `StepLR`, stepped per epoch).
    case step(everyEpochs: Int, gamma: Double)
    /// η₀·½(1 + cos(π·s/S)) (cosine annealing to zero, per step).
    case cosine
    /// Linear warm-up from 0 over the first `warmupEpochs`, then cosine annealing.
    case warmupCosine(warmupEpochs: Double)

    /// The learning rate at global step `step` (0-based) of `totalSteps`, with `stepsPerEpoch`.
    public func rate(base: Double, step: Int, totalSteps: Int, stepsPerEpoch: Int) -> Double {
        let s = Double(step), total = Double(max(totalSteps, 1))
        switch self {
        case .constant:
            return base
        case .step(let every, let gamma):
            let epoch = step / max(stepsPerEpoch, 1)
            return base * Double.pow(gamma, Double(epoch / max(every, 1)))
        case .cosine:
            return base * 0.5 * (1 + Double.cos(Double.pi * s / total))
        case .warmupCosine(let warmupEpochs):
            let warmup = warmupEpochs * Double(stepsPerEpoch)
            if s < warmup { return base * (s + 1) / warmup }
            let progress = (s - warmup) / max(total - warmup, 1)
            return base * 0.5 * (1 + Double.cos(Double.pi * progress))
        }
    }

    /// Parses `constant`, `step:EVERY:GAMMA`, `cosine`, `warmup-cosine:EPOCHS`.
    public init?(parsing text: String) {
        let parts = text.lowercased().split(separator: ":").map(String.init)
        switch parts.first {
        case "constant" where parts.count == 1: self = .constant
        case "cosine" where parts.count == 1: self = .cosine
        case "step" where parts.count == 3:
            guard let every = Int(parts[1]), every > 0, let gamma = Double(parts[2]), gamma > 0 else { return nil }
            self = .step(everyEpochs: every, gamma: gamma)
        case "warmup-cosine" where parts.count == 2:
            guard let w = Double(parts[1]), w >= 0 else { return nil }
            self = .warmupCosine(warmupEpochs: w)
        default: return nil
        }
    }
}
