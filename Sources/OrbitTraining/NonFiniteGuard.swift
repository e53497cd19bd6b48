import OrbitNetworks
import OrbitNumerics

/// A minibatch gradient that holds NaN or ±∞: training stops before the update, so θ and the
/// checkpoint on disk stay those of the last good step.
public struct NonFiniteGradientError: Error, Equatable, Sendable, CustomStringConvertible {
    public var epoch: Int
    /// The step within the epoch, from 1.
    public var step: Int
    /// The first tensor of ∂L/∂θ holding a non-finite value, and the flat index inside it.
    public var tensor: String
    public var index: Int

    public init(epoch: Int, step: Int, tensor: String, index: Int) {
        self.epoch = epoch
        self.step = step
        self.tensor = tensor
        self.index = index
    }

    public var description: String {
        "training stopped: the gradient became non-finite (NaN or ±∞) in \(tensor)[\(index)] at epoch \(epoch), step \(step) (try a smaller learning rate; the last checkpoint is kept)"
    }
}

/// The check every training loop (``Trainer``, the curve fitter, centre finding) runs on each
/// minibatch gradient before it updates anything.
public enum NonFiniteGuard {
    /// Whether every entry of `vector` is finite: Σ x·0 is 0 unless some x is NaN or ±∞ (then NaN).
    /// One branch-free pass that vectorises, O(|θ|), against the optimiser's own O(|θ|) step.
    @inlinable
    public static func isFinite<Scalar: BLASScalar>(_ vector: ParameterVector<Scalar>) -> Bool {
        vector.withUnsafeBufferPointer { buffer in
            var accumulator: Scalar = 0
            for x in buffer { accumulator += x * 0 }
            return accumulator == 0
        }
    }

    /// Throws ``NonFiniteGradientError`` unless every part of the gradient is finite.
    @inlinable
    public static func check<Scalar: BLASScalar>(_ parts: [ParameterVector<Scalar>], epoch: Int, step: Int) throws {
        for part in parts where !isFinite(part) {
            let (tensor, index) = part.firstNonFinite() ?? ("θ", 0)
            throw NonFiniteGradientError(epoch: epoch, step: step, tensor: tensor, index: index)
        }
    }
}
