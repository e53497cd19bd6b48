import OrbitNetworks
import OrbitNumerics

/// An optimiser's state as flat arrays, for checkpoints: its step count and first and second
/// moments (the second is empty for SGD).
public struct OptimizerSnapshot<Scalar: BLASScalar>: Sendable {
    public var step: Int
    public var first: [Scalar]
    public var second: [Scalar]

    public init(step: Int, first: [Scalar], second: [Scalar]) {
        self.step = step
        self.first = first
        self.second = second
    }
}

extension OptimizerState {
    /// The state as an ``OptimizerSnapshot``. O(|θ|) copies.
    public var checkpoint: OptimizerSnapshot<Scalar> {
        let s = snapshot
        return OptimizerSnapshot(step: s.step, first: s.first, second: s.second)
    }

    /// Restores a ``checkpoint``.
    public func restore(_ snapshot: OptimizerSnapshot<Scalar>) {
        restore(step: snapshot.step, first: snapshot.first, second: snapshot.second)
    }
}

/// The running sums of the epoch in progress: Σ of the steps' loss values, correct predictions and
/// samples seen. Saved with a state inside an epoch (the loss sum as its IEEE bit pattern), so a
/// resumed epoch's record equals the uninterrupted one's bit for bit.
public struct EpochSums: Hashable, Sendable {
    /// Σ of the values the steps reported (per-sample loss sums or per-step means, see
    /// ``LossAveraging``).
    public var loss: Double
    public var correct: Int
    public var samples: Int

    public init(loss: Double = 0, correct: Int = 0, samples: Int = 0) {
        self.loss = loss
        self.correct = correct
        self.samples = samples
    }
}

/// Where a resumable optimisation (``ResumableOptimization``) stands after a completed epoch, or
/// part-way through one: the optimised points, their optimisers' moments, the epoch records, and the
/// position inside the epoch in progress — enough to resume it bit-identically. One implementation
/// for every client, a distinct type per kind of run: ``TrainingState`` (one point, θ), the curve
/// fitter's state (its bends), the centre finder's (the centre).
public struct OptimizationState<Scalar: BLASScalar, Run: OptimizationRun>: Sendable {
    public var completedEpochs: Int
    /// The optimised vectors (θ; a curve's bends P₁ … P_k; a star's centre).
    public var points: [ParameterVector<Scalar>]
    /// One optimiser state per point.
    public var optimizers: [OptimizerSnapshot<Scalar>]
    /// One record per completed epoch.
    public var history: [Run.Record]
    /// Steps done in epoch `completedEpochs + 1` (0 at an epoch boundary). The epoch's order is
    /// reshuffled from (seed, epoch) on resume and the client skips these steps' own draws, so this
    /// position is all that is needed.
    public var completedSteps: Int
    /// The running sums of the epoch in progress (zero at an epoch boundary).
    public var partial: EpochSums

    public init(
        completedEpochs: Int, points: [ParameterVector<Scalar>], optimizers: [OptimizerSnapshot<Scalar>],
        history: [Run.Record], completedSteps: Int = 0, partial: EpochSums = EpochSums()
    ) {
        precondition(points.count == optimizers.count, "\(points.count) points with \(optimizers.count) optimisers")
        self.completedEpochs = completedEpochs
        self.points = points
        self.optimizers = optimizers
        self.history = history
        self.completedSteps = completedSteps
        self.partial = partial
    }

    /// The state before the first step: `points` with fresh optimisers of kind `optimizer`.
    public init(starting points: [ParameterVector<Scalar>], optimizer: Optimizer) {
        self.init(
            completedEpochs: 0, points: points,
            optimizers: points.map { OptimizerState<Scalar>(optimizer, count: $0.count).checkpoint }, history: [])
    }

    /// Σ of the epoch's loss values so far (``EpochSums/loss``).
    public var partialLossSum: Double {
        get { partial.loss }
        set { partial.loss = newValue }
    }

    /// The first point's optimiser step count (the only one for training and centre finding).
    public var optimizerStep: Int { optimizers[0].step }
    /// The first point's optimiser first moments.
    public var optimizerFirst: [Scalar] { optimizers[0].first }
    /// The first point's optimiser second moments (empty for SGD).
    public var optimizerSecond: [Scalar] { optimizers[0].second }
}
