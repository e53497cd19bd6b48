import OrbitNetworks
import OrbitNumerics

/// How an epoch's running loss is averaged for progress and records.
public enum LossAveraging: Sendable {
    /// Σ per-sample losses / samples seen (the steps report their batch's loss sum).
    case perSample
    /// Σ per-step values / steps done (the steps report a mean, e.g. at a sampled t).
    case perStep
}

/// What one optimisation step reports: the value added to the epoch's running sum (checked for
/// finiteness before anything is updated) and the correct predictions, when the loss classifies.
public struct OptimizationStepValue: Sendable {
    public var loss: Double
    public var correct: Int?

    @inlinable
    public init(loss: Double, correct: Int? = nil) {
        self.loss = loss
        self.correct = correct
    }
}

/// The per-step work of a client of ``ResumableOptimization`` — the objective and its gradient at
/// the current points for a loaded minibatch — plus the client's own random draws (a curve's t, a
/// star centre's feet and t), which must be skippable so that a resumed epoch continues the stream.
///
/// A conforming type is a small value built per run around the client's preallocated engine; its
/// methods run once per step, the hot kernels inside them stay specialised (the driver is
/// `@inlinable` and each client's `run` is specialised for Float and Double).
public protocol OptimizationObjective {
    associatedtype Scalar: BLASScalar
    /// Whether the driver runs the epoch's steps with single-threaded BLAS: true when the client's
    /// engine splits each batch across the cores (``MinibatchGradient``), one BLAS thread per part.
    var singleThreadedBLAS: Bool { get }
    var averaging: LossAveraging { get }
    /// Starts epoch `epoch` (from 1): seeds the client's draws from (seed, epoch) and discards those
    /// of the first `skippedSteps` steps, which a resumed state has done already.
    mutating func beginEpoch(_ epoch: Int, skippingSteps skippedSteps: Int)
    /// The step's objective at `points` on the loaded `batch`; leaves the gradient for ``gradient()``.
    mutating func evaluate(at points: [ParameterVector<Scalar>], batch: BatchLoader<Scalar>) -> OptimizationStepValue
    /// The step's gradient as at most two parts whose sum it is (read once per step).
    mutating func gradient() -> [ParameterVector<Scalar>]
    /// The factor of the gradient point `index` receives (the chain rule: a curve's bend gets
    /// c_i(t)·∇L); 0 leaves the point and its optimiser untouched this step.
    func gradientScale(ofPoint index: Int) -> Double
    /// Updates the buffers of the points after the step's optimiser update (BatchNorm's running
    /// statistics move towards the step's batch statistics); most objectives have none.
    mutating func updateBuffers(of points: inout [ParameterVector<Scalar>])
}

extension OptimizationObjective {
    public mutating func updateBuffers(of points: inout [ParameterVector<Scalar>]) {}
}
