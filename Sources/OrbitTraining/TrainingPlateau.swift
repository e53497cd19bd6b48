import OrbitNumerics

/// When training has reached the plateau of its training loss: after epoch e ≥ w + 1, when the
/// epoch's loss L_e improved on L_{e−w} by less than the fraction ρ of L_{e−w},
///
///     L_{e−w} − L_e < ρ·L_{e−w}     (w = `window`, ρ = `relativeImprovement`),
///
/// with L_e the running mean of epoch e's minibatch losses (what the epoch record holds, so the test
/// costs no evaluation). The cap is the configuration's epoch count. Lin, Li & Wu (2024, §5) train
/// their minima without stating for how long; "to the plateau" makes that a rule a rerun repeats:
/// it depends on the epoch records only, so a resumed run stops at the same epoch as an
/// uninterrupted one. O(1) per test.
public struct TrainingPlateau: Sendable, Hashable, Codable, CustomStringConvertible {
    /// w: the epochs over which the improvement is measured.
    public var window: Int
    /// ρ: the relative improvement below which the loss has stopped falling.
    public var relativeImprovement: Double

    public init(window: Int = 5, relativeImprovement: Double = 0.01) {
        precondition(window >= 1 && relativeImprovement >= 0, "a plateau needs a window ≥ 1 and ρ ≥ 0")
        self.window = window
        self.relativeImprovement = relativeImprovement
    }

    /// Whether `losses` (L_1 … L_e, one per epoch) have reached the plateau after their last epoch.
    /// A non-finite loss never counts as a plateau (the non-finite guard stops such runs).
    public func isReached(_ losses: [Double]) -> Bool {
        let e = losses.count
        guard e > window else { return false }
        let before = losses[e - 1 - window], now = losses[e - 1]
        guard before.isFinite, now.isFinite else { return false }
        return before - now < relativeImprovement * abs(before)
    }

    /// One line for settings: "epoch train loss improves by < 1% over 5 epochs".
    public var description: String {
        let percent = relativeImprovement * 100
        let rho = percent == percent.rounded() ? "\(Int(percent))" : "\(percent)"
        return "the epoch's running train loss improves by < \(rho)% (relative) over \(window) epochs"
    }
}

/// The plateau stop of ``Trainer/run(from:stoppingAt:checkpointEvery:afterEpoch:)``, carrying the
/// state at the epoch that reached it. The driver runs a fixed number of epochs, so the stop is
/// thrown from its after-epoch hook (once that epoch's state has been seen) and caught at once.
struct PlateauReached<Scalar: BLASScalar>: Error {
    var state: TrainingState<Scalar>
}

extension Trainer {
    /// Trains from `state` until the epoch losses reach `plateau` (``TrainingPlateau``) or the
    /// configured number of epochs, whichever comes first; `afterEpoch` sees every state
    /// ``run(from:checkpointEvery:afterEpoch:)`` passes it (after each epoch, and every N-th step),
    /// before the stop is decided, so the last state written is the returned one. A state that has
    /// reached the plateau already is returned unchanged.
    public func run(
        from state: TrainingState<Scalar>, stoppingAt plateau: TrainingPlateau, checkpointEvery: Int = 0,
        afterEpoch: (TrainingState<Scalar>) throws -> Void = { _ in }
    ) throws -> TrainingState<Scalar> {
        func reached(_ s: TrainingState<Scalar>) -> Bool {
            s.completedSteps == 0 && plateau.isReached(s.history.map(\.runningTrain.loss))
        }
        if reached(state) { return state }
        do {
            return try run(from: state, checkpointEvery: checkpointEvery) { s in
                try afterEpoch(s)
                if reached(s) { throw PlateauReached(state: s) }
            }
        } catch let stop as PlateauReached<Scalar> {
            return stop.state
        }
    }
}
